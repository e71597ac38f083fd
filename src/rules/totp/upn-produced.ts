import { UPN_OVERRIDES } from '../../totp/catalogue.js';
import { unmetAzureMfaInputs, unmetInputMessage } from '../../totp/needs.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-004',
    name: 'upn-before-totp',
    category: 'totp',
    severity: 'error',
    summary:
      'In every relying party\'s journey, userPrincipalName is produced by an earlier step before GetAvailableDevices or BeginVerifyOTP runs (warning when only a federated identity provider produces it).',
    description:
      'Both operations key the user\'s authenticator devices on the user principal name. A claim reaches later steps only as an OutputClaim of an executed profile (a validation profile\'s output only if the self-asserted profile lists it too); the starter pack\'s AAD-UserReadUsingObjectId, LocalAccountSignUpWithLogonEmail and SelfAsserted-LocalAccountSignin-Email do not output it. A social identity provider\'s UPN is generated (cpim_…), not the directory\'s, so enrollment does not stick. Reported only when no earlier step on any path produces it.',
    source: 'seeds/001 (D-MFATP) input tables; totp-spec.md §4.4 (UPN overrides), §4.8 (1), §9 TOTP-004; upload-errors.md §2 T1, T2',
    examples: {
      bad: '<TechnicalProfile Id="AAD-UserReadUsingObjectId">  (starter pack: no userPrincipalName output)\n...\n<ClaimsExchange Id="CountDevices" TechnicalProfileReferenceId="AzureMfa-GetAvailableDevices" />',
      good: '<TechnicalProfile Id="AAD-UserReadUsingObjectId">\n  <OutputClaims>\n    <OutputClaim ClaimTypeReferenceId="userPrincipalName" />\n  </OutputClaims>\n</TechnicalProfile>',
    },
  },
  check({ set, report }) {
    const fix = `output ${UPN_OVERRIDES.claim} from an earlier step, e.g. add it to the OutputClaims of ${UPN_OVERRIDES.technicalProfiles.join(', ')}.`;
    for (const u of unmetAzureMfaInputs(set, UPN_OVERRIDES.claim, ['GetAvailableDevices', 'BeginVerifyOTP'])) {
      const { message, severity } = unmetInputMessage(u, fix);
      report({ file: u.exchange.policy, at: { element: u.exchange.element, attribute: 'TechnicalProfileReferenceId' }, message, severity });
    }
  },
};
export default rule;
