import type { XmlElement } from '../../xml/nodes.js';
import { child, children } from '../../xml/element.js';
import { effectiveJourney, journeysDefinedIn } from '../../policy/journey.js';
import type { Rule } from '../types.js';

const SELECTION = new Set(['ClaimsProviderSelection', 'CombinedSignInAndSignUp']);

/** The step's ClaimsProviderSelection buttons that hand over to an exchange of the next step. */
function targets(step: XmlElement): string[] {
  return children(child(step, 'ClaimsProviderSelections'), 'ClaimsProviderSelection')
    .map((s) => s.attributes.TargetClaimsExchangeId)
    .filter((t): t is string => t !== undefined);
}

const rule: Rule = {
  meta: {
    id: 'JRN-005',
    name: 'selection-followed-by-exchange',
    category: 'journey',
    severity: 'error',
    summary:
      'A ClaimsProviderSelection or CombinedSignInAndSignUp step whose selections name a TargetClaimsExchangeId is followed (in the merged journey) by a step of Type ClaimsExchange.',
    description:
      'The exchange a user picks on a selection page runs in the next step, so that step must be a claims exchange; otherwise the upload fails: "Orchestration step order "{n}" in user journey "{name}" … is followed by a claims provider selection step and must be a claims exchange, but it is of type …" (troubleshoot doc). The check runs on the journey as each policy that defines or overrides it sees it, so a child that replaces the step after a selection with another type is caught. A selection step that is the last step has nothing to hand over to and is reported too. Selections with only a ValidationClaimsExchangeId (local-account sign-in on the same page) need no following exchange and are not checked. REF-009 checks the other half: that each TargetClaimsExchangeId names an exchange of the next step.',
    source: 'upload-errors.md §1 #15 (B2C-JOURNEY-002); troubleshoot.md "Upload policies and policy validation"',
    examples: {
      bad: '<OrchestrationStep Order="1" Type="CombinedSignInAndSignUp" ContentDefinitionReferenceId="api.signuporsignin">\n  <ClaimsProviderSelections>\n    <ClaimsProviderSelection TargetClaimsExchangeId="FacebookExchange" />\n  </ClaimsProviderSelections>\n</OrchestrationStep>\n<OrchestrationStep Order="2" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />',
      good: '<OrchestrationStep Order="2" Type="ClaimsExchange">\n  <ClaimsExchanges>\n    <ClaimsExchange Id="FacebookExchange" TechnicalProfileReferenceId="Facebook-OAUTH" />\n  </ClaimsExchanges>\n</OrchestrationStep>',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      if (!set.isComplete(p)) continue;
      for (const j of journeysDefinedIn(p)) {
        // Without a selection step of its own and without a base layer, no pair here involves a selection step.
        if (!p.steps(j.element).some((s) => SELECTION.has(s.attributes.Type ?? '')) && set.layers(j.kind, j.id, p).length < 2) continue;
        const journey = effectiveJourney(set, p, j.kind, j.id);
        if (!journey) continue;
        journey.steps.forEach((step, i) => {
          if (!SELECTION.has(step.type)) return;
          const next = journey.steps[i + 1];
          // Judged from the policies that wrote one of the two steps; the others see the same pair.
          if (step.policy !== p && next?.policy !== p) return;
          if (next?.type === 'ClaimsExchange') return;
          const ids = targets(step.element);
          if (ids.length === 0) return;
          const what = `Step ${step.order} of ${j.kind} '${j.id}' is a ${step.type} step whose selections target ${ids.map((t) => `'${t}'`).join(', ')}`;
          if (next) {
            report({
              file: next.policy,
              at: { element: next.element, attribute: 'Type' },
              message: `${what}, so step ${next.order} must be a ClaimsExchange step, but it ${next.type ? `is of type '${next.type}'` : 'has no Type'}; the upload fails ("is followed by a claims provider selection step and must be a claims exchange").`,
            });
          } else {
            report({
              file: step.policy,
              at: { element: step.element, attribute: 'Type' },
              message: `${what}, but no step follows it; add a ClaimsExchange step after it that runs the selected exchanges.`,
            });
          }
        });
      }
    }
  },
};
export default rule;
