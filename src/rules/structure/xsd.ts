import { POLICY_NS } from '../../policy/policy.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'SCH-002',
    name: 'xsd-valid',
    category: 'structure',
    severity: 'error',
    summary: 'The file is valid against TrustFrameworkPolicy_0.3.0.0.xsd (runs when --xsd is given or the XSD sits beside or above the files).',
    description:
      'The upload runs schema validation first ("Schema validation error found at line 27 col 4 ... has invalid child element"). The starter pack ships the XSD; its three broken ^...$ patterns are patched in memory so valid policies pass. Duplicate-key errors are left to DUP-001.',
    source: 'upload-errors.md §1 #3; libraries.md §3',
    examples: {
      bad: '<ClaimType Id="otpCode">\n  <DataType>strin</DataType>',
      good: '<ClaimType Id="otpCode">\n  <DataType>string</DataType>',
    },
  },
  check({ set, options, report }) {
    const xsd = options.xsd;
    if (!xsd) return;
    for (const p of set.policies) {
      // A wrong namespace fails every element against the schema; XML-004 reports the one real cause.
      if (p.root.attributes.xmlns !== POLICY_NS) continue;
      for (const problem of xsd.validate(p.text, p.source.doc)) {
        if (/Duplicate key-sequence/.test(problem.message)) continue;
        report({ file: p, at: { span: { start: problem.start, end: problem.end } }, message: `Schema: ${problem.message}` });
      }
    }
  },
};
export default rule;
