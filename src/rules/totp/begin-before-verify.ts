import { operationsRun } from '../../totp/azuremfa.js';
import { unpairedCalls } from '../../totp/flow.js';
import { describeCall } from '../../totp/needs.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-001',
    name: 'begin-before-verify',
    category: 'totp',
    severity: 'error',
    summary:
      'Every VerifyOTP call has a BeginVerifyOTP before it: earlier in the same ValidationTechnicalProfiles list, or in an earlier step of the same (sub)journey (sub-journeys it invokes included).',
    description:
      'VerifyOTP checks the code against the verification session that BeginVerifyOTP opens with the user\'s secret; without it the code cannot be verified. The sample runs BeginVerifyOTP as its own step just before the verification page; older samples list it first among the page\'s validation profiles. Not an upload check: the call fails at run time, so only journeys a relying party of the set runs are checked (src/policy/reach.ts).',
    source: 'seeds/001 (D-MFATP) "Verify TOTP: must be preceded by a call to Begin verify TOTP"; totp-spec.md §4.8 (6), §9 TOTP-001; upload-errors.md §2 T6',
    examples: {
      bad: '<OrchestrationStep Order="3" Type="ClaimsExchange">\n  <ClaimsExchanges>\n    <ClaimsExchange Id="Verification" TechnicalProfileReferenceId="OTPVerification" />',
      good: '<OrchestrationStep Order="2" Type="ClaimsExchange">\n  ...<ClaimsExchange Id="BeginVerification" TechnicalProfileReferenceId="AzureMfa-BeginVerifyOTP" />\n<OrchestrationStep Order="3" Type="ClaimsExchange">\n  ...<ClaimsExchange Id="Verification" TechnicalProfileReferenceId="OTPVerification" />',
    },
  },
  check({ set, report }) {
    for (const u of unpairedCalls(set, 'VerifyOTP', 'BeginVerifyOTP', 'before', (from, tp) => operationsRun(set, from, tp))) {
      report({
        file: u.exchange.policy,
        at: { element: u.exchange.element, attribute: 'TechnicalProfileReferenceId' },
        message: `ClaimsExchange '${u.exchange.element.attributes.Id ?? ''}' ${describeCall(u.exchange, u.call)}, but no BeginVerifyOTP runs before it in ${u.journey}, so the code cannot be verified and the call fails at run time; add a step that runs a BeginVerifyOTP technical profile (e.g. AzureMfa-BeginVerifyOTP) just before this one, or list it before '${u.call.tp.id}' in the ValidationTechnicalProfiles.`,
      });
    }
  },
};
export default rule;
