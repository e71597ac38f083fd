import { isPlaceholderValue } from '../placeholder/patterns.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'POL-002',
    name: 'public-policy-uri',
    category: 'chain',
    severity: 'warning',
    summary: 'PublicPolicyUri is http://{TenantId}/{PolicyId}.',
    description:
      'Every sample and the starter pack use http://<TenantId>/<PolicyId>. A copied file often keeps the old id in its URI (the TOTP migration sample does), which confuses later renames and prefixing.',
    source: 'totp-spec.md §9 POL-002, §4.10; upload-errors.md §1 #6',
    examples: {
      bad: 'PolicyId="B2C_1A_TrustFrameworkExtensionsTOTP_JIT" PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_TrustFrameworkExtensionsTOTP"',
      good: 'PolicyId="B2C_1A_TrustFrameworkExtensionsTOTP_JIT" PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_TrustFrameworkExtensionsTOTP_JIT"',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      if (!p.policyId || !p.tenantId) continue;
      const uri = p.publicPolicyUri;
      const expected = `http://${p.tenantId}/${p.policyId}`;
      if (uri === undefined) {
        report({ file: p, at: { element: p.root }, message: `TrustFrameworkPolicy has no PublicPolicyUri; expected '${expected}'.` });
      } else if (uri.toLowerCase() !== expected.toLowerCase() && !placeholderExplains(uri, p.tenantId, p.policyId)) {
        report({ file: p, at: { element: p.root, attribute: 'PublicPolicyUri' }, message: `PublicPolicyUri '${uri}' does not match its TenantId and PolicyId; expected '${expected}'.` });
      }
    }
  },
};

/**
 * Placeholders excuse only the part they stand in for: `http://{Settings:Tenant}/B2C_1A_X` or a whole-URI token is
 * fine, but a PolicyId part that differs is still flagged (a copied file that kept its old id is what this rule is for).
 */
function placeholderExplains(uri: string, tenantId: string, policyId: string): boolean {
  const m = /^http:\/\/([^/]+)\/([^/]+)$/i.exec(uri);
  if (!m) return isPlaceholderValue(uri);
  const host = m[1]!;
  const id = m[2]!;
  const hostOk = isPlaceholderValue(host) || host.toLowerCase() === tenantId.toLowerCase();
  const idOk = isPlaceholderValue(id) || id.toLowerCase() === policyId.toLowerCase();
  return hostOk && idOk;
}

export default rule;
