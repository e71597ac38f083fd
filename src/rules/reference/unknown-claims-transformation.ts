import { unresolvedReferenceRule } from './factory.js';

export default unresolvedReferenceRule(
  {
    id: 'REF-003',
    name: 'unknown-claims-transformation',
    category: 'reference',
    severity: 'error',
    summary: 'Every InputClaimsTransformation and OutputClaimsTransformation names a ClaimsTransformation defined in the policy or its bases.',
    description:
      'The upload fails with "makes a reference to a ClaimsTransformation with ID ..." when a snippet copied from a sample omits its transformations.',
    source: 'upload-errors.md §1 #13',
    examples: {
      bad: `<InputClaimsTransformation ReferenceId="CreateOtpSecret" />`,
      good: `<InputClaimsTransformation ReferenceId="CreateSecret" />`,
    },
  },
  'ClaimsTransformation',
);
