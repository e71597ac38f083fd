import { azureMfaProfiles } from '../../totp/azuremfa.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'AZMFA-007',
    name: 'azure-mfa-unreturned-outputs',
    category: 'azuremfa',
    severity: 'warning',
    summary: 'An AzureMfa technical profile declares OutputClaims the provider does not return only with a DefaultValue.',
    description:
      'OneWaySMS, Verify, BeginVerifyOTP and VerifyOTP return no claims, and GetAvailableDevices returns only numberOfAvailableDevices. Any other output stays empty unless it carries a DefaultValue, so later steps that rely on it misbehave.',
    source: 'seeds/001 (D-MFATP) "doesn\'t return any output claims"; totp-spec.md §1 (2020 doc copy on DefaultValue), §9 AZMFA-007',
    examples: {
      bad: '<TechnicalProfile Id="AzureMfa-VerifyOTP">\n  ...\n  <OutputClaims>\n    <OutputClaim ClaimTypeReferenceId="isTotpVerified" />',
      good: '<OutputClaims>\n  <OutputClaim ClaimTypeReferenceId="isTotpVerified" DefaultValue="true" />',
    },
  },
  check({ set, report }) {
    for (const f of azureMfaProfiles(set)) {
      const op = f.op.operation;
      if (!op) continue;
      for (const c of f.tp.outputClaims) {
        if (c.defaultValue !== undefined || op.outputs.some((o) => o.toLowerCase() === c.partnerName.toLowerCase())) continue;
        const returns = op.outputs.length === 0 ? 'returns no claims' : `returns only ${op.outputs.join(', ')}`;
        report({
          file: c.policy,
          at: { element: c.element, attribute: 'ClaimTypeReferenceId' },
          message: `Output '${c.id}' of AzureMfa technical profile '${f.tp.id}' stays empty: Operation ${op.name} ${returns}; give it a DefaultValue or remove it.`,
        });
      }
    }
  },
};
export default rule;
