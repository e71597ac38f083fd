import { signatureProblems, transformationsByMethod } from '../../totp/signature.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-010',
    name: 'create-otp-secret-signature',
    category: 'totp',
    severity: 'error',
    summary: 'A CreateOtpSecret claims transformation has no input claims or parameters and exactly one output, TransformationClaimType outputClaim.',
    description: 'CreateOtpSecret takes nothing and returns the new shared secret; any other shape is not the documented method and the secret never reaches BuildUri and BeginVerifyOTP.',
    source: 'totp-spec.md §4.2 (D-STR CreateOtpSecret), §9 TOTP-010',
    examples: {
      bad: '<ClaimsTransformation Id="CreateSecret" TransformationMethod="CreateOtpSecret">\n  <OutputClaims>\n    <OutputClaim ClaimTypeReferenceId="secretKey" TransformationClaimType="secret" />',
      good: '<ClaimsTransformation Id="CreateSecret" TransformationMethod="CreateOtpSecret">\n  <OutputClaims>\n    <OutputClaim ClaimTypeReferenceId="secretKey" TransformationClaimType="outputClaim" />',
    },
  },
  check({ set, report }) {
    for (const ct of transformationsByMethod(set, 'CreateOtpSecret')) {
      for (const pr of signatureProblems(ct.element, 'CreateOtpSecret')) report({ file: ct.policy, at: { element: pr.element, attribute: pr.attribute }, message: pr.message });
    }
  },
};
export default rule;
