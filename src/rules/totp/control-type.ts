import { displayControls } from '../../totp/azuremfa.js';
import { USER_INTERFACE_CONTROL_TYPES } from '../../totp/catalogue.js';
import { didYouMean } from '../../util/suggest.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-015',
    name: 'display-control-type',
    category: 'totp',
    severity: 'error',
    summary:
      'A DisplayControl has a UserInterfaceControlType from the schema: VerificationControl, QrCodeControl, AuthenticatorInfoControl or AuthenticatorAppIconControl (CAPTCHA-like types: warning).',
    description:
      'The page renders a display control by its type; the schema allows only these four, so a misspelled type fails the upload. Newer docs also mention CAPTCHA controls that the published schema does not list yet.',
    source: 'totp-spec.md §3.1 (XSD enumeration; D-DC), §9 TOTP-015',
    examples: {
      bad: '<DisplayControl Id="totpQrCodeControl" UserInterfaceControlType="QRCodeControl">',
      good: '<DisplayControl Id="totpQrCodeControl" UserInterfaceControlType="QrCodeControl">',
    },
  },
  check({ set, report }) {
    for (const c of displayControls(set)) {
      if (c.type !== undefined && USER_INTERFACE_CONTROL_TYPES.includes(c.type)) continue;
      const captcha = c.type !== undefined && /captcha/i.test(c.type);
      report({
        file: c.policy,
        severity: captcha ? 'warning' : undefined,
        at: { element: c.element, attribute: c.type === undefined ? 'Id' : 'UserInterfaceControlType' },
        message:
          c.type === undefined
            ? `DisplayControl '${c.id}' has no UserInterfaceControlType; set one of ${USER_INTERFACE_CONTROL_TYPES.join(', ')}.`
            : `DisplayControl '${c.id}' has UserInterfaceControlType '${c.type}', which the schema does not list${captcha ? ' (newer than TrustFrameworkPolicy_0.3.0.0.xsd?)' : ''}; use one of ${USER_INTERFACE_CONTROL_TYPES.join(', ')}.${captcha ? '' : didYouMean(c.type, USER_INTERFACE_CONTROL_TYPES)}`,
      });
    }
  },
};
export default rule;
