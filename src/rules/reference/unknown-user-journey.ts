import { unresolvedReferenceRule } from './factory.js';

export default unresolvedReferenceRule(
  {
    id: 'REF-007',
    name: 'unknown-user-journey',
    category: 'reference',
    severity: 'error',
    summary: 'The relying party DefaultUserJourney (and any Endpoint UserJourneyReferenceId) names a UserJourney defined in the chain.',
    description:
      'The upload fails with "makes a reference to UserJourney with id X but neither the policy nor any of its base policies contain such an element".',
    source: 'upload-errors.md §1 #12',
    examples: {
      bad: `<DefaultUserJourney ReferenceId="SignUpOrSignInTotp" />`,
      good: `<DefaultUserJourney ReferenceId="SignUpOrSignInTOTP" />`,
    },
  },
  'UserJourney',
);
