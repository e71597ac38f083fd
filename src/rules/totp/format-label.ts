import { transformationClaims, transformationParameters } from '../../totp/azuremfa.js';
import { URI_LABEL_FORMAT } from '../../totp/catalogue.js';
import { signatureProblems, transformationsByMethod } from '../../totp/signature.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-011',
    name: 'format-string-multiple-claims-signature',
    category: 'totp',
    severity: 'error',
    summary:
      'A FormatStringMultipleClaims claims transformation uses input claims inputClaim1 and inputClaim2, parameter stringFormat and output outputClaim; the authenticator label format is {0}:{1} (info).',
    description:
      'The enrollment page builds the authenticator label (issuer:account) with FormatStringMultipleClaims; misnamed claims or parameters are not substituted. Authenticator apps read the part before the colon as the issuer, so a label feeding BuildUri path should put the issuer first.',
    source: 'totp-spec.md §4.2 (D-STR FormatStringMultipleClaims; sample CreateUriLabel), §9 TOTP-011',
    examples: {
      bad: '<InputClaim ClaimTypeReferenceId="totpIdentifier" TransformationClaimType="inputClaim" />',
      good: '<InputClaim ClaimTypeReferenceId="issuer" TransformationClaimType="inputClaim1" />\n<InputClaim ClaimTypeReferenceId="totpIdentifier" TransformationClaimType="inputClaim2" />\n<InputParameter Id="stringFormat" DataType="string" Value="{0}:{1}" />',
    },
  },
  check({ set, report }) {
    const paths = new Set(
      transformationsByMethod(set, 'BuildUri').flatMap((b) =>
        transformationClaims(b.element, 'InputClaims')
          .filter((c) => c.type === 'path')
          .map((c) => c.claim.toLowerCase()),
      ),
    );
    for (const ct of transformationsByMethod(set, 'FormatStringMultipleClaims')) {
      for (const pr of signatureProblems(ct.element, 'FormatStringMultipleClaims')) report({ file: ct.policy, at: { element: pr.element, attribute: pr.attribute }, message: pr.message });
      const isLabel = transformationClaims(ct.element, 'OutputClaims').some((o) => paths.has(o.claim.toLowerCase()));
      const format = transformationParameters(ct.element).find((p) => p.id === 'stringFormat');
      if (isLabel && format && format.value !== URI_LABEL_FORMAT) {
        report({
          file: ct.policy,
          severity: 'info',
          at: { element: format.element, attribute: 'Value' },
          message: `Authenticator label '${ct.id}' has stringFormat '${format.value}'; the sample uses '${URI_LABEL_FORMAT}' (issuer, then account name).`,
        });
      }
    }
  },
};
export default rule;
