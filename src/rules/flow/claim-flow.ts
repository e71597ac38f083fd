import type { EffectiveTechnicalProfile } from '../../policy/effective.js';
import { effectiveTechnicalProfile } from '../../policy/effective.js';
import type { Policy } from '../../policy/policy.js';
import type { PolicySet } from '../../policy/set.js';
import { isSelfAsserted, transformation } from '../../totp/azuremfa.js';
import { addTransformationOutputs, type FlowExchange, type FlowStep, policyNames } from '../../totp/flow.js';
import { child, children, textOf } from '../../xml/element.js';

/**
 * Shared model of the FLOW rules: which claims a step outputs as the upload validation counts them, and
 * when the linter cannot know. Journeys come from src/totp/flow.ts (each relying party's
 * DefaultUserJourney as it sees it, sub-journeys inlined, preconditions ignored). A step outputs its
 * exchanges' OutputClaims and claims transformation outputs; a GetClaims step its issuer profile's
 * outputs. A validation profile's outputs stay inside its page unless the page lists them too.
 */

/**
 * Memoizes a per-object computation. Flow steps and merged profiles are cached per policy set and
 * viewing policy, so the object alone identifies the answer; relying parties sharing a journey reuse it.
 */
function memo<K extends object, V>(compute: (set: PolicySet, from: Policy, key: K) => V): (set: PolicySet, from: Policy, key: K) => V {
  const cache = new WeakMap<K, V>();
  return (set, from, key) => {
    if (cache.has(key)) return cache.get(key)!;
    const value = compute(set, from, key);
    cache.set(key, value);
    return value;
  };
}

/** The exchanges of a step whose claims enter the bag (its ClaimsExchanges and a GetClaims issuer). */
export function producingExchanges(fs: FlowStep): FlowExchange[] {
  return fs.issuer ? [...fs.exchanges, fs.issuer] : fs.exchanges;
}

/**
 * True when the step refers to something no policy in the chain defines (a technical profile, an
 * included profile, a claims transformation, a session provider, a sub-journey): it could produce any
 * claim, so the FLOW rules stay quiet after it and leave the broken reference to the REF rules.
 */
export const isOpaque = memo((set: PolicySet, from: Policy, fs: FlowStep): boolean => {
  if (fs.unresolved) return true;
  return producingExchanges(fs).some((ex) => !ex.tp || profileIsOpaque(set, from, ex.tp));
});

export const profileIsOpaque = memo((set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): boolean => {
  if (tp.unresolvedIncludes.length > 0) return true;
  if ([...tp.inputClaimsTransformations, ...tp.outputClaimsTransformations].some((r) => !transformation(set, from, r.id))) return true;
  return !!tp.session && !effectiveTechnicalProfile(set, from, tp.session.id);
});

/**
 * Lower-cased claims a step outputs as the service counts them: each exchange's profile OutputClaims and
 * the outputs of its input and output claims transformations (an identity provider's output
 * transformations are the only producer of alternativeSecurityId in the starter packs, which upload).
 * Any one exchange of the step may run, so all count.
 */
export const stepOutputs = memo((set: PolicySet, from: Policy, fs: FlowStep): Set<string> => {
  const out = new Set<string>();
  for (const ex of producingExchanges(fs)) {
    if (!ex.tp) continue;
    for (const c of ex.tp.outputClaims) if (!c.displayControl) out.add(c.id.toLowerCase());
    addTransformationOutputs(set, from, [...ex.tp.inputClaimsTransformations, ...ex.tp.outputClaimsTransformations], out);
  }
  return out;
});

/**
 * Lower-cased claims the session providers of a step's exchanges restore when SSO skips them
 * (PersistedClaims and OutputClaims), with the provider's id. They are in the bag at run time, but the
 * service does not count them as a step's output on upload: with the Facebook exchange gone, a relying
 * party output identityProvider is rejected although the sign-in page's SM-AAD persists it (samples#629,
 * DeleteMyAccount over the starter pack; starterpack PR#33).
 */
export const stepRestores = memo((set: PolicySet, from: Policy, fs: FlowStep): Map<string, string> => {
  const out = new Map<string, string>();
  for (const ex of producingExchanges(fs)) {
    const session = ex.tp?.session && effectiveTechnicalProfile(set, from, ex.tp.session.id);
    if (!session) continue;
    for (const c of [...session.persistedClaims, ...session.outputClaims]) if (!out.has(c.id.toLowerCase())) out.set(c.id.toLowerCase(), session.id);
  }
  return out;
});

/** User input types that show a value without letting the user enter one. */
const DISPLAY_ONLY = new Set(['readonly', 'paragraph']);

/** The UserInputType of a claim type as seen from `from` (the nearest layer that states one). */
export function userInputType(set: PolicySet, from: Policy, id: string): string | undefined {
  const layers = set.layers('ClaimType', id, from);
  for (let i = layers.length - 1; i >= 0; i--) {
    const el = child(layers[i]!.element, 'UserInputType');
    if (el) return textOf(el).trim();
  }
  return undefined;
}

/**
 * Lower-cased claims a self-asserted page collects from the user itself: its OutputClaims and
 * DisplayClaims (and the DisplayClaims of the display controls it shows) whose claim type has a
 * UserInputType the user can type into. Empty for other profiles.
 */
export const claimsCollected = memo((set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): Set<string> => {
  const out = new Set<string>();
  if (!isSelfAsserted(tp)) return out;
  const shown: string[] = [];
  for (const c of [...tp.outputClaims, ...tp.displayClaims]) {
    if (!c.displayControl) {
      shown.push(c.id);
      continue;
    }
    const control = set.find('DisplayControl', c.id, from);
    for (const el of children(child(control?.element, 'DisplayClaims'), 'DisplayClaim')) {
      if (el.attributes.ClaimTypeReferenceId) shown.push(el.attributes.ClaimTypeReferenceId);
    }
  }
  for (const id of shown) {
    const type = userInputType(set, from, id);
    if (type !== undefined && type !== '' && !DISPLAY_ONLY.has(type.toLowerCase())) out.add(id.toLowerCase());
  }
  return out;
});

/** `relying party B2C_1A_x` or `relying parties B2C_1A_x, B2C_1A_y`. */
export function relyingPartyLabel(policies: Policy[]): string {
  return `${policies.length === 1 ? 'relying party' : 'relying parties'} ${policyNames(policies)}`;
}

/** `journey 'X'` or `sub-journey 'X'`. */
export function journeyLabel(fs: FlowStep): string {
  return `${fs.kind === 'SubJourney' ? 'sub-journey' : 'journey'} '${fs.journey}'`;
}
