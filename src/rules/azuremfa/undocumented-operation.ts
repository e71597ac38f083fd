import { azureMfaProfiles } from '../../totp/azuremfa.js';
import { AZURE_MFA_OPERATION_NAMES, UNDOCUMENTED_AZURE_MFA_OPERATIONS } from '../../totp/catalogue.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'AZMFA-003',
    name: 'azure-mfa-undocumented-operation',
    category: 'azuremfa',
    severity: 'warning',
    summary:
      'An AzureMfa Operation is one of the documented values as written: not DeleteDevices (seen only in old samples) and not a documented name in other letter case.',
    description:
      'DeleteDevices appeared in the first TOTP samples and was removed before public preview; nothing documents it, and enrollments are deleted in the portal or with Microsoft Graph. Whether the service matches operation names case-insensitively is not documented either.',
    source: 'totp-spec.md §1.1 (DeleteDevices), §7.1, §7.2 b2d4114, §9 AZMFA-003; upload-errors.md §2 T16',
    examples: {
      bad: '<Item Key="Operation">DeleteDevices</Item>',
      good: '<Item Key="Operation">GetAvailableDevices</Item>',
    },
  },
  check({ set, report }) {
    for (const f of azureMfaProfiles(set)) {
      const op = f.op;
      if (!op.item || op.operation) continue;
      const documented = AZURE_MFA_OPERATION_NAMES.find((o) => o.toLowerCase() === op.value.toLowerCase());
      const historic = Object.keys(UNDOCUMENTED_AZURE_MFA_OPERATIONS).find((o) => o.toLowerCase() === op.value.toLowerCase());
      if (documented) {
        report({
          file: op.item.policy,
          at: { element: op.item.element, text: true },
          message: `AzureMfa technical profile '${f.tp.id}' has Operation '${op.value}'; write it as documented: '${documented}'.`,
        });
      } else if (historic) {
        report({
          file: op.item.policy,
          at: { element: op.item.element, text: true },
          message: `AzureMfa technical profile '${f.tp.id}' uses undocumented Operation '${op.value}' (${UNDOCUMENTED_AZURE_MFA_OPERATIONS[historic]!.note}); remove the profile.`,
        });
      }
    }
  },
};
export default rule;
