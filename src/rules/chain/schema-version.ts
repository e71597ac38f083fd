import { quote } from '../../util/quote.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'POL-007',
    name: 'policy-schema-version',
    category: 'chain',
    severity: 'error',
    summary: 'PolicySchemaVersion is 0.3.0.0.',
    description: 'PolicySchemaVersion is a required attribute with a four-part version (the schema rejects "0.3.0" or a missing value on upload), and 0.3.0.0 is the only schema version published for custom policies.',
    source: 'TrustFrameworkPolicy_0.3.0.0.xsd (PolicySchemaVersion use="required", FourPartVersionNumber); upload-errors.md §1 #3 (schema validation on upload); totp-spec.md §6.1, §9 POL-007',
    examples: {
      bad: '<TrustFrameworkPolicy ... PolicySchemaVersion="0.3.0">',
      good: '<TrustFrameworkPolicy ... PolicySchemaVersion="0.3.0.0">',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      const v = p.schemaVersion;
      if (v === '0.3.0.0') continue;
      report({
        file: p,
        at: v === undefined ? { element: p.root } : { element: p.root, attribute: 'PolicySchemaVersion' },
        message: v === undefined ? "TrustFrameworkPolicy has no PolicySchemaVersion; it must be '0.3.0.0'." : `PolicySchemaVersion ${quote(v)} must be '0.3.0.0'.`,
      });
    }
  },
};
export default rule;
