import type { XmlElement } from '../xml/nodes.js';
import { child, children } from '../xml/element.js';
import type { Located } from './effective.js';
import type { Policy } from './policy.js';
import type { PolicySet } from './set.js';

/**
 * One orchestration step after merging. A child policy's step with the same Order is merged into the base
 * step, not swapped for it: ClaimsExchanges merge by Id (samples#98: a child step 3 listing one exchange gave
 * "has step 3 with 2 claims exchanges"; samples#198; MicrosoftDocs/azure-docs#6866 "step 2 with 3 claims
 * exchanges"), a same-Id exchange of the child replacing the base's. Nothing settles the rest, so the
 * conservative reading: each attribute (Type, ContentDefinitionReferenceId, CpimIssuer…) and each other
 * child element (Preconditions, ClaimsProviderSelections, JourneyList) comes from the most-derived layer that
 * states it, whole.
 */
export interface Step extends Located {
  order: number;
  type: string;
  /** The step elements merged, base first; `element` is the last (most-derived) one. */
  layers: Located[];
  /** ClaimsExchange elements merged by Id, base order first, with the policy each one sits in. */
  exchanges: Located[];
}

/** A step attribute as merged: from the most-derived layer that states it. */
export function stepAttribute(step: Step, name: string): (Located & { value: string }) | undefined {
  for (let i = step.layers.length - 1; i >= 0; i--) {
    const l = step.layers[i]!;
    const value = l.element.attributes[name];
    if (value !== undefined) return { element: l.element, policy: l.policy, value };
  }
  return undefined;
}

/** A child element of a step (Preconditions, ClaimsProviderSelections, JourneyList) from the most-derived layer that has it. */
export function stepChild(step: Step, name: string): (Located & { layer: XmlElement }) | undefined {
  for (let i = step.layers.length - 1; i >= 0; i--) {
    const l = step.layers[i]!;
    const el = child(l.element, name);
    if (el) return { element: el, policy: l.policy, layer: l.element };
  }
  return undefined;
}

export interface EffectiveJourney {
  id: string;
  kind: 'UserJourney' | 'SubJourney';
  /** Journey definitions merged, base first. */
  layers: Located[];
  /** Steps after child policies merged steps by Order, sorted by Order. */
  steps: Step[];
}

/** A journey as seen from `from`: a child policy's step with the same Order merges into the base step (see Step). */
const journeys = new WeakMap<PolicySet, Map<Policy, Map<string, EffectiveJourney | null>>>();

export function effectiveJourney(set: PolicySet, viewer: Policy, kind: 'UserJourney' | 'SubJourney', id: string): EffectiveJourney | undefined {
  // Cached per the nearest file that defines journeys of this kind: relying parties share their base's view.
  const from = set.viewFor(kind, viewer);
  let perSet = journeys.get(set);
  if (!perSet) journeys.set(set, (perSet = new Map()));
  let perPolicy = perSet.get(from);
  if (!perPolicy) perSet.set(from, (perPolicy = new Map()));
  const key = `${kind}:${id.toLowerCase()}`;
  const hit = perPolicy.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const journey = mergeJourney(set, from, kind, id);
  perPolicy.set(key, journey ?? null);
  return journey;
}

function mergeJourney(set: PolicySet, from: Policy, kind: 'UserJourney' | 'SubJourney', id: string): EffectiveJourney | undefined {
  const layers = set.layers(kind, id, from);
  if (layers.length === 0) return undefined;
  const byOrder = new Map<number, Step>();
  for (const l of layers) {
    for (const el of children(child(l.element, 'OrchestrationSteps'), 'OrchestrationStep')) {
      const order = Number(el.attributes.Order);
      const prev = byOrder.get(order);
      const step: Step = prev ?? { element: el, policy: l.policy, order, type: '', layers: [], exchanges: [] };
      step.element = el;
      step.policy = l.policy;
      step.layers.push({ element: el, policy: l.policy });
      if (el.attributes.Type !== undefined) step.type = el.attributes.Type;
      for (const ex of claimsExchanges(el)) {
        const id = ex.attributes.Id?.toLowerCase();
        const i = id === undefined ? -1 : step.exchanges.findIndex((x) => x.element.attributes.Id?.toLowerCase() === id);
        if (i >= 0) step.exchanges[i] = { element: ex, policy: l.policy };
        else step.exchanges.push({ element: ex, policy: l.policy });
      }
      byOrder.set(order, step);
    }
  }
  const steps = [...byOrder.values()].sort((a, b) => a.order - b.order);
  return {
    id: layers[layers.length - 1]!.element.attributes.Id ?? id,
    kind,
    layers: layers.map((l) => ({ element: l.element, policy: l.policy })),
    steps,
  };
}

/** Whether the merged steps do not run 1..N (JRN-001's finding): their order is then not the service's. */
export function misnumbered(journey: EffectiveJourney): boolean {
  return journey.steps.some((s, i) => s.order !== i + 1);
}

export function claimsExchanges(step: XmlElement): XmlElement[] {
  return children(child(step, 'ClaimsExchanges'), 'ClaimsExchange');
}

/** Journeys defined (or overridden) in `p` itself: each is checked as `p` sees it, like the service does on upload. */
export function journeysDefinedIn(p: Policy): Array<{ kind: 'UserJourney' | 'SubJourney'; id: string; element: XmlElement }> {
  const out: Array<{ kind: 'UserJourney' | 'SubJourney'; id: string; element: XmlElement }> = [];
  for (const kind of ['UserJourney', 'SubJourney'] as const) {
    for (const el of p.firstDefinitions(kind)) out.push({ kind, id: el.attributes.Id!, element: el });
  }
  return out;
}
