import type { Rule } from '../types.js';
import { quote } from '../../util/quote.js';
import { findPlaceholders } from './patterns.js';

const rule: Rule = {
  meta: {
    id: 'ENV-001',
    name: 'placeholder',
    category: 'placeholder',
    severity: 'info',
    summary: 'Unreplaced placeholders and template tokens (yourtenant, IEF app ids, {Settings:...}, {{x}}, ${x}, #{x}#, __x__, %{ }, your-tenant, {your tenant}.onmicrosoft.com). Info in source; an error with --ready.',
    description:
      'Placeholders are normal in source that a build step fills in: teams keep policies as templates and substitute values in CI ({Settings:X} for the VS Code extension, {{ tenantId }} in Microsoft\'s ieftool GitHub Actions sample, #{X}# and __X__ for Azure DevOps token replacement, ${var} and %{ if } for Terraform, your-tenant / {your tenant name}.onmicrosoft.com / tenant-name.onmicrosoft.com written by hand). So plain lint only notes them, and other rules never compare or format-check them. Uploaded as they are, they fail ("TenantId ... is not same as the one in login tenant", "defines an invalid value for the metadata item client_id") or break sign-in at runtime. Use --ready (or b2c-totp build) to make them errors. B2C claim resolvers such as {Context:CorrelationId} or {Policy:TenantObjectId} are never flagged.',
    source: 'upload-semantics.md §4 (template families in real repositories); upload-errors.md §1 #6, #23, §3.1 B2C-ENV-001; totp-spec.md §6.1',
    examples: {
      bad: '<Item Key="client_id">ProxyIdentityExperienceFrameworkAppId</Item>',
      good: '<Item Key="client_id">00000000-1111-2222-3333-444444444444</Item>',
    },
  },
  check({ set, options, report }) {
    for (const p of set.policies) {
      for (const hit of findPlaceholders(p.text)) {
        report({
          file: p,
          at: { span: { start: hit.start, end: hit.end } },
          message: `Placeholder ${quote(hit.token)} (${hit.kind.what}) must be replaced before upload.`,
          severity: options.ready ? 'error' : undefined,
        });
      }
    }
  },
};
export default rule;
