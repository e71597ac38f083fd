import { operationsRun } from '../../totp/azuremfa.js';
import { unpairedCalls } from '../../totp/flow.js';
import { describeCall } from '../../totp/needs.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-002',
    name: 'verify-after-begin',
    category: 'totp',
    severity: 'warning',
    summary:
      'Every BeginVerifyOTP call has a VerifyOTP after it: later in the same ValidationTechnicalProfiles list, or in a later step of the same (sub)journey (sub-journeys it invokes included).',
    description:
      'BeginVerifyOTP only opens a verification session; the enrollment is stored, and the user proven, only when VerifyOTP accepts a code. A BeginVerifyOTP with nothing after it is a leftover or a journey that never checks the code.',
    source: 'seeds/001 (D-MFATP) "Begin verify TOTP: must be followed by a call to Verify TOTP"; totp-spec.md §4.8 (6), §9 TOTP-002; upload-errors.md §2 T8',
    examples: {
      bad: '<OrchestrationStep Order="3" ...>\n  <ClaimsExchange Id="BeginVerification" TechnicalProfileReferenceId="AzureMfa-BeginVerifyOTP" />\n<OrchestrationStep Order="4" Type="SendClaims" .../>',
      good: '<OrchestrationStep Order="3" ...> AzureMfa-BeginVerifyOTP\n<OrchestrationStep Order="4" ...> OTPVerification (validates with AzureMfa-VerifyOTP)',
    },
  },
  check({ set, report }) {
    for (const u of unpairedCalls(set, 'BeginVerifyOTP', 'VerifyOTP', 'after', (from, tp) => operationsRun(set, from, tp))) {
      report({
        file: u.exchange.policy,
        at: { element: u.exchange.element, attribute: 'TechnicalProfileReferenceId' },
        message: `ClaimsExchange '${u.exchange.element.attributes.Id ?? ''}' ${describeCall(u.exchange, u.call)}, but no VerifyOTP follows it in ${u.journey}; add a later step with a self-asserted page that validates the code with a VerifyOTP technical profile (e.g. OTPVerification), or remove this call.`,
      });
    }
  },
};
export default rule;
