import { transformationParameters } from '../../totp/azuremfa.js';
import { OTPAUTH_URI } from '../../totp/catalogue.js';
import { signatureProblems, transformationsByMethod } from '../../totp/signature.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-009',
    name: 'build-uri-signature',
    category: 'totp',
    severity: 'error',
    summary:
      'A BuildUri claims transformation uses input claims path and query.secret, parameters scheme, host and query.issuer, and output outputClaim; scheme is otpauth and host is totp (warning).',
    description:
      'BuildUri assembles the otpauth://totp/<label>?secret=…&issuer=… URI that the QR code and deep link carry. Misnamed claims or parameters are not part of the URI; another scheme or host gives a link authenticator apps do not accept.',
    source: 'totp-spec.md §4.2 (D-STR BuildUri), §9 TOTP-009',
    examples: {
      bad: '<InputClaim ClaimTypeReferenceId="secretKey" TransformationClaimType="secret" />\n<InputParameter Id="scheme" DataType="string" Value="https" />',
      good: '<InputClaim ClaimTypeReferenceId="secretKey" TransformationClaimType="query.secret" />\n<InputParameter Id="scheme" DataType="string" Value="otpauth" />',
    },
  },
  check({ set, report }) {
    for (const ct of transformationsByMethod(set, 'BuildUri')) {
      for (const pr of signatureProblems(ct.element, 'BuildUri')) report({ file: ct.policy, at: { element: pr.element, attribute: pr.attribute }, message: pr.message });
      for (const param of transformationParameters(ct.element)) {
        const want = param.id === 'scheme' ? OTPAUTH_URI.scheme : param.id === 'host' ? OTPAUTH_URI.host : undefined;
        if (want === undefined || param.value === want) continue;
        report({
          file: ct.policy,
          severity: 'warning',
          at: { element: param.element, attribute: 'Value' },
          message: `BuildUri '${ct.id}' has ${param.id} '${param.value}'; set it to '${want}', as authenticator apps only read otpauth://totp/… links.`,
        });
      }
    }
  },
};
export default rule;
