import type { XmlElement } from '../../xml/nodes.js';
import type { Policy } from '../../policy/policy.js';
import { isPlaceholderValue } from '../placeholder/patterns.js';
import type { Report, Rule } from '../types.js';

const PATTERN = /^[A-Za-z0-9_\-.]*[A-Za-z0-9_-]+$/;

/** What is wrong with a PolicyId, or undefined. */
export function policyIdProblem(id: string): string | undefined {
  if (isPlaceholderValue(id)) return undefined;
  if (!id.toUpperCase().startsWith('B2C_1A_')) return `PolicyId '${id}' must start with 'B2C_1A_' (custom policies only inherit from B2C_1A_ policies).`;
  if (!PATTERN.test(id)) return `PolicyId '${id}' has characters the schema does not allow (letters, digits, '_', '-', '.'; not ending in '.').`;
  return undefined;
}

const rule: Rule = {
  meta: {
    id: 'POL-001',
    name: 'policy-id',
    category: 'chain',
    severity: 'error',
    summary: "PolicyId and BasePolicy/PolicyId exist, start with 'B2C_1A_' and match the schema pattern.",
    description:
      "Custom policy ids must carry the B2C_1A_ prefix; a base without it fails with \"is not allowed to inherit from the specified base policy ... 'B2CBasicPoliciesOnly' cannot match the policy id\".",
    source: 'upload-errors.md §1 #8; totp-spec.md §6.1',
    examples: {
      bad: '<TrustFrameworkPolicy ... PolicyId="TrustFrameworkExtensions_TOTP" ...>',
      good: '<TrustFrameworkPolicy ... PolicyId="B2C_1A_TrustFrameworkExtensions_TOTP" ...>',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      if (p.policyId === undefined) {
        report({ file: p, at: { element: p.root }, message: 'TrustFrameworkPolicy has no PolicyId attribute.' });
      } else {
        const problem = policyIdProblem(p.policyId);
        if (problem) report({ file: p, at: { element: p.root, attribute: 'PolicyId' }, message: problem });
      }
      if (p.base) checkBase(p, p.base.policyIdElement, p.base.element, report);
    }
  },
};

function checkBase(p: Policy, idEl: XmlElement | undefined, baseEl: XmlElement, report: (r: Report) => void): void {
  if (!idEl || p.base!.policyId === '') {
    report({ file: p, at: { element: idEl ?? baseEl }, message: 'BasePolicy has no PolicyId.' });
    return;
  }
  const problem = policyIdProblem(p.base!.policyId);
  if (problem) report({ file: p, at: { element: idEl, text: true }, message: `BasePolicy: ${problem}` });
}

export default rule;
