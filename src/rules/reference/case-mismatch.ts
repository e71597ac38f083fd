import { eachReference } from '../../policy/references.js';
import type { Rule } from '../types.js';
import { KIND_NOUN } from './factory.js';

const rule: Rule = {
  meta: {
    id: 'REF-010',
    name: 'reference-case-mismatch',
    category: 'reference',
    severity: 'info',
    summary: 'A reference matches its definition only when case is ignored.',
    description:
      'The service resolves Ids case-insensitively (the starter pack references `surName` and defines `surname`), so this uploads, but tools and people searching for the Id miss it.',
    source: 'totp-spec.md §9 POL-010',
    examples: {
      bad: '<OutputClaim ClaimTypeReferenceId="surName" />  <!-- defined as surname -->',
      good: '<OutputClaim ClaimTypeReferenceId="surname" />',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      if (!set.isComplete(p)) continue;
      eachReference(p, undefined, (ref) => {
        const found = set.find(ref.kind, ref.id, p);
        if (!found || found.exactCase) return;
        report({
          file: p,
          at: { element: ref.element, attribute: ref.attribute, text: ref.attribute === undefined },
          message: `${ref.via} '${ref.id}' matches ${KIND_NOUN[ref.kind]} '${found.element.attributes.Id}' only when case is ignored.`,
        });
      });
    }
  },
};
export default rule;
