import { finalTechnicalProfiles, isAzureMfa } from '../../totp/azuremfa.js';
import { AZURE_MFA_OPERATION_KEY, PROVIDER_CLASS, UNDOCUMENTED_AZURE_MFA_METADATA, USER_MESSAGE_PREFIX } from '../../totp/catalogue.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'AZMFA-008',
    name: 'azure-mfa-metadata',
    category: 'azuremfa',
    severity: 'warning',
    summary:
      'An AzureMfa technical profile has no metadata besides Operation (UserMessageIf… keys are AZMFA-009); allowTestOtpPassthrough is an error.',
    description:
      'Operation is the only documented AzureMfa metadata; other keys are ignored at best. allowTestOtpPassthrough was a test switch in the first TOTP sample and must never reach a tenant. Third-party guides also invent keys such as TimeStepInSeconds, which do nothing.',
    source: 'seeds/001 (D-MFATP) metadata tables; totp-spec.md §1, §7.2 dfb4516, §9 AZMFA-008; upload-errors.md §2 T6, T15',
    examples: {
      bad: '<Metadata>\n  <Item Key="Operation">VerifyOTP</Item>\n  <Item Key="allowTestOtpPassthrough">true</Item>\n</Metadata>',
      good: '<Metadata>\n  <Item Key="Operation">VerifyOTP</Item>\n</Metadata>',
    },
  },
  check({ set, report }) {
    for (const f of finalTechnicalProfiles(set, PROVIDER_CLASS.azureMfa)) {
      if (!isAzureMfa(f.tp)) continue;
      for (const [key, item] of f.tp.metadata) {
        if (key === AZURE_MFA_OPERATION_KEY || key.startsWith(USER_MESSAGE_PREFIX)) continue;
        const known = Object.hasOwn(UNDOCUMENTED_AZURE_MFA_METADATA, key) ? UNDOCUMENTED_AZURE_MFA_METADATA[key] : undefined;
        report({
          file: item.policy,
          at: { element: item.element, attribute: 'Key' },
          severity: known?.severity,
          message: known
            ? `AzureMfa technical profile '${f.tp.id}' sets '${key}' (${known.note}); remove it.`
            : `AzureMfa technical profile '${f.tp.id}' sets undocumented metadata '${key}'; Operation is the only AzureMfa metadata, so remove it.`,
        });
      }
    }
  },
};
export default rule;
