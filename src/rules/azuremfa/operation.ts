import { azureMfaProfiles } from '../../totp/azuremfa.js';
import { AZURE_MFA_OPERATION_NAMES, UNDOCUMENTED_AZURE_MFA_OPERATIONS } from '../../totp/catalogue.js';
import { didYouMean } from '../../util/suggest.js';
import type { Rule } from '../types.js';

/** Values a TP may name that we know of: documented or historic, in any letter case. */
const KNOWN = new Set([...AZURE_MFA_OPERATION_NAMES, ...Object.keys(UNDOCUMENTED_AZURE_MFA_OPERATIONS)].map((o) => o.toLowerCase()));

const rule: Rule = {
  meta: {
    id: 'AZMFA-002',
    name: 'azure-mfa-operation',
    category: 'azuremfa',
    severity: 'error',
    summary:
      'An AzureMfa technical profile (after IncludeTechnicalProfile merge) has Operation metadata naming an AzureMfa operation: OneWaySMS, Verify, GetAvailableDevices, BeginVerifyOTP or VerifyOTP.',
    description:
      'Operation is the only required AzureMfa metadata: without it, or with a value that is no AzureMfa operation at all, the provider has nothing to run. Known but undocumented values (DeleteDevices) and case variants are AZMFA-003. Profiles that other profiles only include are skipped. No Operation at all is an error; a value that is no documented operation is a warning, since no upload error for it is known and the service may know values the docs do not list.',
    source: 'seeds/001 (D-MFATP) metadata tables; totp-spec.md §1.1, §9 AZMFA-002',
    examples: {
      bad: '<TechnicalProfile Id="AzureMfa-VerifyOTP">\n  <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.AzureMfaProtocolProvider, ..." />\n  <Metadata>\n    <Item Key="Operation">VerifyTOTP</Item>',
      good: '<Metadata>\n  <Item Key="Operation">VerifyOTP</Item>\n</Metadata>',
    },
  },
  check({ set, report }) {
    for (const f of azureMfaProfiles(set)) {
      const op = f.op;
      if (!op.item || op.value === '') {
        report({
          file: f.policy,
          at: op.item ? { element: op.item.element, attribute: 'Key' } : { element: f.element, attribute: 'Id' },
          message: `AzureMfa technical profile '${f.tp.id}' has no Operation; add <Item Key="Operation"> with one of ${AZURE_MFA_OPERATION_NAMES.join(', ')}.`,
        });
      } else if (!KNOWN.has(op.value.toLowerCase())) {
        report({
          file: op.item.policy,
          at: { element: op.item.element, text: true },
          // No upload error is known for an unknown value (the service may know operations the docs do not list): a warning.
          severity: 'warning',
          message: `AzureMfa technical profile '${f.tp.id}' has Operation '${op.value}', which is no documented AzureMfa operation (unless the service knows it, the profile fails at run time); use one of ${AZURE_MFA_OPERATION_NAMES.join(', ')}.${didYouMean(op.value, AZURE_MFA_OPERATION_NAMES)}`,
        });
      }
    }
  },
};
export default rule;
