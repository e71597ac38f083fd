import { child, children } from '../../xml/element.js';
import { quote } from '../../util/quote.js';
import { didYouMean } from '../../util/suggest.js';
import type { Rule, RuleContext } from '../types.js';
import { unresolvedReferenceRule } from './factory.js';

const references = unresolvedReferenceRule(
  {
    id: 'REF-001',
    name: 'unknown-claim-type',
    category: 'reference',
    severity: 'error',
    summary:
      'Every claim reference (InputClaim, OutputClaim, PersistedClaim, DisplayClaim, ClaimType localization) names a ClaimType defined in the policy or one of its bases; SubjectNamingInfo names an output claim of its relying party.',
    description:
      'The upload fails with "makes a reference to ClaimType with id X but neither the policy nor any of its base policies contain such an element". References resolve upward: a claim defined only in a child policy is not visible to its base (a claim used in an Extensions file but defined only in its relying party is rejected). ' +
      'A LocalizedString for a claim nobody defines is only a warning (the SocialAccounts starter pack ships two and uploads). ' +
      "SubjectNamingInfo/@ClaimType is not a ClaimType reference: it is \"a reference to an output claim's PartnerClaimType\" in the relying party's OutputClaims (the woodgrove demo uses PartnerClaimType=\"sub\" with no ClaimType sub). " +
      'One that names no output claim of its relying party is a warning: no upload error for it is known.',
    source:
      'upload-errors.md §1 #10; troubleshoot doc ("Make sure the claim is defined in the policy it\'s used in, or in an upper level policy"); azure-ad-b2c/samples#53; upload-semantics.md §1, §3 (relyingparty article: SubjectNamingInfo ClaimType)',
    examples: {
      bad: `<OutputClaim ClaimTypeReferenceId="totpIdentifer" />`,
      good: `<OutputClaim ClaimTypeReferenceId="totpIdentifier" />`,
    },
  },
  'ClaimType',
);

/** SubjectNamingInfo ClaimType against the PartnerClaimType (else the ClaimTypeReferenceId) of its technical profile's OutputClaims. */
function checkSubjectNaming({ set, report }: RuleContext): void {
  for (const p of set.policies) {
    for (const tp of children(p.relyingParty, 'TechnicalProfile')) {
      const sni = child(tp, 'SubjectNamingInfo');
      const name = sni?.attributes.ClaimType;
      if (!sni || name === undefined) continue;
      const outputs = children(child(tp, 'OutputClaims'), 'OutputClaim').map((o) => o.attributes.PartnerClaimType ?? o.attributes.ClaimTypeReferenceId ?? '');
      if (outputs.some((o) => o.toLowerCase() === name.toLowerCase())) continue;
      report({
        file: p,
        at: { element: sni, attribute: 'ClaimType' },
        severity: 'warning',
        message: `SubjectNamingInfo ClaimType ${quote(name)} names no output claim of this relying party: it refers to an OutputClaim's PartnerClaimType (or its ClaimTypeReferenceId when it has none).${didYouMean(name, outputs.filter(Boolean))}`,
      });
    }
  }
}

const rule: Rule = {
  meta: references.meta,
  check(ctx) {
    references.check(ctx);
    checkSubjectNaming(ctx);
  },
};
export default rule;
