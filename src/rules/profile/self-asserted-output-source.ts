import type { XmlElement } from '../../xml/nodes.js';
import type { ClaimRef } from '../../policy/effective.js';
import type { Policy } from '../../policy/policy.js';
import { relyingPartyReach } from '../../policy/reach.js';
import { isSelfAsserted, setMentions } from '../../totp/azuremfa.js';
import { policyNames } from '../../totp/flow.js';
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
      "Every OutputClaim of a self-asserted technical profile (without DisplayClaims) that a relying party's journey runs has a source: a DefaultValue, a claim type with a UserInputType, or an output of the profile's validation technical profiles or claims transformations.",
    description:
      'A self-asserted profile returns only what the page collects or something computes. An OutputClaim that nothing can fill is not rejected on upload: the policy fails at run time, when the page is shown. samples#203: the policy uploaded, then the page gave "AADB2C: An exception has occurred", and Application Insights showed the InvalidDefinitionException "Output claim type \'X\' specified in the technical profile with id \'TP\' … does not specify a UserInputType or a DefaultValue, and is not retrieved from a ValidationTechnicalProfile either" (also samples#196, hit while following a TOTP guide; samples#260, #642). A profile that no journey reaches never fails, so only the profiles a relying party\'s journey can reach are checked (steps, sub-journeys, validation profiles, display-control actions; src/policy/reach.ts), each merged as that relying party sees it; a finding points at the OutputClaim and names the relying parties. An InputClaim only prefills a claim the page shows, so it is no source on its own. Profiles with DisplayClaims are not checked: their page shows only the DisplayClaims, never the OutputClaims, and Microsoft\'s phone-number-passwordless scenario uploads with such a profile (LocalAccountInputNewPhoneNumber) returning userPrincipalName that nothing on the page produces. An OutputClaim whose claim type is not defined at all is left to REF-001, and a profile whose validation profiles or claims transformations do not all resolve to REF-002 and REF-003.',
    source: 'upload-semantics.md §1 (run time); samples#203 (uploaded, failed when shown), samples#196, #260, #642; self-asserted-technical-profile.md "Output claims"',
    examples: {
      bad: '<TechnicalProfile Id="OTPVerification">  (SelfAssertedAttributeProvider, run by a journey)\n  <OutputClaims>\n    <OutputClaim ClaimTypeReferenceId="alternativeSecurityId" />  <!-- no UserInputType, no DefaultValue, no validation profile returns it -->\n  </OutputClaims>',
      good: '<OutputClaims>\n  <OutputClaim ClaimTypeReferenceId="alternativeSecurityId" DefaultValue="" />\n</OutputClaims>',
    },
  },
  check({ set, report }) {
    if (!setMentions(set, PROVIDER_CLASS.selfAsserted)) return;
    const found = new Map<XmlElement, { oc: ClaimRef; tpId: string; vtps: string[]; rps: Policy[] }>();
    for (const r of relyingPartyReach(set)) {
      for (const { tp } of r.profiles.values()) {
        if (!isSelfAsserted(tp) || tp.displayClaims.length > 0) continue;
        let sources: ReturnType<typeof selfAssertedSources> | undefined;
        for (const oc of tp.outputClaims) {
          if (oc.displayControl || oc.defaultValue !== undefined) continue;
          // An undefined claim type is REF-001's finding; one the page can collect needs nothing else.
          if (!set.find('ClaimType', oc.id, r.rp) || hasUserInputType(set, r.rp, oc.id)) continue;
          sources ??= selfAssertedSources(set, r.rp, tp);
          // Unresolved references are REF-002/REF-003 findings; what they would output is unknown.
          if (!sources.complete || sources.claims.has(oc.id.toLowerCase())) continue;
          const hit = found.get(oc.element);
          if (hit) hit.rps.push(r.rp);
          else found.set(oc.element, { oc, tpId: tp.id, vtps: tp.validationTechnicalProfiles.map((v) => `'${v.id}'`), rps: [r.rp] });
        }
      }
    }
    for (const { oc, tpId, vtps, rps } of found.values()) {
      report({
        file: oc.policy,
        at: { element: oc.element, attribute: 'ClaimTypeReferenceId' },
        message: `Self-asserted technical profile '${tpId}' outputs '${oc.id}', but nothing gives it a value: the claim type has no UserInputType, the OutputClaim has no DefaultValue, and ${vtps.length ? `none of its validation technical profiles (${vtps.join(', ')}) or claims transformations outputs it` : 'it has no validation technical profile or claims transformation that outputs it'}. The policy uploads, but fails at run time when ${policyNames(rps)} shows the page ("does not specify a UserInputType or a DefaultValue, and is not retrieved from a ValidationTechnicalProfile"); add DefaultValue="", give the claim type a UserInputType, or return it from a validation technical profile.`,
      });
    }
  },
};
export default rule;
