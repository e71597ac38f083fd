import { effectiveJourney, journeysDefinedIn } from '../../policy/journey.js';
import type { Rule } from '../types.js';

const SELECTION = new Set(['ClaimsProviderSelection', 'CombinedSignInAndSignUp']);

const rule: Rule = {
  meta: {
    id: 'JRN-003',
    name: 'exchanges-need-selection',
    category: 'journey',
    severity: 'error',
    summary: 'A step with more than one ClaimsExchange follows a ClaimsProviderSelection or CombinedSignInAndSignUp step.',
    description:
      'The service must know which exchange to run: "has step N with 2 claims exchanges. It must be preceded by a claims provider selection in order to determine which claims exchange can be used." Exchanges are counted after the merge: a child step with the same Order adds its ClaimsExchanges to the base step\'s by Id (samples#98: a child step listing one exchange gave "has step 3 with 2 claims exchanges"; MicrosoftDocs/azure-docs#6866).',
    source: 'upload-errors.md §1 #16; samples#98, #198; MicrosoftDocs/azure-docs#6866',
    examples: {
      bad: '<OrchestrationStep Order="3" Type="ClaimsExchange">\n  <ClaimsExchanges>\n    <ClaimsExchange Id="A" .../>\n    <ClaimsExchange Id="B" .../>',
      good: '<OrchestrationStep Order="2" Type="ClaimsProviderSelection">...</OrchestrationStep>\n<OrchestrationStep Order="3" Type="ClaimsExchange"> (two exchanges)',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      if (!set.isComplete(p)) continue;
      for (const j of journeysDefinedIn(p)) {
        const journey = effectiveJourney(set, p, j.kind, j.id);
        if (!journey) continue;
        journey.steps.forEach((step, i) => {
          const n = step.exchanges.length;
          if (n < 2 || step.type !== 'ClaimsExchange') return;
          const prev = journey.steps[i - 1];
          if (prev && SELECTION.has(prev.type)) return;
          report({
            file: step.policy,
            at: { element: step.element, attribute: 'Order' },
            message: `Step ${step.order} of ${j.kind} '${j.id}' has ${n} claims exchanges but is not preceded by a ClaimsProviderSelection or CombinedSignInAndSignUp step.`,
          });
        });
      }
    }
  },
};
export default rule;
