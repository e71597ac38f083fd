import type { XmlElement } from '../xml/nodes.js';
import { claimRefs, type EffectiveTechnicalProfile, effectiveTechnicalProfile } from '../policy/effective.js';
import { effectiveJourney, journeysDefinedIn, misnumbered, type Step, stepAttribute, stepChild } from '../policy/journey.js';
import type { Policy } from '../policy/policy.js';
import { reachedJourneys } from '../policy/reach.js';
import type { PolicySet } from '../policy/set.js';
import { child, children, textOf } from '../xml/element.js';
import type { OperationCall } from './azuremfa.js';
import { operationsRun, transformation, transformationClaims, usesAzureMfa } from './azuremfa.js';
import { IDENTITY_PROVIDER_PROTOCOLS } from './catalogue.js';

/** One ClaimsExchange of a step, with its technical profile as the flow's policy sees it. */
export interface FlowExchange {
  element: XmlElement;
  policy: Policy;
  tpId: string;
  tp: EffectiveTechnicalProfile | undefined;
}

export interface FlowStep {
  step: Step;
  /** The (sub)journey the step belongs to. */
  journey: string;
  /** Whether `journey` is a UserJourney or a SubJourney. */
  kind: 'UserJourney' | 'SubJourney';
  exchanges: FlowExchange[];
  /**
   * A GetClaims step's CpimIssuerTechnicalProfileReferenceId profile (e.g. an id_token_hint reader): it
   * runs no exchange but puts the claims it outputs in the bag.
   */
  issuer?: FlowExchange | undefined;
  /** An InvokeSubJourney candidate that no policy in the chain defines: the step can do anything. */
  unresolved?: string | undefined;
}

/**
 * A journey's steps in order, with every InvokeSubJourney replaced by the steps of the sub-journeys it
 * calls (all candidates, in order; a candidate no policy defines stays as one `unresolved` step without
 * exchanges). Preconditions are ignored: a flow is every step that may run.
 */
export interface Flow {
  from: Policy;
  kind: 'UserJourney' | 'SubJourney';
  id: string;
  steps: FlowStep[];
  /** Some (sub)journey of the flow has Orders that do not run 1..N (JRN-001): the step order is not known. */
  misnumbered: boolean;
}

export function buildFlow(set: PolicySet, from: Policy, kind: 'UserJourney' | 'SubJourney', id: string): Flow | undefined {
  const journey = effectiveJourney(set, from, kind, id);
  if (!journey) return undefined;
  const steps: FlowStep[] = [];
  const state = { misnumbered: false };
  // Sub-journeys on the stack (cycle guard); a UserJourney may share its Id with a SubJourney it invokes.
  inline(set, from, kind, id, kind === 'SubJourney' ? [id.toLowerCase()] : [], steps, state);
  return { from, kind, id: journey.id, steps, misnumbered: state.misnumbered };
}

function inline(set: PolicySet, from: Policy, kind: 'UserJourney' | 'SubJourney', id: string, stack: string[], out: FlowStep[], state: { misnumbered: boolean }): void {
  const journey = effectiveJourney(set, from, kind, id);
  if (!journey) return;
  if (misnumbered(journey)) state.misnumbered = true;
  for (const step of journey.steps) {
    if (step.type === 'InvokeSubJourney') {
      for (const c of children(stepChild(step, 'JourneyList')?.element, 'Candidate')) {
        const sub = c.attributes.SubJourneyReferenceId;
        if (!sub || stack.includes(sub.toLowerCase())) continue;
        if (!effectiveJourney(set, from, 'SubJourney', sub)) {
          out.push({ step, journey: journey.id, kind, exchanges: [], unresolved: sub });
          continue;
        }
        inline(set, from, 'SubJourney', sub, [...stack, sub.toLowerCase()], out, state);
      }
      continue;
    }
    const exchanges = step.exchanges.flatMap((ex) => {
      const tpId = ex.element.attributes.TechnicalProfileReferenceId;
      return tpId ? [{ element: ex.element, policy: ex.policy, tpId, tp: effectiveTechnicalProfile(set, from, tpId) }] : [];
    });
    const issuerAttr = step.type === 'GetClaims' ? stepAttribute(step, 'CpimIssuerTechnicalProfileReferenceId') : undefined;
    const issuer = issuerAttr ? { element: issuerAttr.element, policy: issuerAttr.policy, tpId: issuerAttr.value, tp: effectiveTechnicalProfile(set, from, issuerAttr.value) } : undefined;
    out.push({ step, journey: journey.id, kind, exchanges, issuer });
  }
}

const defCache = new WeakMap<PolicySet, Flow[]>();

/** Every journey and sub-journey as seen from each policy that defines or overrides it. */
export function definitionFlows(set: PolicySet): Flow[] {
  const hit = defCache.get(set);
  if (hit) return hit;
  const out: Flow[] = [];
  for (const p of set.policies) {
    if (!set.isComplete(p)) continue;
    for (const j of journeysDefinedIn(p)) {
      const f = buildFlow(set, p, j.kind, j.id);
      if (f) out.push(f);
    }
  }
  defCache.set(set, out);
  return out;
}

export interface RelyingPartyFlow extends Flow {
  relyingParty: Policy;
  /** Claims the relying party's technical profile passes in (InputClaims): in the bag from the start. */
  initial: string[];
}

const rpCache = new WeakMap<PolicySet, RelyingPartyFlow[]>();

/** The DefaultUserJourney of every relying party whose chain is complete, as the relying party sees it. */
export function relyingPartyFlows(set: PolicySet): RelyingPartyFlow[] {
  const hit = rpCache.get(set);
  if (hit) return hit;
  const out: RelyingPartyFlow[] = [];
  for (const p of set.policies) {
    const ref = p.defaultUserJourney?.attributes.ReferenceId;
    if (!ref || !set.isComplete(p)) continue;
    const f = buildFlow(set, p, 'UserJourney', ref);
    if (!f) continue;
    const rpTp = child(p.relyingParty, 'TechnicalProfile');
    const initial = claimRefs(child(rpTp, 'InputClaims'), 'InputClaim', p).map((c) => c.id);
    out.push({ ...f, relyingParty: p, initial });
  }
  rpCache.set(set, out);
  return out;
}

/** Who put a claim in the bag. */
export interface Producer {
  tpId: string;
  /** A federated identity provider (OAuth/OIDC/SAML exchange): its UPN is not the directory's. */
  identityProvider: boolean;
}

const produced = new WeakMap<EffectiveTechnicalProfile, Set<string>>();

/** Lower-cased claim ids that running a technical profile as a step puts in the claim bag (memoized per merged profile). */
export function claimsProduced(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): Set<string> {
  const hit = produced.get(tp);
  if (hit) return hit;
  const out = new Set<string>();
  produced.set(tp, out);
  for (const c of tp.outputClaims) if (!c.displayControl) out.add(c.id.toLowerCase());
  addTransformationOutputs(set, from, [...tp.inputClaimsTransformations, ...tp.outputClaimsTransformations], out);
  // When SSO skips the profile, its session provider restores the claims it persisted.
  const session = tp.session && effectiveTechnicalProfile(set, from, tp.session.id);
  if (session) for (const c of [...session.persistedClaims, ...session.outputClaims]) out.add(c.id.toLowerCase());
  return out;
}

export function addTransformationOutputs(set: PolicySet, from: Policy, refs: Array<{ id: string }>, into: Set<string>): void {
  for (const r of refs) {
    const ct = transformation(set, from, r.id);
    if (ct) for (const o of transformationClaims(ct.element, 'OutputClaims')) into.add(o.claim.toLowerCase());
  }
}

export function isIdentityProvider(tp: EffectiveTechnicalProfile): boolean {
  return IDENTITY_PROVIDER_PROTOCOLS.includes(tp.protocol?.name ?? '');
}

/**
 * Claims available inside a self-asserted step when one of its AzureMfa calls runs: the page's own
 * claims and transformations, and what the validation profiles before it returned. Generous on
 * purpose: only claims missing from everything may be reported.
 */
export function availableInside(set: PolicySet, from: Policy, owner: EffectiveTechnicalProfile, call: OperationCall): Set<string> {
  const out = new Set<string>();
  for (const c of owner.outputClaims) out.add(c.id.toLowerCase());
  for (const c of owner.inputClaims) if (c.defaultValue !== undefined) out.add(c.id.toLowerCase());
  addTransformationOutputs(set, from, owner.inputClaimsTransformations, out);
  const before: string[] = [];
  if (call.via === 'validation') {
    for (const v of owner.validationTechnicalProfiles) {
      if (v.element === call.element) break;
      before.push(v.id);
    }
  } else if (call.via === 'display-control' && call.displayControl) {
    const control = set.find('DisplayControl', call.displayControl, from);
    for (const section of ['InputClaims', 'DisplayClaims', 'OutputClaims'] as const) {
      for (const el of children(child(control?.element, section), section.slice(0, -1))) {
        const id = el.attributes.ClaimTypeReferenceId;
        if (id) out.add(id.toLowerCase());
      }
    }
    for (const action of children(child(control?.element, 'Actions'), 'Action')) {
      for (const ref of children(child(action, 'ValidationClaimsExchange'), 'ValidationClaimsExchangeTechnicalProfile')) {
        if (ref === call.element) break;
        if (ref.attributes.TechnicalProfileReferenceId) before.push(ref.attributes.TechnicalProfileReferenceId);
      }
    }
  }
  for (const id of before) {
    const v = effectiveTechnicalProfile(set, from, id);
    if (!v) continue;
    for (const c of v.outputClaims) out.add(c.id.toLowerCase());
    addTransformationOutputs(set, from, [...v.inputClaimsTransformations, ...v.outputClaimsTransformations], out);
  }
  return out;
}

/** A claim some exchange needs before it runs. */
export interface Need<T> {
  /** The claim (ClaimTypeReferenceId) that must be in the bag. */
  claim: string;
  /** Claims produced inside the step before the need arises. */
  inside: Set<string>;
  /** Distinguishes needs of one exchange (for de-duplication across relying parties). */
  key: string;
  data: T;
}

export interface UnmetNeed<T> {
  exchange: FlowExchange;
  need: Need<T>;
  /** `missing`: no earlier step produces it in these relying parties' journeys. `identity-provider`: only an IdP exchange does. */
  status: 'missing' | 'identity-provider';
  relyingParties: Policy[];
  /** For `identity-provider`: the IdP technical profiles that produce it. */
  producers: string[];
}

/**
 * Walks every relying party's journey and asks `needsOf` what each exchange needs; returns the needs no
 * earlier step can satisfy on any path, once per exchange and need.
 */
export function unmetNeeds<T>(set: PolicySet, needsOf: (from: Policy, exchange: FlowExchange) => Array<Need<T>>): Array<UnmetNeed<T>> {
  const found = new Map<string, UnmetNeed<T>>();
  const ids = new WeakMap<XmlElement, number>();
  let next = 0;
  const idOf = (el: XmlElement) => {
    let n = ids.get(el);
    if (n === undefined) ids.set(el, (n = next++));
    return n;
  };
  for (const flow of relyingPartyFlows(set)) {
    const bag = new Map<string, Producer[]>();
    const add = (claim: string, producer: Producer) => {
      const list = bag.get(claim);
      if (list) list.push(producer);
      else bag.set(claim, [producer]);
    };
    for (const c of flow.initial) add(c.toLowerCase(), { tpId: 'RelyingParty', identityProvider: false });
    for (const fs of flow.steps) {
      for (const ex of fs.exchanges) {
        for (const need of needsOf(flow.from, ex)) {
          const claim = need.claim.toLowerCase();
          if (need.inside.has(claim)) continue;
          const producers = bag.get(claim) ?? [];
          if (producers.length > 0 && producers.some((p) => !p.identityProvider)) continue;
          const status = producers.length === 0 ? 'missing' : 'identity-provider';
          const key = `${idOf(ex.element)}\0${need.key}`;
          const prev = found.get(key);
          if (!prev) {
            found.set(key, { exchange: ex, need, status, relyingParties: [flow.relyingParty], producers: [...new Set(producers.map((p) => p.tpId))] });
          } else if (prev.status === status) {
            if (!prev.relyingParties.includes(flow.relyingParty)) prev.relyingParties.push(flow.relyingParty);
          } else if (status === 'missing') {
            found.set(key, { exchange: ex, need, status, relyingParties: [flow.relyingParty], producers: [] });
          }
        }
      }
      for (const ex of fs.issuer ? [...fs.exchanges, fs.issuer] : fs.exchanges) {
        if (!ex.tp) continue;
        const idp = isIdentityProvider(ex.tp);
        for (const c of claimsProduced(set, flow.from, ex.tp)) add(c, { tpId: ex.tp.id, identityProvider: idp });
      }
    }
  }
  return [...found.values()];
}

/** Policy ids for messages: `B2C_1A_a, B2C_1A_b`. */
export function policyNames(policies: Policy[]): string {
  return policies.map((p) => p.policyId ?? p.path).join(', ');
}

/** An AzureMfa call that lacks its partner operation in the same (sub)journey. */
export interface UnpairedCall {
  exchange: FlowExchange;
  call: OperationCall;
  /** The (sub)journey the exchange's step belongs to. */
  journey: string;
}

/**
 * Calls of `operation` with no `partner` call `where` them (earlier or later) in the same (sub)journey:
 * either in the same exchange (validation profiles run in list order) or in another step of that
 * (sub)journey, the sub-journeys it invokes inlined. Each step is judged in its own journey as each
 * policy defining that journey sees it; a call is reported only when no such view pairs it, and only in
 * journeys some relying party of the set runs (src/policy/reach.ts).
 */
export function unpairedCalls(
  set: PolicySet,
  operation: string,
  partner: string,
  where: 'before' | 'after',
  callsOf: (from: Policy, tp: EffectiveTechnicalProfile) => OperationCall[],
): UnpairedCall[] {
  if (!usesAzureMfa(set)) return []; // only AzureMfa operations pair up
  const state = new Map<XmlElement, Map<XmlElement | undefined, { paired: boolean; hit: UnpairedCall }>>();
  // Only journeys a relying party runs: an unpaired call in a journey nothing runs never fails.
  const run = reachedJourneys(set);
  for (const flow of definitionFlows(set)) {
    if (!run.has(`${flow.kind}:${flow.id.toLowerCase()}`)) continue;
    const perStep = flow.steps.map((fs) => fs.exchanges.map((ex) => (ex.tp ? callsOf(flow.from, ex.tp) : [])));
    const stepHas = (i: number) => perStep[i]!.some((calls) => calls.some((c) => c.operation === partner));
    flow.steps.forEach((fs, i) => {
      fs.exchanges.forEach((ex, e) => {
        if (fs.journey.toLowerCase() !== flow.id.toLowerCase()) return;
        const calls = perStep[i]![e]!;
        calls.forEach((call, k) => {
          if (call.operation !== operation) return;
          const local = where === 'before' ? calls.slice(0, k) : calls.slice(k + 1);
          const steps = where === 'before' ? [...Array(i).keys()] : [...Array(flow.steps.length).keys()].slice(i + 1);
          const paired = local.some((c) => c.operation === partner) || steps.some(stepHas);
          let byCall = state.get(ex.element);
          if (!byCall) state.set(ex.element, (byCall = new Map()));
          const prev = byCall.get(call.element);
          if (prev) prev.paired ||= paired;
          else byCall.set(call.element, { paired, hit: { exchange: ex, call, journey: fs.journey } });
        });
      });
    });
  }
  return [...state.values()].flatMap((m) => [...m.values()].filter((s) => !s.paired).map((s) => s.hit));
}

/** Verifies an authenticator-app code, whatever its ids: an AzureMfa VerifyOTP call, itself or in its validations or display controls. */
export function verifiesAuthenticatorCode(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): boolean {
  return operationsRun(set, from, tp).some((c) => c.operation === 'VerifyOTP');
}

/**
 * A SendClaims step that issues no token to a signed-in user (upload-semantics.md §2): its issuer
 * returns an OAuth2 error, or a precondition guards it and another SendClaims follows (an error or block
 * page). `later` holds the steps after it in the same flow.
 */
export function errorOnlySendClaims(set: PolicySet, from: Policy, step: Step, later: readonly Step[]): boolean {
  const issuerId = step.element.attributes.CpimIssuerTechnicalProfileReferenceId;
  const issuer = issuerId ? set.find('TechnicalProfile', issuerId, from) : undefined;
  if (issuer && /OAuth2Error/i.test(textOf(child(issuer.element, 'OutputTokenFormat')))) return true;
  return !!child(step.element, 'Preconditions') && later.some((s) => s.type === 'SendClaims');
}
