import type { Rule } from '../types.js';
import { templateVerdict } from './template.js';

const rule: Rule = {
  meta: {
    id: 'XML-001',
    name: 'not-well-formed',
    category: 'xml',
    severity: 'error',
    summary: 'The file is well-formed XML (not empty, binary, truncated or unreadable).',
    description:
      'The service answers a malformed file with "The policy being uploaded is not XML or is not correctly formatted" and no position; this rule gives the line and column. ' +
      'A file that is well-formed once its template tokens are substituted is an unbuilt template (XML-007) instead; when a file has template tokens and a real problem, this rule reports the first real problem.',
    source: 'upload-errors.md §1 #1, #2',
    examples: {
      bad: '<TechnicalProfile Id="AzureMfa-VerifyOTP">\n  <DisplayName>Verify OTP</DisplayName>\n</TechnicalProfiles>',
      good: '<TechnicalProfile Id="AzureMfa-VerifyOTP">\n  <DisplayName>Verify OTP</DisplayName>\n</TechnicalProfile>',
    },
  },
  check({ set, report }) {
    for (const f of set.broken) {
      if (f.problem.kind === 'unreadable') {
        report({ file: f, at: { span: { start: f.problem.start, end: f.problem.end } }, message: f.problem.message });
        continue;
      }
      if (f.problem.kind !== 'not-well-formed') continue;
      const v = templateVerdict(f);
      if (v.kind === 'template') continue; // XML-007
      report({ file: f, at: { span: { start: v.problem.start, end: v.problem.end } }, message: v.problem.message });
    }
  },
};
export default rule;
