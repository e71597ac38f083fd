import { effectiveJourney, journeysDefinedIn } from '../../policy/journey.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'JRN-001',
    name: 'step-order-sequence',
    category: 'journey',
    severity: 'error',
    summary: 'After child policies override steps by Order, each journey and sub-journey has steps 1..N with no gap.',
    description:
      'The service fails with "was expected to have step with order N but it was not found" when Orders skip a number, which happens easily after inserting steps or overriding them from a child policy.',
    source: 'upload-errors.md §1 #5; totp-spec.md §9 POL-012',
    examples: {
      bad: '<OrchestrationStep Order="1" .../>\n<OrchestrationStep Order="2" .../>\n<OrchestrationStep Order="7" Type="SendClaims" .../>',
      good: '<OrchestrationStep Order="1" .../>\n<OrchestrationStep Order="2" .../>\n<OrchestrationStep Order="3" Type="SendClaims" .../>',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      if (!set.isComplete(p)) continue;
      for (const j of journeysDefinedIn(p)) {
        const journey = effectiveJourney(set, p, j.kind, j.id);
        if (!journey) continue;
        let expected = 1;
        for (const step of journey.steps) {
          const raw = step.element.attributes.Order;
          if (!Number.isInteger(step.order) || step.order < 1) {
            if (step.policy === p) report({ file: p, at: { element: step.element, attribute: 'Order' }, message: `Order '${raw ?? ''}' is not a positive whole number.` });
            continue;
          }
          if (step.order !== expected) {
            const from = step.policy;
            report({
              file: from,
              at: { element: step.element, attribute: 'Order' },
              message: `${j.kind} '${j.id}' has no step with Order ${expected}${from !== p ? ` as seen from ${p.policyId}` : ''}: Orders must run 1..N without gaps.`,
            });
          }
          expected = step.order + 1;
        }
      }
    }
  },
};
export default rule;
