import type { Rule } from '../types.js';
import { findPlaceholders } from './patterns.js';

const rule: Rule = {
  meta: {
    id: 'ENV-001',
    name: 'placeholder',
    category: 'placeholder',
    severity: 'info',
    summary: 'Unreplaced placeholders (yourtenant, IEF app ids, {Settings:...}, pipeline tokens). Info in source; an error with --ready.',
    description:
      'Placeholders are normal in source that a build step fills in, so plain lint only notes them. Uploaded as they are, they fail ("TenantId ... is not same as the one in login tenant", "defines an invalid value for the metadata item client_id") or break sign-in at runtime. Use --ready (or b2c-totp build) to make them errors. B2C claim resolvers such as {Context:CorrelationId} or {Policy:TenantObjectId} are never flagged.',
    source: 'upload-errors.md §1 #6, #23, §3.1 B2C-ENV-001; totp-spec.md §6.1',
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
          message: `Placeholder '${hit.token}' (${hit.kind.what}) must be replaced before upload.`,
          severity: options.ready ? 'error' : undefined,
        });
      }
    }
  },
};
export default rule;
