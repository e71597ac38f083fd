import { finalTechnicalProfiles, isEnrollmentPage, transformation, usesTotpControls } from '../../totp/azuremfa.js';
import { ENROLLMENT_TRANSFORMATION_ORDER, PROVIDER_CLASS } from '../../totp/catalogue.js';
import type { Rule } from '../types.js';

const ORDER = ENROLLMENT_TRANSFORMATION_ORDER as readonly string[];

const rule: Rule = {
  meta: {
    id: 'TOTP-008',
    name: 'enrollment-transformation-order',
    category: 'totp',
    severity: 'error',
    summary:
      'On an enrollment page (a self-asserted TP showing a QrCodeControl), the input claims transformations run CreateOtpSecret, then CreateStringClaim, then FormatStringMultipleClaims, then BuildUri.',
    description:
      'Each transformation reads what the one before it produced: the secret and issuer feed the label, and label and secret feed the otpauth URI. Out of order, the QR code is built from empty claims. The TOTP display-control doc says they must be called in this order.',
    source: 'totp-spec.md §4.4 (EnableOTPAuthentication), §4.8 (5), §9 TOTP-008 (D-TOTPDC)',
    examples: {
      bad: '<InputClaimsTransformation ReferenceId="CreateSecret" />\n<InputClaimsTransformation ReferenceId="CreateUriString" />\n<InputClaimsTransformation ReferenceId="CreateIssuer" />\n<InputClaimsTransformation ReferenceId="CreateUriLabel" />',
      good: '<InputClaimsTransformation ReferenceId="CreateSecret" />\n<InputClaimsTransformation ReferenceId="CreateIssuer" />\n<InputClaimsTransformation ReferenceId="CreateUriLabel" />\n<InputClaimsTransformation ReferenceId="CreateUriString" />',
    },
  },
  check({ set, report }) {
    if (!usesTotpControls(set)) return;
    for (const f of finalTechnicalProfiles(set, PROVIDER_CLASS.selfAsserted)) {
      if (!isEnrollmentPage(set, f.policy, f.tp)) continue;
      let last: { rank: number; id: string; method: string } | undefined;
      for (const ref of f.tp.inputClaimsTransformations) {
        const method = transformation(set, f.policy, ref.id)?.method ?? '';
        const rank = ORDER.indexOf(method);
        if (rank < 0) continue;
        if (last && rank < last.rank) {
          report({
            file: ref.policy,
            at: { element: ref.element, attribute: 'ReferenceId' },
            message: `Enrollment page '${f.tp.id}' runs '${ref.id}' (${method}) after '${last.id}' (${last.method}); order the input claims transformations ${ORDER.join(' → ')}.`,
          });
          continue;
        }
        last = { rank, id: ref.id, method };
      }
    }
  },
};
export default rule;
