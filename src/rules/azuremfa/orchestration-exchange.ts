import { effectiveTechnicalProfile } from '../../policy/effective.js';
import { eachReference } from '../../policy/references.js';
import { operationOf, usesAzureMfa } from '../../totp/azuremfa.js';
import { AZURE_MFA_OPERATIONS } from '../../totp/catalogue.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'AZMFA-011',
    name: 'azure-mfa-not-a-step',
    category: 'azuremfa',
    severity: 'warning',
    summary:
      'OneWaySMS, Verify and VerifyOTP technical profiles run as validation technical profiles or display-control actions, not as orchestration-step ClaimsExchanges.',
    description:
      'These operations check or send something the user just typed; the provider has no page of its own, so as a journey step there is no page to show their errors on and nothing collected to verify. Only GetAvailableDevices and BeginVerifyOTP run as steps in the TOTP sample.',
    source: 'seeds/001 (D-MFATP) "called from a self-asserted TP or display control"; totp-spec.md §1, §9 AZMFA-011',
    examples: {
      bad: '<ClaimsExchange Id="VerifyCode" TechnicalProfileReferenceId="AzureMfa-VerifyOTP" />',
      good: '<ClaimsExchange Id="VerifyCode" TechnicalProfileReferenceId="OTPVerification" />\n(OTPVerification lists AzureMfa-VerifyOTP in ValidationTechnicalProfiles)',
    },
  },
  check({ set, report }) {
    if (!usesAzureMfa(set)) return;
    for (const p of set.policies) {
      if (!set.isComplete(p)) continue;
      eachReference(p, 'TechnicalProfile', (ref) => {
        if (ref.element.name !== 'ClaimsExchange') return;
        const tp = effectiveTechnicalProfile(set, p, ref.id);
        const op = tp && operationOf(tp)?.operation;
        if (!op || AZURE_MFA_OPERATIONS[op.name].invocations.includes('orchestration-step')) return;
        report({
          file: p,
          at: { element: ref.element, attribute: 'TechnicalProfileReferenceId' },
          message: `ClaimsExchange '${ref.element.attributes.Id ?? ''}' runs '${tp.id}' (Operation ${op.name}) as a journey step; call it as a ValidationTechnicalProfile of the self-asserted page (or from a display-control action) that collects its input instead.`,
        });
      });
    }
  },
};
export default rule;
