import { unmetAzureMfaInputs, unmetInputMessage } from '../../totp/needs.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-005',
    name: 'object-id-before-begin-verify',
    category: 'totp',
    severity: 'error',
    summary: 'In every relying party\'s journey, the objectId input of BeginVerifyOTP is produced by an earlier step.',
    description:
      'BeginVerifyOTP requires the user\'s object ID. A claim reaches later steps only as an OutputClaim of an executed profile; if no earlier step on any path outputs it, the call fails. Reported only when no earlier step on any path produces it.',
    source: 'seeds/001 (D-MFATP) "Begin verify TOTP" input claims; totp-spec.md §4.8 (2), §9 TOTP-005',
    examples: {
      bad: '<OrchestrationStep Order="1" ...> AzureMfa-BeginVerifyOTP  (no sign-in or directory read before it)',
      good: '<OrchestrationStep Order="1" ...> SelfAsserted-LocalAccountSignin-Email  (outputs objectId)\n...\n<OrchestrationStep Order="5" ...> AzureMfa-BeginVerifyOTP',
    },
  },
  check({ set, report }) {
    const fix = 'sign the user in or read the account (a step whose technical profile outputs objectId) before this step.';
    for (const u of unmetAzureMfaInputs(set, 'objectId', ['BeginVerifyOTP'])) {
      if (u.status !== 'missing') continue;
      const { message } = unmetInputMessage(u, fix);
      report({ file: u.exchange.policy, at: { element: u.exchange.element, attribute: 'TechnicalProfileReferenceId' }, message });
    }
  },
};
export default rule;
