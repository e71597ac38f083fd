import { claimDataType, transformationClaims } from '../../totp/azuremfa.js';
import { transformationsByMethod } from '../../totp/signature.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-014',
    name: 'copy-claim-data-type',
    category: 'totp',
    severity: 'error',
    summary: 'A CopyClaim claims transformation copies between claim types of the same DataType.',
    description:
      'CopyClaim requires both claims to have the same type (string or int). Copying a phoneNumber-typed sign-in claim into the string totpIdentifier is the usual slip when adding an identifier source; use a string-producing transformation such as FormatStringClaim with {0} instead. Checked only when both claim types resolve.',
    source: 'totp-spec.md §4.2 (D-STR CopyClaim), §5 (custom sign-in claim), §9 TOTP-014',
    examples: {
      bad: '<ClaimsTransformation Id="PhoneToTotpIdentifier" TransformationMethod="CopyClaim">\n  <InputClaim ClaimTypeReferenceId="phoneNumber" TransformationClaimType="inputClaim" />  (DataType phoneNumber)\n  <OutputClaim ClaimTypeReferenceId="totpIdentifier" TransformationClaimType="outputClaim" />  (DataType string)',
      good: '<ClaimsTransformation Id="PhoneToTotpIdentifier" TransformationMethod="FormatStringClaim">\n  ... <InputParameter Id="stringFormat" DataType="string" Value="{0}" />',
    },
  },
  check({ set, report }) {
    for (const ct of transformationsByMethod(set, 'CopyClaim')) {
      if (!set.isComplete(ct.policy)) continue;
      const input = transformationClaims(ct.element, 'InputClaims').find((c) => c.type === 'inputClaim');
      const output = transformationClaims(ct.element, 'OutputClaims').find((c) => c.type === 'outputClaim');
      if (!input?.claim || !output?.claim) continue;
      const from = claimDataType(set, ct.policy, input.claim);
      const to = claimDataType(set, ct.policy, output.claim);
      if (!from || !to || from === to) continue;
      report({
        file: ct.policy,
        at: { element: input.element, attribute: 'ClaimTypeReferenceId' },
        message: `CopyClaim '${ct.id}' copies '${input.claim}' (${from}) into '${output.claim}' (${to}); CopyClaim needs the same DataType, so use a transformation that converts (e.g. FormatStringClaim with '{0}' for a string).`,
      });
    }
  },
};
export default rule;
