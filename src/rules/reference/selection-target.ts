import { children } from '../../xml/element.js';
import { effectiveJourney, journeysDefinedIn, stepChild } from '../../policy/journey.js';
import { didYouMean } from '../../util/suggest.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'REF-009',
    name: 'unknown-claims-exchange-target',
    category: 'reference',
    severity: 'error',
    summary:
      'A ClaimsProviderSelection TargetClaimsExchangeId names a ClaimsExchange of the next step; a ValidationClaimsExchangeId names one in the same step.',
    description:
      'A selection button whose target exchange does not exist in the following step cannot run; the service rejects selection steps that are not followed by the claims exchange they select. ' +
      'A ValidationClaimsExchangeId that is not an exchange of its own step is a warning: the starter pack keeps the validation exchange in the same step, but no upload error for another placement is known.',
    source: 'upload-errors.md §1 #15 (troubleshoot doc: a selection step must be followed by a claims exchange); ValidationClaimsExchangeId: starter pack CombinedSignInAndSignUp steps, no upload error known',
    examples: {
      bad: `<ClaimsProviderSelection TargetClaimsExchangeId="FacebookExchang" />
...
<ClaimsExchange Id="FacebookExchange" TechnicalProfileReferenceId="Facebook-OAUTH" />`,
      good: `<ClaimsProviderSelection TargetClaimsExchangeId="FacebookExchange" />`,
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      if (!set.isComplete(p)) continue;
      for (const j of journeysDefinedIn(p)) {
        const journey = effectiveJourney(set, p, j.kind, j.id);
        if (!journey) continue;
        journey.steps.forEach((step, i) => {
          const next = journey.steps[i + 1];
          if (step.policy !== p && next?.policy !== p) return;
          // Exchanges merge by Id across the chain; the selections come whole from the most-derived layer that lists them.
          const here = step.exchanges.map((c) => c.element.attributes.Id ?? '');
          const after = next ? next.exchanges.map((c) => c.element.attributes.Id ?? '') : [];
          const selections = stepChild(step, 'ClaimsProviderSelections');
          const file = selections?.policy ?? p;
          for (const sel of children(selections?.element, 'ClaimsProviderSelection')) {
            const target = sel.attributes.TargetClaimsExchangeId;
            if (target !== undefined && !after.some((x) => x.toLowerCase() === target.toLowerCase())) {
              report({
                file,
                at: { element: sel, attribute: 'TargetClaimsExchangeId' },
                message: `TargetClaimsExchangeId '${target}' is not a ClaimsExchange of the next step${next ? ` (Order ${next.order})` : ''} in ${j.kind} '${j.id}'.${didYouMean(target, after)}`,
              });
            }
            const validation = sel.attributes.ValidationClaimsExchangeId;
            if (validation !== undefined && !here.some((x) => x.toLowerCase() === validation.toLowerCase())) {
              report({
                file,
                at: { element: sel, attribute: 'ValidationClaimsExchangeId' },
                // No upload error is known for it (only for selection steps not followed by an exchange): a warning.
                severity: 'warning',
                message: `ValidationClaimsExchangeId '${validation}' is not a ClaimsExchange of this step (Order ${step.order}) in ${j.kind} '${j.id}'.${didYouMean(validation, here)}`,
              });
            }
          }
        });
      }
    }
  },
};
export default rule;
