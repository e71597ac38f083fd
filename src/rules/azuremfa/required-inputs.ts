import { azureMfaProfiles } from '../../totp/azuremfa.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'AZMFA-004',
    name: 'azure-mfa-required-inputs',
    category: 'azuremfa',
    severity: 'error',
    summary:
      'An AzureMfa technical profile sends every input its operation requires, by partner name (PartnerClaimType, else ClaimTypeReferenceId), after IncludeTechnicalProfile merge.',
    description:
      'The provider reads its inputs by partner name: OneWaySMS needs userPrincipalName and phoneNumber; Verify needs phoneNumber and verificationCode; GetAvailableDevices needs userPrincipalName; BeginVerifyOTP needs userPrincipalName, objectId and secretKey; VerifyOTP needs otpCode. A claim under another name must be mapped with PartnerClaimType. A required input missing is not an upload error: the profile fails at run time when a journey runs it, hence the message.',
    source: 'seeds/001 (D-MFATP) input-claim tables; totp-spec.md §1.1, §9 AZMFA-004; upload-errors.md §2 T1, T6',
    examples: {
      bad: '<TechnicalProfile Id="AzureMfa-BeginVerifyOTP">\n  ...\n  <InputClaims>\n    <InputClaim ClaimTypeReferenceId="secretKey" />\n    <InputClaim ClaimTypeReferenceId="userPrincipalName" />\n  </InputClaims>',
      good: '<InputClaims>\n  <InputClaim ClaimTypeReferenceId="secretKey" />\n  <InputClaim ClaimTypeReferenceId="objectId" />\n  <InputClaim ClaimTypeReferenceId="userPrincipalName" />\n</InputClaims>',
    },
  },
  check({ set, report }) {
    for (const f of azureMfaProfiles(set)) {
      const op = f.op.operation;
      if (!op) continue;
      const sent = new Set(f.tp.inputClaims.map((c) => c.partnerName.toLowerCase()));
      const missing = op.requiredInputs.filter((name) => !sent.has(name.toLowerCase()));
      if (missing.length === 0) continue;
      const list = missing.map((m) => `'${m}'`).join(', ');
      report({
        file: f.policy,
        at: { element: f.element, attribute: 'Id' },
        message: `AzureMfa technical profile '${f.tp.id}' (Operation ${op.name}) has no input claim for ${list}, which the operation requires: it fails at run time when the profile runs. Add an InputClaim for ${missing.length > 1 ? 'each' : 'it'}, with PartnerClaimType when your claim has another name.`,
      });
    }
  },
};
export default rule;
