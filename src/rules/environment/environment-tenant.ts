import { child } from '../../xml/element.js';
import { isPlaceholderValue } from '../placeholder/patterns.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'ENV-003',
    name: 'environment-tenant',
    category: 'environment',
    severity: 'error',
    summary: "Every TenantId and BasePolicy/TenantId is the environment's tenant (build only).",
    description:
      'A hard-coded tenant survives the build and fails the upload with "TenantId in the policy xml ... is not same as the one in login tenant". Write {Settings:Tenant} (or the starter pack\'s yourtenant.onmicrosoft.com) instead. Only `b2c-totp build` runs this rule: plain lint has no environment to check against.',
    source: 'upload-errors.md §1 #6, §3.1 B2C-TENANT-001',
    examples: {
      bad: '<TrustFrameworkPolicy ... TenantId="contoso-dev.onmicrosoft.com" ...> built for contoso.onmicrosoft.com',
      good: '<TrustFrameworkPolicy ... TenantId="{Settings:Tenant}" ...>',
    },
  },
  check({ set, options, report }) {
    const env = options.environment;
    if (!env) return;
    const want = env.tenant.toLowerCase();
    const wrong = (v: string | undefined) => v !== undefined && v.trim() !== '' && !isPlaceholderValue(v) && v.trim().toLowerCase() !== want;
    for (const p of set.policies) {
      if (wrong(p.tenantId)) {
        report({
          file: p,
          at: { element: p.root, attribute: 'TenantId' },
          message: `TenantId '${p.tenantId}' is not the tenant of environment '${env.name}' (${env.tenant}).`,
        });
      }
      const baseTenant = child(p.base?.element, 'TenantId');
      if (baseTenant && wrong(p.base?.tenantId)) {
        report({
          file: p,
          at: { element: baseTenant, text: true },
          message: `BasePolicy TenantId '${p.base!.tenantId}' is not the tenant of environment '${env.name}' (${env.tenant}).`,
        });
      }
    }
  },
};
export default rule;
