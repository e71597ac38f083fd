import { effectiveJourney, journeysDefinedIn } from '../../policy/journey.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'JRN-002',
    name: 'send-claims-last',
    category: 'journey',
    severity: 'error',
    summary: 'A UserJourney has exactly one SendClaims step, and it is the last step.',
    description:
      'Without it the upload fails with "User journey X does not contain a send claims step"; overriding steps by Order in a child can leave two SendClaims steps or one in the middle.',
    source: 'upload-errors.md §1 #17',
    examples: {
      bad: '<OrchestrationStep Order="4" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />\n<OrchestrationStep Order="5" Type="InvokeSubJourney">...',
      good: '<OrchestrationStep Order="4" Type="InvokeSubJourney">...\n<OrchestrationStep Order="5" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      if (!set.isComplete(p)) continue;
      for (const j of journeysDefinedIn(p)) {
        if (j.kind !== 'UserJourney') continue;
        const journey = effectiveJourney(set, p, j.kind, j.id);
        if (!journey) continue;
        const sends = journey.steps.filter((s) => s.type === 'SendClaims');
        const last = journey.steps[journey.steps.length - 1];
        if (sends.length === 0) {
          report({ file: p, at: { element: j.element, attribute: 'Id' }, message: `UserJourney '${j.id}' has no SendClaims step.` });
          continue;
        }
        for (const s of sends.slice(0, -1)) {
          report({ file: s.policy, at: { element: s.element, attribute: 'Type' }, message: `UserJourney '${j.id}' has more than one SendClaims step (Orders ${sends.map((x) => x.order).join(', ')}).` });
        }
        const final = sends[sends.length - 1]!;
        if (sends.length === 1 && final !== last) {
          report({ file: final.policy, at: { element: final.element, attribute: 'Type' }, message: `SendClaims (Order ${final.order}) must be the last step of UserJourney '${j.id}'; Order ${last!.order} follows it.` });
        }
      }
    }
  },
};
export default rule;
