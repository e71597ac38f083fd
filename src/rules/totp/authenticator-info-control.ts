import { controlClaims, displayControls, transformationClaims } from '../../totp/azuremfa.js';
import { transformationsByMethod } from '../../totp/signature.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-017',
    name: 'authenticator-info-control-wiring',
    category: 'totp',
    severity: 'warning',
    summary:
      'An AuthenticatorInfoControl shows the account-name claim and the secret claim as DisplayClaims, each also listed in its InputClaims.',
    description:
      'The "enter the key manually" panel shows the account name (totpIdentifier) and the secret (secretKey); a display claim without a matching input claim stays empty, and without the secret the panel is useless to users who cannot scan.',
    source: 'totp-spec.md §3.1 (D-TOTPDC), §9 TOTP-017',
    examples: {
      bad: '<DisplayControl Id="authenticatorInfoControl" UserInterfaceControlType="AuthenticatorInfoControl">\n  <DisplayClaims>\n    <DisplayClaim ClaimTypeReferenceId="totpIdentifier" />\n  </DisplayClaims>',
      good: '<InputClaims>\n  <InputClaim ClaimTypeReferenceId="totpIdentifier" />\n  <InputClaim ClaimTypeReferenceId="secretKey" />\n</InputClaims>\n<DisplayClaims>\n  <DisplayClaim ClaimTypeReferenceId="totpIdentifier" />\n  <DisplayClaim ClaimTypeReferenceId="secretKey" />\n</DisplayClaims>',
    },
  },
  check({ set, report }) {
    const secrets = new Set(
      transformationsByMethod(set, 'CreateOtpSecret').flatMap((b) => transformationClaims(b.element, 'OutputClaims').map((o) => o.claim.toLowerCase())),
    );
    for (const c of displayControls(set)) {
      if (c.type !== 'AuthenticatorInfoControl') continue;
      const shown = controlClaims(c.element, 'DisplayClaims');
      const inputs = controlClaims(c.element, 'InputClaims').map((i) => i.claim.toLowerCase());
      if (shown.length < 2) {
        report({
          file: c.policy,
          at: { element: c.element, attribute: 'Id' },
          message: `AuthenticatorInfoControl '${c.id}' shows ${shown.length === 0 ? 'no claims' : `only '${shown[0]!.claim}'`}; show the account name and the secret (e.g. totpIdentifier and secretKey) as DisplayClaims and InputClaims.`,
        });
      } else if (secrets.size > 0 && !shown.some((s) => secrets.has(s.claim.toLowerCase()))) {
        report({
          file: c.policy,
          at: { element: c.element, attribute: 'Id' },
          message: `AuthenticatorInfoControl '${c.id}' does not show the secret that CreateOtpSecret produces (${[...secrets].join(', ')}); add it as DisplayClaim and InputClaim.`,
        });
      }
      for (const s of shown) {
        if (inputs.includes(s.claim.toLowerCase())) continue;
        report({
          file: c.policy,
          at: { element: s.element, attribute: 'ClaimTypeReferenceId' },
          message: `AuthenticatorInfoControl '${c.id}' shows '${s.claim}' but does not list it in its InputClaims, so it shows empty; add <InputClaim ClaimTypeReferenceId="${s.claim}" />.`,
        });
      }
    }
  },
};
export default rule;
