import { finalTechnicalProfiles, includedIds, isSelfAsserted, setMentions } from '../../totp/azuremfa.js';
import { PROVIDER_CLASS } from '../../totp/catalogue.js';
import type { Rule } from '../types.js';
import { hasUserInputType, selfAssertedSources } from './sources.js';

const rule: Rule = {
  meta: {
    id: 'SA-001',
    name: 'self-asserted-output-source',
    category: 'profile',
    severity: 'error',
    summary:
      'Every OutputClaim of a self-asserted technical profile without DisplayClaims (merged across the chain) has a source: a DefaultValue, a claim type with a UserInputType, or an output of the profile\'s validation technical profiles or claims transformations.',
    description:
      'A self-asserted profile returns only what the page collects or something computes. An OutputClaim that nothing can fill is rejected on upload: "Output claim type \'X\' specified in the technical profile with id \'TP\' … does not specify a UserInputType or a DefaultValue, and is not retrieved from a ValidationTechnicalProfile either" (samples#196, hit while following a TOTP guide; samples#260, samples#642). An InputClaim only prefills a claim the page shows, so it is no source on its own. The profile is checked as the most-derived policy that defines it sees it, so an override that adds the source counts; profiles that other profiles include are parts, checked inside the profiles that include them. Profiles with DisplayClaims are not checked: their page shows only the DisplayClaims, never the OutputClaims, and Microsoft\'s phone-number-passwordless scenario uploads with such a profile (LocalAccountInputNewPhoneNumber) returning userPrincipalName that nothing on the page produces. An OutputClaim whose claim type is not defined at all is left to REF-001, and a profile whose validation profiles or claims transformations do not all resolve to REF-002 and REF-003.',
    source: 'upload-errors.md §1 #20 (B2C-SA-001); self-asserted-technical-profile.md "Output claims", "When you should use output claims"',
    examples: {
      bad: '<TechnicalProfile Id="OTPVerification">  (SelfAssertedAttributeProvider)\n  <OutputClaims>\n    <OutputClaim ClaimTypeReferenceId="alternativeSecurityId" />  <!-- no UserInputType, no DefaultValue, no validation profile returns it -->\n  </OutputClaims>',
      good: '<OutputClaims>\n  <OutputClaim ClaimTypeReferenceId="alternativeSecurityId" DefaultValue="" />\n</OutputClaims>',
    },
  },
  check({ set, report }) {
    if (!setMentions(set, PROVIDER_CLASS.selfAsserted)) return;
    const included = includedIds(set);
    for (const f of finalTechnicalProfiles(set, PROVIDER_CLASS.selfAsserted)) {
      if (!isSelfAsserted(f.tp) || included.has(f.tp.id.toLowerCase()) || f.tp.displayClaims.length > 0) continue;
      let sources: ReturnType<typeof selfAssertedSources> | undefined;
      for (const oc of f.tp.outputClaims) {
        if (oc.displayControl || oc.defaultValue !== undefined) continue;
        // An undefined claim type is REF-001's finding; one the page can collect needs nothing else.
        if (!set.find('ClaimType', oc.id, f.policy) || hasUserInputType(set, f.policy, oc.id)) continue;
        sources ??= selfAssertedSources(set, f.policy, f.tp);
        // Unresolved references are REF-002/REF-003 findings; what they would output is unknown.
        if (!sources.complete || sources.claims.has(oc.id.toLowerCase())) continue;
        const vtps = f.tp.validationTechnicalProfiles.map((v) => `'${v.id}'`);
        report({
          file: oc.policy,
          at: { element: oc.element, attribute: 'ClaimTypeReferenceId' },
          message: `Self-asserted technical profile '${f.tp.id}' outputs '${oc.id}', but nothing gives it a value: the claim type has no UserInputType, the OutputClaim has no DefaultValue, and ${vtps.length ? `none of its validation technical profiles (${vtps.join(', ')}) or claims transformations outputs it` : 'it has no validation technical profile or claims transformation that outputs it'}. The upload fails ("does not specify a UserInputType or a DefaultValue, and is not retrieved from a ValidationTechnicalProfile"); add DefaultValue="", give the claim type a UserInputType, or return it from a validation technical profile.`,
        });
      }
    }
  },
};
export default rule;
