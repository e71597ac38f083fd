import { finalTechnicalProfiles, isSelfAsserted, operationsRun, usesAzureMfa } from '../../totp/azuremfa.js';
import { AZURE_MFA_OPERATIONS, AZURE_MFA_USER_MESSAGE_KEYS, type AzureMfaOperationName, PROVIDER_CLASS } from '../../totp/catalogue.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'AZMFA-010',
    name: 'azure-mfa-user-message-keys',
    category: 'azuremfa',
    severity: 'warning',
    summary:
      'A self-asserted technical profile that calls AzureMfa operations sets only the AzureMfa UserMessageIf… keys of the operations it calls.',
    description:
      'OneWaySMS documents UserMessageIfCouldntSendSms, …InvalidFormat, …ServerError and …Throttled; Verify documents …MaxAllowedCodeRetryReached, …ServerError, …Throttled and …WrongCodeEntered; the TOTP operations document none. An AzureMfa key for an operation the page never calls (through its validation profiles or display-control actions) is never used. Keys of other providers are left alone.',
    source: 'seeds/001 (D-MFATP) "UI elements"; totp-spec.md §1.1, §9 AZMFA-010',
    examples: {
      bad: '<TechnicalProfile Id="OTPVerification">  (validates with VerifyOTP only)\n  <Metadata>\n    <Item Key="UserMessageIfWrongCodeEntered">Wrong code.</Item>',
      good: '<TechnicalProfile Id="PhoneVerificationPage">  (validates with Operation Verify)\n  <Metadata>\n    <Item Key="UserMessageIfWrongCodeEntered">Wrong code.</Item>',
    },
  },
  check({ set, report }) {
    if (!usesAzureMfa(set)) return;
    for (const f of finalTechnicalProfiles(set, PROVIDER_CLASS.selfAsserted)) {
      if (!isSelfAsserted(f.tp)) continue;
      const calls = operationsRun(set, f.policy, f.tp);
      if (calls.length === 0) continue;
      const ops = [...new Set(calls.map((c) => c.operation))];
      const allowed = new Set(
        ops.flatMap((o) => (Object.hasOwn(AZURE_MFA_OPERATIONS, o) ? AZURE_MFA_OPERATIONS[o as AzureMfaOperationName].userMessageKeys : [])),
      );
      for (const [key, item] of f.tp.metadata) {
        if (!AZURE_MFA_USER_MESSAGE_KEYS.includes(key) || allowed.has(key)) continue;
        const owners = Object.values(AZURE_MFA_OPERATIONS)
          .filter((o) => o.userMessageKeys.includes(key))
          .map((o) => o.name);
        report({
          file: item.policy,
          at: { element: item.element, attribute: 'Key' },
          message: `'${key}' on '${f.tp.id}' applies to AzureMfa Operation ${owners.join(' or ')}, but '${f.tp.id}' calls only ${ops.join(', ')}; remove it.`,
        });
      }
    }
  },
};
export default rule;
