import { readProblemRule } from './broken-file.js';

export default readProblemRule(
  {
    id: 'XML-001',
    name: 'not-well-formed',
    category: 'xml',
    severity: 'error',
    summary: 'The file is well-formed XML (not empty, binary, truncated or unreadable).',
    description:
      'The service answers a malformed file with "The policy being uploaded is not XML or is not correctly formatted" and no position; this rule gives the line and column.',
    source: 'upload-errors.md §1 #1, #2',
    examples: {
      bad: '<TechnicalProfile Id="AzureMfa-VerifyOTP">\n  <DisplayName>Verify OTP</DisplayName>\n</TechnicalProfiles>',
      good: '<TechnicalProfile Id="AzureMfa-VerifyOTP">\n  <DisplayName>Verify OTP</DisplayName>\n</TechnicalProfile>',
    },
  },
  ['not-well-formed', 'unreadable'],
);
