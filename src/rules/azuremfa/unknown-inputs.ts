import { azureMfaProfiles } from '../../totp/azuremfa.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'AZMFA-005',
    name: 'azure-mfa-unknown-inputs',
    category: 'azuremfa',
    severity: 'warning',
    summary: 'An AzureMfa technical profile sends only inputs its operation documents (OneWaySMS also accepts companyName and locale).',
    description:
      'The provider reads inputs by partner name and ignores any other: an unknown name is usually a claim that should have been mapped with PartnerClaimType to a documented name.',
    source: 'seeds/001 (D-MFATP) input-claim tables; totp-spec.md §1.1, §9 AZMFA-005',
    examples: {
      bad: '<InputClaim ClaimTypeReferenceId="signInNames.phoneNumber" />',
      good: '<InputClaim ClaimTypeReferenceId="signInNames.phoneNumber" PartnerClaimType="phoneNumber" />',
    },
  },
  check({ set, report }) {
    for (const f of azureMfaProfiles(set)) {
      const op = f.op.operation;
      if (!op) continue;
      const known = [...op.requiredInputs, ...op.optionalInputs];
      for (const c of f.tp.inputClaims) {
        if (known.some((k) => k.toLowerCase() === c.partnerName.toLowerCase())) continue;
        report({
          file: c.policy,
          at: { element: c.element, attribute: c.element.attributes.PartnerClaimType !== undefined ? 'PartnerClaimType' : 'ClaimTypeReferenceId' },
          message: `Input '${c.partnerName}' of AzureMfa technical profile '${f.tp.id}' is not an input of Operation ${op.name} (${known.join(', ')}); map it with PartnerClaimType or remove it.`,
        });
      }
    }
  },
};
export default rule;
