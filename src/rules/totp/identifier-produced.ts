import { isEnrollmentPage } from '../../totp/azuremfa.js';
import { policyNames } from '../../totp/flow.js';
import { unmetLabelInputs } from '../../totp/needs.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-007',
    name: 'identifier-before-enrollment',
    category: 'totp',
    severity: 'error',
    summary:
      'In every relying party\'s journey, the claims the enrollment page\'s label transformation reads (totpIdentifier, FormatStringMultipleClaims inputClaim2) are produced by an earlier step or an earlier transformation of the page.',
    description:
      'The enrollment page builds the authenticator label issuer:identifier with FormatStringMultipleClaims before it shows the QR code. totpIdentifier is copied from the sign-in claim by a SetTotpInitialValue-style step; if no earlier step produces it, the label and the QR URI cannot be built. Reported only when no earlier step on any path produces it.',
    source: 'totp-spec.md §4.8 (4), §5, §9 TOTP-007; seeds/000 (readme on totpIdentifier); upload-errors.md §2 T3',
    examples: {
      bad: '<OrchestrationStep Order="4" Type="InvokeSubJourney"> TotpFactor-Input  (enrollment)\n<OrchestrationStep Order="5" Type="InvokeSubJourney"> SetTotpInitialValue  (sets totpIdentifier, too late)',
      good: '<OrchestrationStep Order="4" Type="InvokeSubJourney"> SetTotpInitialValue\n<OrchestrationStep Order="5" Type="InvokeSubJourney"> TotpFactor-Input',
    },
  },
  check({ set, report }) {
    const unmet = unmetLabelInputs(set, (from, ex) => !!ex.tp && isEnrollmentPage(set, from, ex.tp));
    for (const u of unmet) {
      if (u.status !== 'missing') continue;
      report({
        file: u.exchange.policy,
        at: { element: u.exchange.element, attribute: 'TechnicalProfileReferenceId' },
        message: `ClaimsExchange '${u.exchange.element.attributes.Id ?? ''}' runs enrollment page '${u.exchange.tpId}', whose label transformation '${u.need.data.transformation}' reads '${u.need.claim}', but no earlier step produces it in the journey of ${policyNames(u.relyingParties)}; set it in an earlier step (e.g. invoke SetTotpInitialValue before this one).`,
      });
    }
  },
};
export default rule;
