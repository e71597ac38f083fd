import { displayControls } from '../../totp/azuremfa.js';
import { child, childElements } from '../../xml/element.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-018',
    name: 'app-icon-control-empty',
    category: 'totp',
    severity: 'info',
    summary: 'An AuthenticatorAppIconControl has no claims or actions.',
    description: 'The control only shows authenticator download links and takes no input; claims listed in it are ignored.',
    source: 'totp-spec.md §3.1 (D-TOTPDC), §9 TOTP-018',
    examples: {
      bad: '<DisplayControl Id="authenticatorAppIconControl" UserInterfaceControlType="AuthenticatorAppIconControl">\n  <DisplayClaims>\n    <DisplayClaim ClaimTypeReferenceId="QrCodeScanInstruction" />\n  </DisplayClaims>\n</DisplayControl>',
      good: '<DisplayControl Id="authenticatorAppIconControl" UserInterfaceControlType="AuthenticatorAppIconControl" />',
    },
  },
  check({ set, report }) {
    for (const c of displayControls(set)) {
      if (c.type !== 'AuthenticatorAppIconControl') continue;
      for (const section of ['InputClaims', 'DisplayClaims', 'OutputClaims', 'Actions']) {
        const el = child(c.element, section);
        if (!el || childElements(el).length === 0) continue;
        report({
          file: c.policy,
          at: { element: el },
          message: `AuthenticatorAppIconControl '${c.id}' ignores its ${section}; remove them.`,
        });
      }
    }
  },
};
export default rule;
