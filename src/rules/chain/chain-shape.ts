import { clip } from '../../util/quote.js';
import { MAX_CHAIN_DEPTH, tenantPolicyKey } from '../../policy/set.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'POL-006',
    name: 'inheritance-chain',
    category: 'chain',
    severity: 'error',
    summary: `The BasePolicy chain has no cycle and is at most ${MAX_CHAIN_DEPTH} levels deep.`,
    description:
      'A policy cannot inherit from itself or a descendant (nothing could be uploaded first), and the service limits inheritance to 10 levels.',
    source: 'upload-errors.md §1 #32 (service limits); totp-spec.md §9 POL-004',
    examples: {
      bad: 'B2C_1A_TrustFrameworkExtensions has BasePolicy B2C_1A_TrustFrameworkExtensions',
      good: 'B2C_1A_TrustFrameworkExtensions has BasePolicy B2C_1A_TrustFrameworkLocalization',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      const status = set.chainStatus(p);
      const idEl = p.base?.policyIdElement;
      // status.policy is the last policy walked; its base is the first repeated one. Only policies on the
      // loop itself report (each at its own BasePolicy); a policy that merely inherits into a loop does not.
      if (status.kind === 'cycle' && idEl && p.policyId && status.policy.base && tenantPolicyKey(status.policy.base.policyId) === tenantPolicyKey(p.policyId)) {
        const loop = set.chain(p).map((q) => clip(q.policyId ?? '')).join(' -> ');
        report({ file: p, at: { element: idEl, text: true }, message: `Inheritance cycle: ${loop} -> ${clip(p.policyId ?? '')}.` });
      } else if (status.kind === 'too-deep' && idEl && set.childrenOf(p).length === 0) {
        report({
          file: p,
          at: { element: idEl, text: true },
          message: `Inheritance chain is deeper than ${MAX_CHAIN_DEPTH} levels: ${set.chain(p).map((q) => clip(q.policyId ?? '')).join(' -> ')} ...`,
        });
      }
    }
  },
};
export default rule;
