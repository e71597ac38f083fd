import { signatureProblems, transformationsByMethod } from '../../totp/signature.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-012',
    name: 'create-string-claim-signature',
    category: 'totp',
    severity: 'error',
    summary: 'A CreateStringClaim claims transformation has parameter value and output createdClaim, and no input claims.',
    description: 'CreateStringClaim turns the value parameter into a claim (the TOTP issuer); other names are not the documented method and leave the claim empty.',
    source: 'totp-spec.md §4.2 (D-STR CreateStringClaim; sample CreateIssuer), §9 TOTP-012',
    examples: {
      bad: '<InputParameter Id="issuer" DataType="string" Value="Contoso" />\n...\n<OutputClaim ClaimTypeReferenceId="issuer" TransformationClaimType="outputClaim" />',
      good: '<InputParameter Id="value" DataType="string" Value="Contoso" />\n...\n<OutputClaim ClaimTypeReferenceId="issuer" TransformationClaimType="createdClaim" />',
    },
  },
  check({ set, report }) {
    for (const ct of transformationsByMethod(set, 'CreateStringClaim')) {
      for (const pr of signatureProblems(ct.element, 'CreateStringClaim')) report({ file: ct.policy, at: { element: pr.element, attribute: pr.attribute }, message: pr.message });
    }
  },
};
export default rule;
