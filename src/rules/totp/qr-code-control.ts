import { controlClaims, displayControls, transformationClaims } from '../../totp/azuremfa.js';
import { QR_CODE_CONTROL_CLAIM_TYPE } from '../../totp/catalogue.js';
import { transformationsByMethod } from '../../totp/signature.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-016',
    name: 'qr-code-control-wiring',
    category: 'totp',
    severity: 'error',
    summary:
      'A QrCodeControl has a DisplayClaim with ControlClaimType="QrCodeContent" whose claim is also one of its InputClaims; a BuildUri transformation should produce that claim (warning).',
    description:
      'The control draws the QR code from the display claim mapped to QrCodeContent, and it gets the value only through its InputClaims. Without either, the enrollment page shows no code. The value is the otpauth URI that BuildUri builds.',
    source: 'totp-spec.md §3.1 (D-TOTPDC), §9 TOTP-016',
    examples: {
      bad: '<DisplayControl Id="totpQrCodeControl" UserInterfaceControlType="QrCodeControl">\n  <DisplayClaims>\n    <DisplayClaim ClaimTypeReferenceId="qrCodeContent" />\n  </DisplayClaims>',
      good: '<DisplayControl Id="totpQrCodeControl" UserInterfaceControlType="QrCodeControl">\n  <InputClaims>\n    <InputClaim ClaimTypeReferenceId="qrCodeContent" />\n  </InputClaims>\n  <DisplayClaims>\n    <DisplayClaim ClaimTypeReferenceId="qrCodeContent" ControlClaimType="QrCodeContent" />\n  </DisplayClaims>',
    },
  },
  check({ set, report }) {
    const built = new Set(
      transformationsByMethod(set, 'BuildUri').flatMap((b) => transformationClaims(b.element, 'OutputClaims').map((o) => o.claim.toLowerCase())),
    );
    for (const c of displayControls(set)) {
      if (c.type !== 'QrCodeControl') continue;
      const shown = controlClaims(c.element, 'DisplayClaims').find((d) => d.element.attributes.ControlClaimType === QR_CODE_CONTROL_CLAIM_TYPE);
      if (!shown) {
        report({
          file: c.policy,
          at: { element: c.element, attribute: 'Id' },
          message: `QrCodeControl '${c.id}' has no DisplayClaim with ControlClaimType="${QR_CODE_CONTROL_CLAIM_TYPE}"; add one for the claim holding the otpauth URI (e.g. qrCodeContent).`,
        });
        continue;
      }
      const inputs = controlClaims(c.element, 'InputClaims').map((i) => i.claim.toLowerCase());
      if (!inputs.includes(shown.claim.toLowerCase())) {
        report({
          file: c.policy,
          at: { element: shown.element, attribute: 'ClaimTypeReferenceId' },
          message: `QrCodeControl '${c.id}' shows '${shown.claim}' but does not list it in its InputClaims, so the control gets no value; add <InputClaim ClaimTypeReferenceId="${shown.claim}" />.`,
        });
      } else if (!built.has(shown.claim.toLowerCase())) {
        report({
          file: c.policy,
          severity: 'warning',
          at: { element: shown.element, attribute: 'ClaimTypeReferenceId' },
          message: `QrCodeControl '${c.id}' shows '${shown.claim}', but no BuildUri claims transformation produces it; build the otpauth URI into '${shown.claim}' with BuildUri.`,
        });
      }
    }
  },
};
export default rule;
