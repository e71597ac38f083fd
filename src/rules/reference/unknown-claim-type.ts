import { unresolvedReferenceRule } from './factory.js';

export default unresolvedReferenceRule(
  {
    id: 'REF-001',
    name: 'unknown-claim-type',
    category: 'reference',
    severity: 'error',
    summary: 'Every claim reference (InputClaim, OutputClaim, PersistedClaim, DisplayClaim, SubjectNamingInfo, ClaimType localization) names a ClaimType defined in the policy or one of its bases.',
    description:
      'The upload fails with "makes a reference to ClaimType with id X but neither the policy nor any of its base policies contain such an element". A claim defined only in a child policy is not visible to its base.',
    source: 'upload-errors.md §1 #10; troubleshoot doc',
    examples: {
      bad: `<OutputClaim ClaimTypeReferenceId="totpIdentifer" />`,
      good: `<OutputClaim ClaimTypeReferenceId="totpIdentifier" />`,
    },
  },
  'ClaimType',
);
