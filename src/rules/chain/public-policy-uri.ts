import { tenantPolicyKey } from '../../policy/set.js';
import { quote } from '../../util/quote.js';
import { isTemplatedValue } from '../placeholder/patterns.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'POL-002',
    name: 'public-policy-uri',
    category: 'chain',
    severity: 'warning',
    summary: 'PublicPolicyUri is http://{TenantId}/{PolicyId}.',
    description:
      'Every sample and the starter pack use http://<TenantId>/<PolicyId>. A copied file often keeps the old id in its URI (the TOTP migration sample does), which confuses later renames and prefixing. No upload error is known for a mismatch, so this is a warning. The id part may leave out the B2C_1A_ prefix the service adds; a file whose TenantId or PolicyId is still a template token is not compared, and template tokens in the URI stand for the part they replace.',
    source: 'totp-spec.md §9 POL-002, §4.10; upload-errors.md §1 #6; upload-semantics.md §3 (prefix), §4 (templates are not compared). No upload error is known for a mismatch: a warning.',
    examples: {
      bad: 'PolicyId="B2C_1A_TrustFrameworkExtensionsTOTP_JIT" PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_TrustFrameworkExtensionsTOTP"',
      good: 'PolicyId="B2C_1A_TrustFrameworkExtensionsTOTP_JIT" PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_TrustFrameworkExtensionsTOTP_JIT"',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      // A template PolicyId has nothing to compare the URI with yet (a template tenant is compared as text: the URI usually repeats it).
      if (!p.policyId || !p.tenantId || isTemplatedValue(p.policyId)) continue;
      const uri = p.publicPolicyUri;
      const expected = `http://${p.tenantId}/${p.policyId}`;
      if (uri === undefined) {
        report({ file: p, at: { element: p.root }, message: `TrustFrameworkPolicy has no PublicPolicyUri; expected ${quote(expected)}.` });
      } else if (!placeholderExplains(uri, p.tenantId, p.policyId)) {
        report({ file: p, at: { element: p.root, attribute: 'PublicPolicyUri' }, message: `PublicPolicyUri ${quote(uri)} does not match its TenantId and PolicyId; expected ${quote(expected)}.` });
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
  if (!m) return isTemplatedValue(uri);
  const host = m[1]!;
  const id = m[2]!;
  const hostOk = isTemplatedValue(host) || host.toLowerCase() === tenantId.toLowerCase();
  // The service stores an unprefixed id with B2C_1A_ (POL-001): the URI may name it either way.
  const idOk = isTemplatedValue(id) || tenantPolicyKey(id) === tenantPolicyKey(policyId);
  return hostOk && idOk;
}

export default rule;
