import { folderDistance } from '../../policy/set.js';
import { list, quote } from '../../util/quote.js';
import { didYouMean } from '../../util/suggest.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'POL-004',
    name: 'missing-base-policy',
    category: 'chain',
    severity: 'error',
    summary: 'BasePolicy/PolicyId names a policy in the set, or one listed as already deployed ("deployedPolicies").',
    description:
      'Upload fails with "Policy with policyId B2C_1A_X cannot be found in the directory" when the base is missing or misnamed. Policies already in the tenant can be listed in b2c-totp.config.json "deployedPolicies" or with --deployed; references into them are then not checked. A base kept in another folder of the tree is found there (the nearest folder that has it; see `lint --list-sets`). When two folders hold it equally near, the finding is a warning that names both: the upload works with whichever copy is in the tenant, but which one the file builds on is for you to say (config "sets").',
    source: 'upload-errors.md §1 #7; totp-spec.md §9 POL-004',
    examples: {
      bad: '<BasePolicy>\n  <TenantId>contoso.onmicrosoft.com</TenantId>\n  <PolicyId>B2C_1A_TrustFrameworkExtension</PolicyId>\n</BasePolicy>',
      good: '<BasePolicy>\n  <TenantId>contoso.onmicrosoft.com</TenantId>\n  <PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>\n</BasePolicy>',
    },
  },
  check({ set, report }) {
    const ids = set.policies.map((p) => p.policyId).filter((x): x is string => !!x);
    for (const p of set.policies) {
      const base = p.base;
      if (!base?.policyId || !base.policyIdElement) continue;
      const resolved = set.baseOf(p);
      if (Array.isArray(resolved) && resolved.some((q) => folderDistance(q.absPath, p.absPath) > 0)) {
        // Equally near copies in other folders: which one the user means is theirs to say.
        report({
          file: p,
          at: { element: base.policyIdElement, text: true },
          // The upload itself works with whichever copy is in the tenant: this is ours to resolve, not the service's.
          severity: 'warning',
          message: `Base policy ${quote(base.policyId)} is in several folders equally near this file (${list(resolved.map((q) => q.path))}); name the policy set in b2c-totp.config.json "sets" so it is clear which one this file builds on.`,
        });
        continue;
      }
      if (resolved !== null || set.isDeployed(base.policyId)) continue;
      // The base is here but could not be read: its own XML-00x error is the one to fix, and "add its file" would mislead.
      if (set.broken.some((b) => declaresPolicyId(b.text, base.policyId))) continue;
      report({
        file: p,
        at: { element: base.policyIdElement, text: true },
        message: `Base policy ${quote(base.policyId)} is not in this policy set.${didYouMean(base.policyId, ids)} Add its file, or list it in "deployedPolicies" if it is already in the tenant.`,
      });
    }
  },
};

/** True when a file that failed to parse still visibly declares `PolicyId="id"` (compared case-insensitively). */
function declaresPolicyId(text: string, id: string): boolean {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\bPolicyId\\s*=\\s*["']${escaped}["']`, 'i').test(text);
}

export default rule;
