import type { XmlElement } from '../xml/nodes.js';
import { child, children, textOf } from '../xml/element.js';
import type { Policy } from './policy.js';
import type { PolicySet } from './set.js';

/** An element together with the policy file it sits in. */
export interface Located {
  element: XmlElement;
  policy: Policy;
}

export interface ClaimRef extends Located {
  /** ClaimTypeReferenceId (or DisplayControlReferenceId for display-control display claims). */
  id: string;
  /** `id` lower-cased: the service matches claim ids ignoring case. */
  key: string;
  /** What the technical profile's provider sees: PartnerClaimType, else the claim's own id. */
  partnerName: string;
  defaultValue: string | undefined;
  required: boolean;
  displayControl: boolean;
}

export interface RefById extends Located {
  id: string;
}

export interface MetadataItem extends Located {
  value: string;
}

/**
 * A technical profile as the service sees it from one policy: every layer of the chain merged,
 * base first, with IncludeTechnicalProfile content underneath. Collections merge; same-named items override.
 */
export interface EffectiveTechnicalProfile {
  id: string;
  /** The definitions merged, base first (without included profiles). */
  layers: Located[];
  protocol: (Located & { name: string | undefined; handler: string | undefined }) | undefined;
  displayName: Located | undefined;
  metadata: Map<string, MetadataItem>;
  inputClaims: ClaimRef[];
  displayClaims: ClaimRef[];
  persistedClaims: ClaimRef[];
  outputClaims: ClaimRef[];
  inputClaimsTransformations: RefById[];
  outputClaimsTransformations: RefById[];
  validationTechnicalProfiles: RefById[];
  includes: RefById[];
  /** IncludeTechnicalProfile Ids, at any depth, that no policy in the chain defines. */
  unresolvedIncludes: string[];
  session: RefById | undefined;
}

/** Marks a merge under way: an include that reaches it again is a cycle and is skipped. */
const IN_PROGRESS = Symbol('in progress');
type Entry = EffectiveTechnicalProfile | null | typeof IN_PROGRESS;
const cache = new WeakMap<PolicySet, Map<Policy, Map<string, Entry>>>();

/** The merged technical profile `id` as seen from `from`, or undefined when no layer defines it. */
export function effectiveTechnicalProfile(set: PolicySet, viewer: Policy, id: string): EffectiveTechnicalProfile | undefined {
  const entry = cached(set, viewer, id);
  return entry === IN_PROGRESS || entry === null ? undefined : entry;
}

/** Cached merge; included profiles go through the same cache, so AAD-Common is merged once, not per includer. */
function cached(set: PolicySet, viewer: Policy, id: string): Entry {
  // A merge sees only technical profiles, so files without any share their base's merged views.
  const from = set.viewFor('TechnicalProfile', viewer);
  let perSet = cache.get(set);
  if (!perSet) cache.set(set, (perSet = new Map()));
  let perPolicy = perSet.get(from);
  if (!perPolicy) perSet.set(from, (perPolicy = new Map()));
  const key = id.toLowerCase();
  const hit = perPolicy.get(key);
  if (hit !== undefined) return hit;
  perPolicy.set(key, IN_PROGRESS);
  const tp = build(set, from, id);
  perPolicy.set(key, tp ?? null);
  return tp ?? null;
}

function build(set: PolicySet, from: Policy, id: string): EffectiveTechnicalProfile | undefined {
  const layers = set.layers('TechnicalProfile', id, from);
  if (layers.length === 0) return undefined;
  const tp: EffectiveTechnicalProfile = {
    id: layers[layers.length - 1]!.element.attributes.Id ?? id,
    layers: layers.map((l) => ({ element: l.element, policy: l.policy })),
    protocol: undefined,
    displayName: undefined,
    metadata: new Map(),
    inputClaims: [],
    displayClaims: [],
    persistedClaims: [],
    outputClaims: [],
    inputClaimsTransformations: [],
    outputClaimsTransformations: [],
    validationTechnicalProfiles: [],
    includes: [],
    unresolvedIncludes: [],
    session: undefined,
  };
  // Included profiles form the bottom layer; the including profile's own layers override them.
  for (const l of layers) {
    for (const inc of children(l.element, 'IncludeTechnicalProfile')) {
      const ref = inc.attributes.ReferenceId;
      if (!ref) continue;
      tp.includes.push({ id: ref, element: inc, policy: l.policy });
      const included = cached(set, from, ref);
      if (included === IN_PROGRESS) continue; // an include cycle: the profile is already being merged
      if (included) {
        mergeInto(tp, included);
        tp.unresolvedIncludes.push(...included.unresolvedIncludes);
      } else tp.unresolvedIncludes.push(ref);
    }
  }
  for (const l of layers) mergeLayer(tp, l.element, l.policy);
  return tp;
}

function mergeInto(tp: EffectiveTechnicalProfile, inc: EffectiveTechnicalProfile): void {
  tp.protocol ??= inc.protocol;
  tp.displayName ??= inc.displayName;
  for (const [k, v] of inc.metadata) if (!tp.metadata.has(k)) tp.metadata.set(k, v);
  mergeClaims(tp.inputClaims, inc.inputClaims);
  mergeClaims(tp.displayClaims, inc.displayClaims);
  mergeClaims(tp.persistedClaims, inc.persistedClaims);
  mergeClaims(tp.outputClaims, inc.outputClaims);
  mergeRefs(tp.inputClaimsTransformations, inc.inputClaimsTransformations);
  mergeRefs(tp.outputClaimsTransformations, inc.outputClaimsTransformations);
  mergeRefs(tp.validationTechnicalProfiles, inc.validationTechnicalProfiles);
  tp.session ??= inc.session;
}

function mergeLayer(tp: EffectiveTechnicalProfile, el: XmlElement, policy: Policy): void {
  const protocol = child(el, 'Protocol');
  if (protocol) tp.protocol = { element: protocol, policy, name: protocol.attributes.Name, handler: protocol.attributes.Handler };
  const dn = child(el, 'DisplayName');
  if (dn) tp.displayName = { element: dn, policy };
  for (const item of children(child(el, 'Metadata'), 'Item')) {
    const key = item.attributes.Key;
    if (key !== undefined) tp.metadata.set(key, { element: item, policy, value: textOf(item) });
  }
  mergeClaims(tp.inputClaims, claimRefs(child(el, 'InputClaims'), 'InputClaim', policy));
  mergeClaims(tp.displayClaims, claimRefs(child(el, 'DisplayClaims'), 'DisplayClaim', policy));
  mergeClaims(tp.persistedClaims, claimRefs(child(el, 'PersistedClaims'), 'PersistedClaim', policy));
  mergeClaims(tp.outputClaims, claimRefs(child(el, 'OutputClaims'), 'OutputClaim', policy));
  mergeRefs(tp.inputClaimsTransformations, refs(child(el, 'InputClaimsTransformations'), 'InputClaimsTransformation', 'ReferenceId', policy));
  mergeRefs(tp.outputClaimsTransformations, refs(child(el, 'OutputClaimsTransformations'), 'OutputClaimsTransformation', 'ReferenceId', policy));
  mergeRefs(tp.validationTechnicalProfiles, refs(child(el, 'ValidationTechnicalProfiles'), 'ValidationTechnicalProfile', 'ReferenceId', policy));
  const session = child(el, 'UseTechnicalProfileForSessionManagement');
  if (session?.attributes.ReferenceId) tp.session = { id: session.attributes.ReferenceId, element: session, policy };
}

export function claimRefs(parent: XmlElement | undefined, name: string, policy: Policy): ClaimRef[] {
  const out: ClaimRef[] = [];
  for (const el of children(parent, name)) {
    const claim = el.attributes.ClaimTypeReferenceId;
    const control = el.attributes.DisplayControlReferenceId;
    const id = claim ?? control;
    if (id === undefined) continue;
    out.push({
      element: el,
      policy,
      id,
      key: id.toLowerCase(),
      partnerName: el.attributes.PartnerClaimType ?? id,
      defaultValue: el.attributes.DefaultValue,
      required: el.attributes.Required === 'true',
      displayControl: claim === undefined,
    });
  }
  return out;
}

function refs(parent: XmlElement | undefined, name: string, attr: string, policy: Policy): RefById[] {
  const out: RefById[] = [];
  for (const el of children(parent, name)) {
    const id = el.attributes[attr];
    if (id !== undefined) out.push({ id, element: el, policy });
  }
  return out;
}

/** Same claim id: the later layer replaces it in place; new ones append. */
function mergeClaims(into: ClaimRef[], add: ClaimRef[]): void {
  for (const c of add) {
    const i = into.findIndex((x) => x.key === c.key && x.displayControl === c.displayControl);
    if (i >= 0) into[i] = c;
    else into.push(c);
  }
}

function mergeRefs(into: RefById[], add: RefById[]): void {
  for (const r of add) {
    const key = r.id.toLowerCase();
    const i = into.findIndex((x) => x.id.length === key.length && x.id.toLowerCase() === key);
    if (i >= 0) into[i] = r;
    else into.push(r);
  }
}

export function handlerIs(tp: EffectiveTechnicalProfile, provider: string): boolean {
  return tp.protocol?.handler?.includes(provider) ?? false;
}

/**
 * The Protocol Handler a technical profile ends up with, found without merging: the most-derived layer
 * that declares a Protocol wins, else what it includes. Lets callers skip building the merged view of
 * profiles they do not care about.
 */
export function handlerOf(set: PolicySet, from: Policy, id: string, seen: Set<string> = new Set()): string | undefined {
  const key = id.toLowerCase();
  if (seen.has(key)) return undefined;
  seen.add(key);
  const layers = set.layers('TechnicalProfile', id, from);
  for (let i = layers.length - 1; i >= 0; i--) {
    const protocol = child(layers[i]!.element, 'Protocol');
    if (protocol) return protocol.attributes.Handler ?? '';
  }
  for (let i = layers.length - 1; i >= 0; i--) {
    for (const inc of children(layers[i]!.element, 'IncludeTechnicalProfile')) {
      const ref = inc.attributes.ReferenceId;
      const h = ref === undefined ? undefined : handlerOf(set, from, ref, seen);
      if (h !== undefined) return h;
    }
  }
  return undefined;
}
