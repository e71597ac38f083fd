import { usesAzureMfa } from '../../totp/azuremfa.js';
import { AZURE_MFA_PROTOCOL, PROVIDER_CLASS } from '../../totp/catalogue.js';
import { child } from '../../xml/element.js';
import type { Rule } from '../types.js';

const MENTIONS = new RegExp(PROVIDER_CLASS.azureMfa, 'i');

const rule: Rule = {
  meta: {
    id: 'AZMFA-001',
    name: 'azure-mfa-protocol',
    category: 'azuremfa',
    severity: 'error',
    summary: 'A technical profile whose Handler mentions AzureMfaProtocolProvider uses the exact handler string and Protocol Name="Proprietary".',
    description:
      'The service loads the provider by its fully qualified assembly name; a shortened, re-cased or re-versioned handler, or another protocol name, does not resolve to the AzureMfa provider.',
    source: 'seeds/001 (D-MFATP) "Protocol"; totp-spec.md §1, §2.1, §9 AZMFA-001',
    examples: {
      bad: '<Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.AzureMfaProtocolProvider, Web.TPEngine" />',
      good: `<Protocol Name="Proprietary" Handler="${AZURE_MFA_PROTOCOL.handler}" />`,
    },
  },
  check({ set, report }) {
    if (!usesAzureMfa(set)) return;
    for (const p of set.policies) {
      for (const tp of p.technicalProfiles()) {
        const protocol = child(tp, 'Protocol');
        const handler = protocol?.attributes.Handler;
        if (!protocol || handler === undefined || !MENTIONS.test(handler)) continue;
        const id = tp.attributes.Id ?? '';
        if (handler !== AZURE_MFA_PROTOCOL.handler) {
          report({
            file: p,
            at: { element: protocol, attribute: 'Handler' },
            message: `Technical profile '${id}' has AzureMfa handler '${handler}'; use exactly '${AZURE_MFA_PROTOCOL.handler}'.`,
          });
        }
        if (protocol.attributes.Name !== AZURE_MFA_PROTOCOL.name) {
          report({
            file: p,
            at: { element: protocol, attribute: protocol.attributes.Name === undefined ? 'Handler' : 'Name' },
            message: `Technical profile '${id}' uses the AzureMfa handler with Protocol Name '${protocol.attributes.Name ?? ''}'; set Name="${AZURE_MFA_PROTOCOL.name}".`,
          });
        }
      }
    }
  },
};
export default rule;
