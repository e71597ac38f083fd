import type { XmlElement } from '../xml/nodes.js';
import { child, children } from '../xml/element.js';
import { type EffectiveTechnicalProfile, effectiveTechnicalProfile, type Located } from './effective.js';
import { effectiveJourney, stepAttribute, stepChild } from './journey.js';
import type { Policy } from './policy.js';
import type { PolicySet } from './set.js';

/** A technical profile a relying party's journey can run, merged as the relying party sees it. */
export interface ReachedProfile {
  tp: EffectiveTechnicalProfile;
  /** The reference that first reached it (a ClaimsExchange, a ValidationTechnicalProfile, …). */
  via: Located;
  /** What runs it: a step's claims exchange, a step's or journey's issuer, or from inside another profile. */
  how: 'exchange' | 'issuer' | 'validation' | 'display-control' | 'session';
  /** How the journey gets there, for messages: `step 2 of journey 'SignUpOrSignIn' → validation profile of 'X'`. */
  path: string;
}

export interface RelyingPartyReach {
  rp: Policy;
  /** The DefaultUserJourney element: where findings about the relying party's upload point. */
  at: XmlElement;
  journey: string;
  /** Keyed by lower-cased Id, in the order the walk reached them. */
  profiles: Map<string, ReachedProfile>;
  /** Technical profile or sub-journey ids referenced on the way that no policy of the chain defines. */
  unresolved: string[];
  /**
   * Lower-cased content definitions the journeys show: each step's ContentDefinitionReferenceId and the
   * metadata ContentDefinitionReferenceId of the profiles reached.
   */
  contentDefinitions: Set<string>;
  /** The journeys walked, as `UserJourney:id` / `SubJourney:id` with the id lower-cased. */
  journeys: Set<string>;
}

const cache = new WeakMap<PolicySet, RelyingPartyReach[]>();

/**
 * For every relying party whose chain is complete, the technical profiles its journeys can reach: the
 * DefaultUserJourney and the RelyingParty's Endpoint journeys, every step (preconditions ignored), the
 * sub-journeys their InvokeSubJourney steps call, and from each profile run its validation technical
 * profiles, the technical profiles of the display controls it shows (their actions' validation claims
 * exchanges) and its session-management profile. Issuer profiles (CpimIssuerTechnicalProfileReferenceId on a
 * step, DefaultCpimIssuerTechnicalProfileReferenceId on the journey) count. Each profile is the merged view
 * from the relying party (its whole chain; IncludeTechnicalProfile content is part of the merged profile).
 *
 * This is what the service checks when it uploads the relying party: checks that only run then (the
 * b2c-extensions-app ids, empty client_id, metadata ContentDefinitionReferenceId; upload-semantics.md §1)
 * are made over these profiles and nothing else.
 */
export function relyingPartyReach(set: PolicySet): RelyingPartyReach[] {
  const hit = cache.get(set);
  if (hit) return hit;
  const out: RelyingPartyReach[] = [];
  for (const rp of set.policies) {
    const at = rp.defaultUserJourney;
    const start = at?.attributes.ReferenceId;
    if (!at || !start || !set.isComplete(rp)) continue;
    out.push(walk(set, rp, at, start));
  }
  cache.set(set, out);
  return out;
}

/** `UserJourney:id` / `SubJourney:id` (id lower-cased) of the journeys some relying party of the set runs. */
export function reachedJourneys(set: PolicySet): Set<string> {
  const out = new Set<string>();
  for (const r of relyingPartyReach(set)) for (const k of r.journeys) out.add(k);
  return out;
}

/** Lower-cased ids of the technical profiles some relying party of the set reaches. */
export function reachedProfileIds(set: PolicySet): Set<string> {
  const out = new Set<string>();
  for (const r of relyingPartyReach(set)) for (const k of r.profiles.keys()) out.add(k);
  return out;
}

function walk(set: PolicySet, rp: Policy, at: XmlElement, start: string): RelyingPartyReach {
  const r: RelyingPartyReach = { rp, at, journey: start, profiles: new Map(), unresolved: [], contentDefinitions: new Set(), journeys: new Set() };
  const queue: string[] = [];
  const reach = (id: string | undefined, via: Located, path: string, how: ReachedProfile['how']) => {
    if (!id) return;
    const key = id.toLowerCase();
    if (r.profiles.has(key)) return;
    const tp = effectiveTechnicalProfile(set, rp, id);
    if (!tp) {
      if (!r.unresolved.includes(id)) r.unresolved.push(id);
      return;
    }
    r.profiles.set(key, { tp, via, path, how });
    queue.push(key);
  };
  const journey = (kind: 'UserJourney' | 'SubJourney', id: string) => {
    const key = `${kind}:${id.toLowerCase()}`;
    if (r.journeys.has(key)) return;
    r.journeys.add(key);
    const j = effectiveJourney(set, rp, kind, id);
    if (!j) {
      r.unresolved.push(id);
      return;
    }
    const label = `${kind === 'SubJourney' ? 'sub-journey' : 'journey'} '${j.id}'`;
    for (const l of j.layers) reach(l.element.attributes.DefaultCpimIssuerTechnicalProfileReferenceId, l, `issuer of ${label}`, 'issuer');
    for (const step of j.steps) {
      const where = `step ${step.order} of ${label}`;
      const cd = stepAttribute(step, 'ContentDefinitionReferenceId')?.value;
      if (cd) r.contentDefinitions.add(cd.toLowerCase());
      for (const ex of step.exchanges) reach(ex.element.attributes.TechnicalProfileReferenceId, ex, where, 'exchange');
      const issuer = stepAttribute(step, 'CpimIssuerTechnicalProfileReferenceId');
      if (issuer) reach(issuer.value, issuer, where, 'issuer');
      for (const c of children(stepChild(step, 'JourneyList')?.element, 'Candidate')) {
        const sub = c.attributes.SubJourneyReferenceId;
        if (sub) journey('SubJourney', sub);
      }
    }
  };
  journey('UserJourney', start);
  for (const e of children(child(rp.relyingParty, 'Endpoints'), 'Endpoint')) {
    const id = e.attributes.UserJourneyReferenceId;
    if (id) journey('UserJourney', id);
  }
  // Breadth first: each profile's path is the shortest way the journey gets to it.
  for (let i = 0; i < queue.length; i++) {
    const from = r.profiles.get(queue[i]!)!;
    const tp = from.tp;
    const path = (what: string) => `${from.path} → ${what} of '${tp.id}'`;
    const cd = tp.metadata.get('ContentDefinitionReferenceId')?.value;
    if (cd) r.contentDefinitions.add(cd.toLowerCase());
    for (const v of tp.validationTechnicalProfiles) reach(v.id, v, path('validation profile'), 'validation');
    if (tp.session) reach(tp.session.id, tp.session, path('session profile'), 'session');
    for (const c of tp.displayClaims) {
      if (!c.displayControl) continue;
      const control = set.find('DisplayControl', c.id, rp);
      for (const action of children(child(control?.element, 'Actions'), 'Action')) {
        for (const ref of children(child(action, 'ValidationClaimsExchange'), 'ValidationClaimsExchangeTechnicalProfile')) {
          reach(ref.attributes.TechnicalProfileReferenceId, { element: ref, policy: control!.policy }, path(`display control '${c.id}'`), 'display-control');
        }
      }
    }
  }
  return r;
}
