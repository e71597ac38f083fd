import type { XmlElement } from '../../xml/nodes.js';
import { descendants } from '../../xml/element.js';
import type { DefKind } from '../../policy/policy.js';
import type { Rule } from '../types.js';

/**
 * The schema's xs:key constraints: within one file these values must be unique.
 * Each entry: where the scope element sits, and what (child path + attribute) must be unique in it.
 */
const KEYS: ReadonlyArray<{ scope: string[]; items: string[]; attr: string; what: string; kind?: DefKind }> = [
  { scope: ['ClaimsProviders'], items: ['ClaimsProvider', 'TechnicalProfiles', 'TechnicalProfile'], attr: 'Id', what: 'TechnicalProfile Id', kind: 'TechnicalProfile' },
  { scope: ['BuildingBlocks', 'ClaimsSchema'], items: ['ClaimType'], attr: 'Id', what: 'ClaimType Id', kind: 'ClaimType' },
  { scope: ['BuildingBlocks', 'ClaimsTransformations'], items: ['ClaimsTransformation'], attr: 'Id', what: 'ClaimsTransformation Id', kind: 'ClaimsTransformation' },
  { scope: ['BuildingBlocks', 'ContentDefinitions'], items: ['ContentDefinition'], attr: 'Id', what: 'ContentDefinition Id', kind: 'ContentDefinition' },
  { scope: ['BuildingBlocks', 'DisplayControls'], items: ['DisplayControl'], attr: 'Id', what: 'DisplayControl Id', kind: 'DisplayControl' },
  { scope: ['BuildingBlocks', 'Localization'], items: ['LocalizedResources'], attr: 'Id', what: 'LocalizedResources Id', kind: 'LocalizedResources' },
  { scope: ['BuildingBlocks', 'Predicates'], items: ['Predicate'], attr: 'Id', what: 'Predicate Id' },
  { scope: ['BuildingBlocks', 'InputValidations'], items: ['InputValidation'], attr: 'Id', what: 'InputValidation Id' },
  { scope: ['BuildingBlocks', 'PredicateValidations'], items: ['PredicateValidation'], attr: 'Id', what: 'PredicateValidation Id' },
  { scope: ['BuildingBlocks', 'ClientDefinitions'], items: ['ClientDefinition'], attr: 'Id', what: 'ClientDefinition Id' },
  { scope: ['UserJourneys'], items: ['UserJourney'], attr: 'Id', what: 'UserJourney Id', kind: 'UserJourney' },
  { scope: ['SubJourneys'], items: ['SubJourney'], attr: 'Id', what: 'SubJourney Id', kind: 'SubJourney' },
];

/** Keys scoped to each journey, each Metadata element, and each ValidationTechnicalProfiles list. */
const NESTED: ReadonlyArray<{ parent: string; items: string[]; attr: string; what: string }> = [
  { parent: 'OrchestrationSteps', items: ['OrchestrationStep'], attr: 'Order', what: 'OrchestrationStep Order' },
  { parent: 'OrchestrationSteps', items: ['OrchestrationStep', 'ClaimsExchanges', 'ClaimsExchange'], attr: 'Id', what: 'ClaimsExchange Id' },
  { parent: 'Metadata', items: ['Item'], attr: 'Key', what: 'Metadata Item Key' },
  { parent: 'ValidationTechnicalProfiles', items: ['ValidationTechnicalProfile'], attr: 'ReferenceId', what: 'ValidationTechnicalProfile ReferenceId' },
];

const NESTED_BY_PARENT = new Map<string, Array<(typeof NESTED)[number]>>();
for (const k of NESTED) NESTED_BY_PARENT.set(k.parent, [...(NESTED_BY_PARENT.get(k.parent) ?? []), k]);

const rule: Rule = {
  meta: {
    id: 'DUP-001',
    name: 'duplicate-key',
    category: 'duplicate',
    severity: 'error',
    summary:
      'Within one file, Ids are unique (TechnicalProfile, ClaimType, ClaimsTransformation, ContentDefinition, UserJourney, SubJourney, ...), as are step Orders and ClaimsExchange Ids per journey and Item Keys per Metadata.',
    description:
      'The schema declares these as keys; the upload fails with "There is a duplicate key sequence". Duplicates usually come from copy-paste or a merge.',
    source: 'upload-errors.md §1 #4; TrustFrameworkPolicy_0.3.0.0.xsd xs:key',
    examples: {
      bad: '<OrchestrationStep Order="4" Type="InvokeSubJourney">...</OrchestrationStep>\n<OrchestrationStep Order="4" Type="SendClaims" ... />',
      good: '<OrchestrationStep Order="4" Type="InvokeSubJourney">...</OrchestrationStep>\n<OrchestrationStep Order="5" Type="SendClaims" ... />',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      const flag = (els: XmlElement[], attr: string, what: string) => {
        if (els.length < 2) return;
        const seen = new Map<string, XmlElement>();
        for (const el of els) {
          const v = el.attributes[attr];
          if (v === undefined) continue;
          const first = seen.get(v);
          if (!first) {
            seen.set(v, el);
            continue;
          }
          const line = p.source.lines.position(first.start).line;
          report({ file: p, at: { element: el, attribute: attr }, message: `Duplicate ${what} '${v}' (first at line ${line}).` });
        }
      };
      for (const k of KEYS) {
        // The policy's index already knows whether any Id repeats, even ignoring case: most files need no second look.
        if (k.kind && !p.repeats(k.kind)) continue;
        for (const scope of descendants(p.root, ...k.scope)) flag(descendants(scope, ...k.items), k.attr, k.what);
      }
      // Nested scopes can sit anywhere: the reader's element list finds them all.
      for (const el of p.source.elements) {
        const keys = NESTED_BY_PARENT.get(el.name);
        if (keys) for (const k of keys) flag(descendants(el, ...k.items), k.attr, k.what);
      }
    }
  },
};
export default rule;
