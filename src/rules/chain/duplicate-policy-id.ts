import { list as listOf, quote } from '../../util/quote.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'POL-005',
    name: 'duplicate-policy-id',
    category: 'chain',
    severity: 'error',
    summary: 'No two files in one policy set have the same PolicyId (compared case-insensitively, with or without the B2C_1A_ prefix).',
    description:
      'The tenant stores one policy per id: the second upload overwrites the first ("already has a policy with id"), and children cannot know which one they inherit from.',
    source: 'upload-errors.md §1 #9',
    examples: {
      bad: 'SignUpOrSignin.xml and SignUpOrSignin_TOTP.xml both say PolicyId="B2C_1A_signup_signin"',
      good: 'SignUpOrSignin_TOTP.xml says PolicyId="B2C_1A_signup_signin_TOTP"',
    },
  },
  check({ set, report }) {
    for (const all of set.byId.values()) {
      // A base borrowed from another folder is checked for duplicates in its own set.
      const list = all.length < 2 ? all : all.filter((p) => !set.borrowed.has(p));
      if (list.length < 2) continue;
      for (const p of list) {
        const others = list.filter((q) => q !== p).map((q) => q.path);
        report({ file: p, at: { element: p.root, attribute: 'PolicyId' }, message: `PolicyId ${quote(p.policyId!)} is also used by ${listOf(others)}.` });
      }
    }
  },
};
export default rule;
