import { child } from '../../xml/element.js';
import { isPlaceholderValue } from '../placeholder/patterns.js';
import type { Rule } from '../types.js';

const PATTERN = /^[A-Za-z0-9.]{3,63}$/;

const rule: Rule = {
  meta: {
    id: 'POL-003',
    name: 'tenant-id',
    category: 'chain',
    severity: 'error',
    summary: 'TenantId is valid and the same in the policy, its BasePolicy element, and every policy of its chain.',
    description:
      'All files of a chain are uploaded to one tenant; a file that names another tenant fails with "TenantId in the policy xml ... is not same as the one in login tenant". Placeholders such as {Settings:Tenant} are left to the placeholder rule.',
    source: 'upload-errors.md §1 #6; totp-spec.md §9 POL-003',
    examples: {
      bad: '<TrustFrameworkPolicy TenantId="contoso.onmicrosoft.com" ...>\n  <BasePolicy><TenantId>fabrikam.onmicrosoft.com</TenantId>...',
      good: '<TrustFrameworkPolicy TenantId="contoso.onmicrosoft.com" ...>\n  <BasePolicy><TenantId>contoso.onmicrosoft.com</TenantId>...',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      const tenant = p.tenantId;
      if (tenant === undefined) {
        report({ file: p, at: { element: p.root }, message: 'TrustFrameworkPolicy has no TenantId attribute.' });
        continue;
      }
      if (!isPlaceholderValue(tenant) && !PATTERN.test(tenant)) {
        report({ file: p, at: { element: p.root, attribute: 'TenantId' }, message: `TenantId '${tenant}' is not a tenant name (3-63 letters, digits and dots).` });
      }
      const base = p.base;
      if (!base) continue;
      const baseTenantEl = child(base.element, 'TenantId');
      if (base.tenantId && base.tenantId.toLowerCase() !== tenant.toLowerCase()) {
        report({
          file: p,
          at: baseTenantEl ? { element: baseTenantEl, text: true } : { element: base.element },
          message: `BasePolicy TenantId '${base.tenantId}' differs from this policy's TenantId '${tenant}'.`,
        });
        continue;
      }
      const parent = set.parent(p);
      if (parent?.tenantId && parent.tenantId.toLowerCase() !== tenant.toLowerCase()) {
        report({
          file: p,
          at: { element: p.root, attribute: 'TenantId' },
          message: `TenantId '${tenant}' differs from base policy ${parent.policyId} (${parent.path}), which says '${parent.tenantId}'.`,
        });
      }
    }
  },
};
export default rule;
