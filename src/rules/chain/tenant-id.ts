import { child } from '../../xml/element.js';
import { quote } from '../../util/quote.js';
import { findPlaceholders, isTemplatedValue } from '../placeholder/patterns.js';
import type { Rule } from '../types.js';

/** TrustFrameworkPolicy_0.3.0.0.xsd, simpleType TenantId. */
const PATTERN = /^[A-Za-z0-9.]{3,63}$/;

const rule: Rule = {
  meta: {
    id: 'POL-003',
    name: 'tenant-id',
    category: 'chain',
    severity: 'error',
    summary: 'TenantId is present and a tenant name, and a policy names the same tenant as the base policy it inherits from.',
    description:
      'TenantId is required and must match the schema pattern [A-Za-z0-9.]{3,63} (the service validates uploads against the schema). ' +
      'All files of a chain are uploaded to one tenant, and a file that names another tenant fails with "TenantId in the policy xml ... is not same as the one in login tenant": ' +
      'so a policy whose TenantId differs from its base policy\'s is an error, and so is a leftover starter-pack `yourtenant` in a chain that otherwise names a real tenant. ' +
      'Template values (`{Settings:Tenant}`, `{{tenant}}`, `${tenant}`, `__Tenant__`, `{your tenant}.onmicrosoft.com`, `your-tenant.onmicrosoft.com`, `$tenantId`) are placeholders: ' +
      'ENV-001 (or this rule, for template syntax it does not know) notes them as info, an error with --ready; they are never compared. ' +
      'Whether the service compares `BasePolicy/TenantId` at all is not known, so a BasePolicy TenantId that differs from the file\'s own is a warning.',
    source:
      'upload-errors.md §1 #3 (schema validation), #6 (MicrosoftDocs/azure-docs#30477, #6559: "is not same as the one in login tenant"); upload-semantics.md §3 (yourtenant in a real chain is true; BasePolicy/TenantId comparison unknown), §4 (templates); TrustFrameworkPolicy_0.3.0.0.xsd TenantId',
    examples: {
      bad: '<TrustFrameworkPolicy TenantId="fabrikam.onmicrosoft.com" ...>  <!-- its base policy says contoso.onmicrosoft.com -->',
      good: '<TrustFrameworkPolicy TenantId="contoso.onmicrosoft.com" ...>',
    },
  },
  check({ set, options, report }) {
    for (const p of set.policies) {
      const tenant = p.tenantId;
      if (tenant === undefined) {
        report({ file: p, at: { element: p.root }, message: 'TrustFrameworkPolicy has no TenantId attribute (the schema requires it).' });
        continue;
      }
      if (isTemplatedValue(tenant)) {
        // Template syntax ENV-001 does not know ($tenantId, <tenant>, {0}) is still a placeholder, noted here.
        if (findPlaceholders(tenant).length === 0) {
          report({
            file: p,
            at: { element: p.root, attribute: 'TenantId' },
            severity: options.ready ? 'error' : 'info',
            message: `TenantId ${quote(tenant)} is a template value: substitute the tenant before upload.`,
          });
        }
      } else if (!PATTERN.test(tenant)) {
        report({ file: p, at: { element: p.root, attribute: 'TenantId' }, message: `TenantId ${quote(tenant)} is not a tenant name (the schema allows 3-63 letters, digits and dots).` });
      }
      const parent = set.parent(p);
      const mismatch = parent?.tenantId !== undefined ? tenantMismatch(tenant, parent.tenantId) : undefined;
      if (parent && mismatch) {
        report({
          file: p,
          at: { element: p.root, attribute: 'TenantId' },
          message: `TenantId ${quote(tenant)} differs from base policy ${parent.policyId} (${parent.path}), which says ${quote(parent.tenantId!)}: the chain is uploaded to one tenant, and the service rejects a file that names another ("TenantId in the policy xml ... is not same as the one in login tenant").${mismatch === 'leftover' ? ` ${quote(isStarterPackTenant(tenant) ? tenant : parent.tenantId!)} is the starter-pack placeholder, left in.` : ''}`,
        });
        continue;
      }
      const base = p.base;
      if (!base?.tenantId) continue;
      const baseTenantEl = child(base.element, 'TenantId');
      const baseMismatch = tenantMismatch(tenant, base.tenantId);
      if (baseMismatch) {
        report({
          file: p,
          at: baseTenantEl ? { element: baseTenantEl, text: true } : { element: base.element },
          // A leftover yourtenant in a file whose BasePolicy names the real tenant fails (the file's own TenantId is checked);
          // whether the service compares BasePolicy/TenantId itself is not known.
          severity: baseMismatch === 'leftover' && isStarterPackTenant(tenant) ? 'error' : 'warning',
          message:
            baseMismatch === 'leftover' && isStarterPackTenant(tenant)
              ? `This policy's TenantId ${quote(tenant)} is the starter-pack placeholder, but its BasePolicy names ${quote(base.tenantId)}: the upload fails with "TenantId in the policy xml ... is not same as the one in login tenant".`
              : `BasePolicy TenantId ${quote(base.tenantId)} differs from this policy's TenantId ${quote(tenant)}.`,
        });
      }
    }
  },
};

const isStarterPackTenant = (v: string) => /^yourtenant(\.onmicrosoft\.com)?$/i.test(v.trim());

/**
 * Whether two TenantIds of one chain disagree in a way that fails: both real and different ('different'),
 * or one the starter-pack `yourtenant` left in beside a real tenant ('leftover'). Other template values are never compared.
 */
function tenantMismatch(a: string, b: string): 'different' | 'leftover' | undefined {
  if (a.toLowerCase() === b.toLowerCase()) return undefined;
  const aStarter = isStarterPackTenant(a);
  const bStarter = isStarterPackTenant(b);
  if (aStarter && bStarter) return undefined;
  if (aStarter || bStarter) return isTemplatedValue(aStarter ? b : a) ? undefined : 'leftover';
  if (isTemplatedValue(a) || isTemplatedValue(b)) return undefined;
  return 'different';
}

export default rule;
