import { effectiveJourney, journeysDefinedIn } from '../../policy/journey.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'JRN-004',
    name: 'sub-journey-type',
    category: 'journey',
    severity: 'error',
    summary:
      "A SubJourney's Type is Call or Transfer (error: the schema requires it); a Call sub-journey has no SendClaims step and a Transfer sub-journey has one (warnings).",
    description:
      'The policy schema makes Type a required attribute with the values Call and Transfer (TrustFrameworkPolicy_0.3.0.0.xsd, SubJourneyTYPE), and the service validates uploads against it, so anything else is an error. The sub journeys article says a Call sub-journey returns control to the calling journey, which sends the claims, and that a Transfer sub-journey "must have a SendClaims step to return claims to the relying party application". No upload error is documented for either, so both are warnings: a SendClaims inside a Call sub-journey ends the journey early, and a Transfer sub-journey without one never returns a token. Steps after SendClaims are allowed (see JRN-002), so a Transfer sub-journey needs a SendClaims step, not one at the end.',
    source: 'TrustFrameworkPolicy_0.3.0.0.xsd (SubJourney/@Type, SubJourneyTYPE); subjourneys.md "User journey branching"; totp-spec.md §9 TOTP-033',
    examples: {
      bad: '<SubJourney Id="TotpFactor-Verify" Type="Call">\n  ...<OrchestrationStep Order="5" Type="SendClaims" .../>',
      good: '<SubJourney Id="TotpFactor-Verify" Type="Call">\n  ...(no SendClaims step)',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      if (!set.isComplete(p)) continue;
      for (const j of journeysDefinedIn(p)) {
        if (j.kind !== 'SubJourney') continue;
        const journey = effectiveJourney(set, p, 'SubJourney', j.id);
        if (!journey) continue;
        const type = journey.layers.map((l) => l.element.attributes.Type).filter(Boolean).pop();
        if (type !== 'Call' && type !== 'Transfer') {
          report({ file: p, at: { element: j.element, attribute: type === undefined ? 'Id' : 'Type' }, message: `SubJourney '${j.id}' Type must be 'Call' or 'Transfer'${type === undefined ? '' : `, not '${type}'`}.` });
          continue;
        }
        const sends = journey.steps.filter((s) => s.type === 'SendClaims');
        if (type === 'Call') {
          for (const s of sends) {
            report({
              file: s.policy,
              at: { element: s.element, attribute: 'Type' },
              severity: 'warning',
              message: `Call sub-journey '${j.id}' must not have a SendClaims step; the calling journey sends the claims (a SendClaims here ends the journey before control returns).`,
            });
          }
        } else {
          const last = journey.steps[journey.steps.length - 1];
          if (last && sends.length === 0) {
            report({
              file: last.policy,
              at: { element: last.element, attribute: 'Order' },
              severity: 'warning',
              message: `Transfer sub-journey '${j.id}' has no SendClaims step; control never returns to the calling journey, so it must send the claims itself ("must have a SendClaims step").`,
            });
          }
        }
      }
    }
  },
};
export default rule;
