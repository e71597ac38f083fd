import { finalTechnicalProfiles, isAzureMfa } from '../../totp/azuremfa.js';
import { PROVIDER_CLASS, USER_MESSAGE_PREFIX } from '../../totp/catalogue.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'AZMFA-009',
    name: 'azure-mfa-user-message-placement',
    category: 'azuremfa',
    severity: 'warning',
    summary: 'UserMessageIf… error-message metadata is not set on an AzureMfa technical profile.',
    description:
      'The AzureMfa provider has no UI; its error messages are configured on the self-asserted technical profile that calls it (as validation profile or through a display control), or localized as ErrorMessage strings. On the AzureMfa profile they are never shown.',
    source: 'seeds/001 (D-MFATP) "UI elements"; totp-spec.md §1, §9 AZMFA-009',
    examples: {
      bad: '<TechnicalProfile Id="AzureMfa-VerifySms">\n  <Metadata>\n    <Item Key="Operation">Verify</Item>\n    <Item Key="UserMessageIfWrongCodeEntered">Wrong code.</Item>',
      good: '<TechnicalProfile Id="PhoneVerificationPage">  (self-asserted, validates with AzureMfa-VerifySms)\n  <Metadata>\n    <Item Key="UserMessageIfWrongCodeEntered">Wrong code.</Item>',
    },
  },
  check({ set, report }) {
    for (const f of finalTechnicalProfiles(set, PROVIDER_CLASS.azureMfa)) {
      if (!isAzureMfa(f.tp)) continue;
      for (const [key, item] of f.tp.metadata) {
        if (!key.startsWith(USER_MESSAGE_PREFIX)) continue;
        report({
          file: item.policy,
          at: { element: item.element, attribute: 'Key' },
          message: `'${key}' on AzureMfa technical profile '${f.tp.id}' is never shown; move it to the self-asserted technical profile that calls '${f.tp.id}'.`,
        });
      }
    }
  },
};
export default rule;
