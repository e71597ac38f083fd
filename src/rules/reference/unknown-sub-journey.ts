import { unresolvedReferenceRule } from './factory.js';

export default unresolvedReferenceRule(
  {
    id: 'REF-008',
    name: 'unknown-sub-journey',
    category: 'reference',
    severity: 'error',
    summary: 'Every JourneyList Candidate SubJourneyReferenceId names a SubJourney defined in the chain.',
    description:
      'The upload rejects an InvokeSubJourney step whose candidate sub-journey does not exist.',
    source: 'upload-errors.md §1 #12; totp-spec.md §9 TOTP-033',
    examples: {
      bad: `<Candidate SubJourneyReferenceId="TotpFactor-Inpt" />`,
      good: `<Candidate SubJourneyReferenceId="TotpFactor-Input" />`,
    },
  },
  'SubJourney',
);
