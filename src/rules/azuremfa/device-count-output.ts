import { azureMfaProfiles } from '../../totp/azuremfa.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'AZMFA-006',
    name: 'azure-mfa-required-outputs',
    category: 'azuremfa',
    severity: 'error',
    summary: 'A GetAvailableDevices technical profile has an OutputClaim for numberOfAvailableDevices (by partner name).',
    description:
      'The device count is the only result of GetAvailableDevices, and the TOTP journeys branch on it: without the output the enrollment and verification steps cannot tell enrolled users from new ones.',
    source: 'seeds/001 (D-MFATP) "Get available devices" output claims; totp-spec.md §1.1, §9 AZMFA-006',
    examples: {
      bad: '<TechnicalProfile Id="AzureMfa-GetAvailableDevices">\n  ...\n  <InputClaims>\n    <InputClaim ClaimTypeReferenceId="userPrincipalName" />\n  </InputClaims>\n</TechnicalProfile>',
      good: '<OutputClaims>\n  <OutputClaim ClaimTypeReferenceId="numberOfAvailableDevices" />\n</OutputClaims>',
    },
  },
  check({ set, report }) {
    for (const f of azureMfaProfiles(set)) {
      const op = f.op.operation;
      if (!op || op.requiredOutputs.length === 0) continue;
      const out = new Set(f.tp.outputClaims.map((c) => c.partnerName.toLowerCase()));
      for (const name of op.requiredOutputs) {
        if (out.has(name.toLowerCase())) continue;
        report({
          file: f.policy,
          at: { element: f.element, attribute: 'Id' },
          message: `AzureMfa technical profile '${f.tp.id}' (Operation ${op.name}) does not output '${name}'; add <OutputClaim ClaimTypeReferenceId="${name}" /> (with PartnerClaimType="${name}" for a claim of another name).`,
        });
      }
    }
  },
};
export default rule;
