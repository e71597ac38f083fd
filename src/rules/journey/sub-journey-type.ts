import { effectiveJourney, journeysDefinedIn } from '../../policy/journey.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'JRN-004',
    name: 'sub-journey-type',
    category: 'journey',
    severity: 'error',
    summary: "A SubJourney's Type is Call or Transfer; a Call sub-journey has no SendClaims step, and a Transfer sub-journey ends with one.",
    description:
      'A Call sub-journey returns to the calling journey, which sends the claims; a SendClaims inside it ends the journey early. A Transfer sub-journey never returns, so it must send the claims itself.',
    source: 'totp-spec.md §9 TOTP-033 (sub journeys doc)',
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
          for (const s of sends) report({ file: s.policy, at: { element: s.element, attribute: 'Type' }, message: `Call sub-journey '${j.id}' must not have a SendClaims step; the calling journey sends the claims.` });
        } else {
          const last = journey.steps[journey.steps.length - 1];
          if (last && last.type !== 'SendClaims') {
            report({ file: last.policy, at: { element: last.element, attribute: 'Order' }, message: `Transfer sub-journey '${j.id}' must end with a SendClaims step.` });
          }
        }
      }
    }
  },
};
export default rule;
