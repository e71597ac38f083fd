import { unresolvedReferenceRule } from './factory.js';

export default unresolvedReferenceRule(
  {
    id: 'REF-002',
    name: 'unknown-technical-profile',
    category: 'reference',
    severity: 'error',
    summary: 'Every technical-profile reference (ClaimsExchange, ValidationTechnicalProfile, IncludeTechnicalProfile, UseTechnicalProfileForSessionManagement, CpimIssuerTechnicalProfileReferenceId, display-control actions) resolves.',
    description:
      'The upload fails with "makes a reference to TechnicalProfile with id X but neither the policy nor any of its base policies contain such an element", typically when a sample assumes a different starter pack.',
    source: 'upload-errors.md §1 #11',
    examples: {
      bad: `<ClaimsExchange Id="TotpVerify" TechnicalProfileReferenceId="OTPVerificaton" />`,
      good: `<ClaimsExchange Id="TotpVerify" TechnicalProfileReferenceId="OTPVerification" />`,
    },
  },
  'TechnicalProfile',
);
