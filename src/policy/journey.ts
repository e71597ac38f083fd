import type { XmlElement } from '../xml/nodes.js';
import { child, children } from '../xml/element.js';
import type { Located } from './effective.js';
import type { Policy } from './policy.js';
import type { PolicySet } from './set.js';

export interface Step extends Located {
  order: number;
  type: string;
}

export interface EffectiveJourney {
  id: string;
  kind: 'UserJourney' | 'SubJourney';
  /** Journey definitions merged, base first. */
  layers: Located[];
  /** Steps after child policies replaced steps by Order, sorted by Order. */
  steps: Step[];
}

/** A journey as seen from `from`: a child policy's step with the same Order replaces the base step. */
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
      byOrder.set(order, { element: el, policy: l.policy, order, type: el.attributes.Type ?? '' });
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
