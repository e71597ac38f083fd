import { transformationParameters } from '../../totp/azuremfa.js';
import { ISSUER_PLACEHOLDER } from '../../totp/catalogue.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-013',
    name: 'issuer-placeholder',
    category: 'totp',
    severity: 'warning',
    summary: 'No claims transformation parameter still holds the sample placeholder {AuthenticatorIssuer}.',
    description:
      'The TOTP sample ships {AuthenticatorIssuer} in CreateIssuer and in BuildUri query.issuer. No source documents it as a claim resolver, so the authenticator app may show the literal text as the issuer. Replace it with your service name, the same in both places.',
    source: 'totp-spec.md §6.1, §10 (1), §9 TOTP-013',
    examples: {
      bad: '<InputParameter Id="query.issuer" DataType="string" Value="{AuthenticatorIssuer}" />',
      good: '<InputParameter Id="query.issuer" DataType="string" Value="Contoso" />',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      for (const ct of p.definitions('ClaimsTransformation')) {
        for (const param of transformationParameters(ct)) {
          if (!param.value.includes(ISSUER_PLACEHOLDER)) continue;
          report({
            file: p,
            at: { element: param.element, attribute: 'Value' },
            message: `Parameter '${param.id}' of ClaimsTransformation '${ct.attributes.Id ?? ''}' still holds ${ISSUER_PLACEHOLDER}; replace it with the issuer name users should see, the same in CreateStringClaim value and BuildUri query.issuer.`,
          });
        }
      }
    }
  },
};
export default rule;
