import path from 'node:path';
import { XmlElement } from '../xml/nodes.js';
import { type ClaimRef, type EffectiveTechnicalProfile, effectiveTechnicalProfile, handlerIs } from '../policy/effective.js';
import { claimsExchanges, effectiveJourney, type EffectiveJourney, type Step, stepAttribute, stepChild } from '../policy/journey.js';
import { buildFlow, claimsProduced, errorOnlySendClaims, verifiesAuthenticatorCode } from './flow.js';
import { operationsRun } from './azuremfa.js';
import { type DefKind, Policy } from '../policy/policy.js';
import { childOrder } from '../policy/schema-order.js';
import { PolicySet, tenantPolicyKey } from '../policy/set.js';
import { attributeSpans, child, children, textOf, textSpan } from '../xml/element.js';
import { type Edit, type TextStyle, appendChildren, applyEdits, detectStyle, escapeXml, indentOfLine, insertAfter, reindent, xml } from '../xml/edit.js';
import { fileText, parseXmlText } from '../xml/read.js';
import { policyFromBytes } from '../policy/load.js';
import type { Diagnostic } from '../report/diagnostic.js';
import { runRules } from '../rules/engine.js';
import { RULES } from '../rules/index.js';
import { PROVIDER_CLASS, type PageVersion, SELFASSERTED_PAGE, TOTP_IDENTIFIER_SOURCES } from './catalogue.js';
import * as gen from './generate.js';

/** Marks files `inject` wrote in layer mode, so a second run recognises them. */
export const GENERATED_MARKER = 'b2c-totp generated';

export interface InjectOptions {
  mode: 'layer' | 'inline';
  /** UserJourney Ids to protect; default: every relying party's journey that signs a user in. */
  journeys?: string[];
  /** Extra claims to use as totpIdentifier sources, highest priority first. */
  identifiers?: string[];
  issuer: string;
  pageVersion?: PageVersion;
  /** Layer mode: rewrite files an earlier run generated even when they would change. */
  regenerate?: boolean;
  /** The TOTP journey drops the phone-MFA steps (and the steps that only save what they collected). */
  replacePhone?: boolean;
}

export interface FileChange {
  /** Display path (relative to the working folder). */
  path: string;
  absPath: string;
  /** undefined for a new file. */
  before: string | undefined;
  after: string;
}

export interface ProtectedJourney {
  relyingParty: Policy;
  journeyId: string;
  copyId: string;
  /** Order (in the original journey) of the step TOTP is inserted before. */
  beforeOrder: number;
  beforeWhat: string;
}

/** What inject did, or would do, for one relying party of the set. */
export interface RelyingPartyOutcome {
  path: string;
  policyId: string | undefined;
  journey: string | undefined;
  status: 'protected' | 'already-protected' | 'skipped';
  /** One line, for skipped: why, and what would make it work. */
  reason?: string;
  /** The RP's journey signs a directory user in. */
  signIn: boolean;
}

export interface InjectPlan {
  mode: 'layer' | 'inline';
  changes: FileChange[];
  protected: ProtectedJourney[];
  alreadyProtected: string[];
  /** Every relying party of the set (generated copies excepted), in file order. */
  relyingParties: RelyingPartyOutcome[];
  identifiers: string[];
  upnOverrides: string[];
  notes: string[];
  /** Reasons the whole run cannot go ahead (bad options, an edited generated file); when non-empty, `changes` is empty. */
  problems: string[];
  /**
   * Generated names (PolicyIds, journey ids, file paths) → the user's names they copy: an error in a
   * generated file that reads the same with these replaced is the input's error, copied.
   */
  generatedFrom: Record<string, string>;
}

/** A problem located in a file: one line, file:line:column first. */
function at(p: Policy, offset: number, message: string): string {
  const pos = p.source.lines.position(offset);
  return `${p.path}:${pos.line}:${pos.column}: ${message}`;
}

/** A file an earlier `inject` wrote (layer mode): it carries the marker near its top. */
export function isGenerated(p: Policy): boolean {
  return p.text.slice(0, 600).includes(GENERATED_MARKER);
}

const TOTP_SUB_JOURNEY_IDS = new Set(['totpfactor-input', 'totpfactor-verify']);

/** Words in the skip reasons that are not failures even with --strict: nothing there to protect, or not picked. */
export const NOT_A_SIGN_IN = 'never reads or writes a directory user';
export const NOT_SELECTED = 'is not one of the --journey values';

/** A relying party inject will protect, with what the analysis found. */
interface Target {
  rp: Policy;
  parent: Policy;
  journey: EffectiveJourney;
  outcome: RelyingPartyOutcome;
  /** Index (in journey.steps) of the step TOTP goes before. */
  insertAt: number;
  /** Indexes of steps the TOTP copy leaves out (--replace-phone). */
  drop: number[];
  /** The journey is defined (in whole or part) in the relying-party file. */
  inRp: boolean;
  /** ... wholly: inline mode edits it in place. Partly (the RP overrides some steps of a base journey): inline mode adds a whole copy beside it. */
  wholeInRp: boolean;
  /** A policy with no base: the relying party holds everything, and TOTP goes into it (layer mode: into a copy of it). */
  single: boolean;
  /** Claims the steps before TOTP produce: totpIdentifier candidates. */
  produced: Set<string>;
  /** Profiles that need a userPrincipalName output. */
  upn: Set<string>;
  /** Set while building: the journey copy it uses, and (layer mode) the display path of its relying-party copy. */
  copy?: JourneyCopy;
  copyPath?: string;
}

/** Plans the injection. Pure: reads the set, returns file contents; the caller writes them. */
export function planInjection(fullSet: PolicySet, opts: InjectOptions): InjectPlan {
  const plan: InjectPlan = { mode: opts.mode, changes: [], protected: [], alreadyProtected: [], relyingParties: [], identifiers: [], upnOverrides: [], notes: [], problems: [], generatedFrom: {} };

  // Files we generated earlier are set aside: the plan is computed from the user's own files.
  const generated = fullSet.policies.filter(isGenerated);
  const set = generated.length ? new PolicySet(fullSet.policies.filter((p) => !isGenerated(p)), fullSet.broken, fullSet.deployed, { borrowed: fullSet.borrowed }) : fullSet;

  // Files that do not parse: a relying party among them is skipped; the others only matter to chains.
  for (const b of set.broken) {
    const pos = b.lines.position(b.problem.start);
    const where = `${b.path}:${pos.line}:${pos.column}`;
    if (/<RelyingParty[\s>]/.test(b.text)) {
      plan.relyingParties.push({ path: b.path, policyId: /PolicyId\s*=\s*"([^"]*)"/.exec(b.text)?.[1], journey: undefined, status: 'skipped', reason: `${where}: ${b.problem.message} (the file cannot upload; fix it)`, signIn: false });
    } else if (b.problem.kind !== 'not-a-policy') {
      plan.notes.push(`${where}: ${b.problem.message} (not used)`);
    }
  }
  const wanted = opts.journeys?.map((j) => j.toLowerCase());
  if (wanted) {
    for (const j of opts.journeys!) {
      const known = set.policies.some((rp) => (rp.defaultUserJourney?.attributes.ReferenceId ?? '').toLowerCase() === j.toLowerCase());
      if (!known) plan.problems.push(`--journey ${j}: no relying party in the set uses this journey as its DefaultUserJourney.`);
    }
  }
  if (plan.problems.length) return plan;

  const targets: Target[] = [];
  // Relying parties of this set; bases borrowed from another set's folder are that set's business.
  for (const rp of set.policies.filter((p) => p.relyingParty && !set.borrowed.has(p))) {
    const outcome: RelyingPartyOutcome = { path: rp.path, policyId: rp.policyId, journey: undefined, status: 'skipped', signIn: false };
    plan.relyingParties.push(outcome);
    const t = analyse(set, rp, outcome, wanted, opts);
    if (t === 'already') {
      outcome.status = 'already-protected';
      plan.alreadyProtected.push(`${rp.path} (${outcome.journey})`);
    } else if (typeof t === 'string') outcome.reason = t;
    else targets.push(t);
  }

  // Build; a relying party whose result would not lint clean is skipped, and the others are built again.
  let active = targets;
  let built = build(set, fullSet, active, opts);
  for (let round = 0; built.problems.length === 0 && built.failures.size && round < targets.length + 1; round++) {
    const shared = built.failures.get(undefined);
    if (shared && active.length > 1) {
      // An error in a shared file: keep the relying parties one by one while the result stays clean.
      const kept: Target[] = [];
      for (const t of active) {
        const trial = build(set, fullSet, [...kept, t], opts);
        const f = trial.failures.get(t.rp) ?? trial.failures.get(undefined);
        if (trial.problems.length === 0 && !f) kept.push(t);
        else skip(t, f ?? trial.problems[0]!);
      }
      active = kept;
    } else {
      for (const t of active) {
        const f = built.failures.get(t.rp) ?? shared;
        if (f) skip(t, f);
      }
      active = active.filter((t) => !built.failures.has(t.rp) && !shared);
    }
    built = build(set, fullSet, active, opts);
  }
  if (built.problems.length) {
    plan.problems.push(...built.problems);
    return plan;
  }
  if (built.failures.size) {
    // Still not clean after every round: nothing is written for these relying parties.
    for (const t of active) skip(t, built.failures.get(t.rp) ?? built.failures.values().next().value!);
    active = [];
    built = build(set, fullSet, active, opts);
  }
  for (const t of active) t.outcome.status = 'protected';
  plan.changes = built.changes.filter((c) => c.before !== c.after); // unchanged files are not changes (a second run is a no-op)
  plan.protected = built.protected;
  plan.identifiers = built.identifiers;
  plan.upnOverrides = built.upnOverrides;
  plan.notes.push(...built.notes);
  plan.generatedFrom = Object.fromEntries(built.renamed);
  plan.problems.push(...built.generatedEdited);
  if (plan.problems.length) plan.changes = [];
  if (plan.changes.length === 0 && plan.problems.length === 0 && (plan.protected.length || plan.alreadyProtected.length)) {
    plan.notes = ['TOTP is already present: nothing to change.'];
  }
  const signIn = plan.relyingParties.filter((r) => r.signIn);
  if (plan.relyingParties.length === 0) plan.notes.push('No relying-party policy (a file with <RelyingParty>) in the set: nothing to protect.');
  else if (signIn.length === 0 && plan.relyingParties.every((r) => r.reason?.includes(NOT_A_SIGN_IN))) plan.notes.push('No relying party has a journey that signs a directory user in: nothing to protect.');
  return plan;
}

function skip(t: Target, reason: string): void {
  t.outcome.status = 'skipped';
  t.outcome.reason = reason;
}

/** Why a relying party is skipped (a string), that it is already protected, or what protecting it takes. */
function analyse(set: PolicySet, rp: Policy, outcome: RelyingPartyOutcome, wanted: string[] | undefined, opts: InjectOptions): Target | 'already' | string {
  const ref = rp.defaultUserJourney?.attributes.ReferenceId;
  if (!rp.defaultUserJourney || !ref) return at(rp, (rp.relyingParty ?? rp.root).start, 'the relying party has no DefaultUserJourney, so it cannot upload; add one.');
  outcome.journey = ref;
  const status = set.chainStatus(rp);
  if (status.kind !== 'complete') {
    const base = 'policy' in status ? status.policy.base?.policyId : undefined;
    const what = {
      'missing-base': `base policy ${base} is not in the set; add its file to the input`,
      'deployed-base': `base policy ${base} is only in the tenant; add its file to the input`,
      'ambiguous-base': `more than one file has PolicyId ${base}; give inject one set at a time`,
      cycle: 'its BasePolicy chain loops; fix the BasePolicy ids',
      'too-deep': 'its BasePolicy chain is deeper than the service allows; shorten it',
    }[status.kind];
    return at(rp, rp.root.start, `the BasePolicy chain of ${rp.policyId} is not complete: ${what}.`);
  }
  const journey = effectiveJourney(set, rp, 'UserJourney', ref);
  if (!journey) return at(rp, rp.defaultUserJourney.start, `DefaultUserJourney '${ref}' does not exist in the chain, so the relying party cannot upload; fix the ReferenceId.`);
  outcome.journey = journey.id;
  const groups = journey.steps.map((s) => stepGroup(set, rp, s));
  outcome.signIn = groups.some((g) => g.some((tp) => isDirectory(tp) || validationProfiles(set, rp, tp).some(isDirectory)));
  if (groups.some((g) => g.some((tp) => verifiesCode(set, rp, tp))) || journey.steps.some((s) => invokedSubJourneys(s).some((c) => TOTP_SUB_JOURNEY_IDS.has(c.toLowerCase())))) return 'already';
  const selected = wanted ? wanted.includes(journey.id.toLowerCase()) : outcome.signIn;
  if (!selected) {
    return wanted
      ? `journey '${journey.id}' ${NOT_SELECTED}.`
      : `journey '${journey.id}' ${NOT_A_SIGN_IN} (no objectId or userPrincipalName for TOTP), so there is no sign-in to protect; name it with --journey if it does sign users in.`;
  }
  const inRp = journey.layers.some((l) => l.policy === rp);
  // A policy with no base holds its whole journey; TOTP goes into the file itself (layer mode: a copy).
  const parent = rp.base ? set.parent(rp) : rp;
  if (!parent) return at(rp, rp.root.start, `${rp.policyId} has no base policy in the set; add its file to the input.`);
  if (opts.mode === 'inline' && set.borrowed.has(parent)) {
    return at(rp, rp.base!.element.start, `its base ${parent.policyId} (${parent.path}) is shared with another policy set; inline mode would change it for both, so use layer mode.`);
  }
  const placed = insertionIndex(set, rp, journey, groups, opts.replacePhone ?? false);
  if (typeof placed === 'string') return at(rp, rp.defaultUserJourney.start, placed);
  const produced = new Set<string>();
  const upn = new Set<string>();
  for (let i = 0; i < placed.insertAt; i++) {
    if (placed.drop.includes(i)) continue;
    for (const tp of groups[i]!) {
      for (const c of claimsProduced(set, rp, tp)) produced.add(c);
      for (const v of validationProfiles(set, rp, tp)) for (const c of v.outputClaims) produced.add(c.id.toLowerCase());
      for (const id of upnOverridesFor(set, rp, tp)) upn.add(id);
    }
  }
  return { rp, parent, journey, outcome, insertAt: placed.insertAt, drop: placed.drop, inRp, wholeInRp: inRp && journey.layers.every((l) => l.policy === rp), single: parent === rp, produced, upn };
}

// ---------------------------------------------------------------------------------------------
// Building the files for a list of targets; failures are lint errors of the result, per relying party
// ---------------------------------------------------------------------------------------------

interface Built {
  changes: FileChange[];
  protected: ProtectedJourney[];
  identifiers: string[];
  upnOverrides: string[];
  notes: string[];
  /** Fatal: bad options. */
  problems: string[];
  /** Generated files that were edited since (fatal unless --regenerate). */
  generatedEdited: string[];
  /** First new lint error per relying party (undefined key: in a file several share). */
  failures: Map<Policy | undefined, string>;
  renamed: Map<string, string>;
}

function build(set: PolicySet, fullSet: PolicySet, targets: Target[], opts: InjectOptions): Built {
  /** Generated name → the user's name it stands for, to tell copied errors from new ones. */
  const renamed = new Map<string, string>();
  const out: Built = { changes: [], protected: [], identifiers: [], upnOverrides: [], notes: [], problems: [], generatedEdited: [], failures: new Map(), renamed };
  if (targets.length === 0) return out;
  const pageVersion = opts.pageVersion ?? SELFASSERTED_PAGE.latestKnown;
  const names = new Names(set);
  /** Files → the relying parties they serve. */
  const owners = new Map<string, Policy[]>();

  // One layer (or one inline target) per policy the relying parties inherit from.
  const groups = new Map<Policy, Target[]>();
  for (const t of targets) groups.set(t.parent, [...(groups.get(t.parent) ?? []), t]);
  for (const [parent, list] of groups) {
    const identifierClaims = new Set<string>();
    const upn = new Set<string>();
    const copies: JourneyCopy[] = [];
    for (const t of list) {
      // Relying parties that share a base journey share its copy; a journey in an RP file gets its own.
      let copy = t.inRp ? undefined : copies.find((c) => !c.target.inRp && c.journey.id.toLowerCase() === t.journey.id.toLowerCase() && sameDrop(c.target, t));
      if (!copy) {
        const id = (t.wholeInRp && opts.mode === 'inline') || t.single ? t.journey.id : names.journey(t.journey.id);
        copy = { id, journey: t.journey, target: t, steps: copiedSteps(t.journey, t.insertAt, t.drop) };
        copies.push(copy);
        renamed.set(id, t.journey.id);
        const phone = t.journey.steps.filter((_, i) => isPhoneStep(set, t.rp, t.journey.steps[i]!));
        if (phone.length && !opts.replacePhone) {
          out.notes.push(`Journey '${t.journey.id}' already runs phone MFA (step ${phone.map((s) => s.order).join(', ')}); TOTP is added before it, so users get both. Run with --replace-phone to leave the phone steps out of ${id}.`);
        } else if (t.drop.length) {
          out.notes.push(`--replace-phone: ${id} leaves out step ${t.drop.map((i) => t.journey.steps[i]!.order).join(', ')} of '${t.journey.id}' (phone MFA and what only saves its result).`);
        }
        for (const c of t.produced) identifierClaims.add(c);
        for (const id of t.upn) upn.add(id);
      }
      t.copy = copy;
      const before = t.journey.steps[t.insertAt]!;
      out.protected.push({ relyingParty: t.rp, journeyId: t.journey.id, copyId: copy.id, beforeOrder: before.order, beforeWhat: describeStep(before) });
    }

    const identifiers = chooseIdentifiers(set, parent, identifierClaims, opts.identifiers ?? [], out);
    if (out.problems.length) return out;
    out.identifiers = [...new Set([...out.identifiers, ...identifiers.map((i) => i.claim)])];
    // Only profiles the layer can see get a UPN override (a profile defined in the RP file is the RP's own).
    const groupUpn = [...upn].filter((id) => !!set.find('TechnicalProfile', id, parent)).sort();
    out.upnOverrides = [...new Set([...out.upnOverrides, ...groupUpn])].sort();
    const genOpts: gen.GenerateOptions = { issuer: opts.issuer, pageVersion, identifiers };
    const conflicts: string[] = [];
    const blocks = buildingBlocks(set, parent, list, genOpts, groupUpn, conflicts);
    if (conflicts.length) {
      for (const t of list) out.failures.set(t.rp, conflicts[0]!);
      continue;
    }
    const before = out.changes.length;
    if (parent === list[0]!.rp && list[0]!.single) singleFile(set, fullSet, list[0]!, blocks, copies, groupUpn, out, opts, names, renamed);
    else if (opts.mode === 'layer') layerFiles(set, fullSet, parent, list, blocks, copies, out, opts.regenerate ?? false, names, renamed);
    else inlineEdits(set, parent, list, blocks, copies, groupUpn, out);
    for (const c of out.changes.slice(before)) {
      const rp = list.find((t) => t.rp.absPath === c.absPath || c.path === t.copyPath);
      owners.set(c.absPath, rp ? [rp.rp] : list.map((t) => t.rp));
    }
  }
  checkResult(set, out, owners, renamed);
  return out;
}

function sameDrop(a: Target, b: Target): boolean {
  return a.insertAt === b.insertAt && a.drop.join() === b.drop.join();
}

/**
 * Generated names never collide with the user's: PolicyIds, journey ids and file names are compared
 * case-insensitively with everything in the set; `X_TOTP` becomes `X_TOTP2` when `X_TOTP` is taken.
 */
class Names {
  private readonly policyIds: Set<string>;
  private readonly journeyIds: Set<string>;
  private readonly files: Set<string>;
  constructor(set: PolicySet) {
    this.policyIds = new Set(set.policies.map((p) => tenantPolicyKey(p.policyId ?? '')));
    this.journeyIds = new Set(set.policies.flatMap((p) => p.definitions('UserJourney').map((el) => (el.attributes.Id ?? '').toLowerCase())));
    this.files = new Set([...set.policies, ...set.broken].map((p) => p.absPath.toLowerCase()));
  }
  journey(id: string): string {
    return this.take(this.journeyIds, (n) => `${id}_TOTP${n}`);
  }
  /**
   * A PolicyId and a file for it, both unused (ids compared as the tenant does: case-insensitively,
   * with or without B2C_1A_). The file goes beside `p`, or in `dir` when given.
   */
  policy(p: Policy, dir?: { display: string; abs: string }): { id: string; file: { display: string; abs: string } } {
    for (let n = 1; ; n++) {
      const suffix = `_TOTP${n === 1 ? '' : n}`;
      const id = `${p.policyId ?? ''}${suffix}`;
      const file = sibling(p, suffix, dir);
      if (this.policyIds.has(tenantPolicyKey(id)) || this.files.has(file.abs.toLowerCase())) continue;
      this.policyIds.add(tenantPolicyKey(id));
      this.files.add(file.abs.toLowerCase());
      return { id, file };
    }
  }
  private take(taken: Set<string>, make: (n: string) => string): string {
    for (let n = 1; ; n++) {
      const id = make(n === 1 ? '' : String(n));
      if (!taken.has(id.toLowerCase())) {
        taken.add(id.toLowerCase());
        return id;
      }
    }
  }
}

/**
 * The generator's own check: lint the result; errors the input did not have are failures of the
 * relying parties whose files hold them. An error copied with a relying party (same rule, same message
 * once generated names are read as the originals) is the input's, not new.
 */
function checkResult(set: PolicySet, out: Built, owners: Map<string, Policy[]>, renamed: Map<string, string>): void {
  const changed = new Map(out.changes.map((c) => [c.absPath, c]));
  const after: Policy[] = set.policies.filter((p) => !changed.has(p.absPath));
  for (const c of out.changes) {
    const p = policyFromBytes(Buffer.from(c.after, 'utf8'), c.path, c.absPath, false);
    if (p instanceof Policy) after.push(p);
    else for (const rp of owners.get(c.absPath) ?? [undefined]) out.failures.set(rp, `${c.path}: internal error: the generated file does not parse (${p.problem.message}); please report it.`);
  }
  if (out.failures.size) return;
  const key = (d: Diagnostic) => inputFindingKey(d, renamed);
  const errors = (s: PolicySet) => runRules(RULES, s, { ready: false }).filter((d) => d.severity === 'error');
  const before = new Set(errors(set).map(key));
  const byPath = new Map(out.changes.map((c) => [c.path, c.absPath]));
  for (const d of errors(new PolicySet(after, set.broken, set.deployed, { borrowed: set.borrowed }))) {
    if (before.has(key(d))) continue;
    const abs = byPath.get(d.file);
    const rps = (abs && owners.get(abs)) || [undefined];
    const where = `${d.file}:${d.line}:${d.column}: the result would not lint clean (${d.ruleId}): ${d.message}`;
    for (const rp of rps.length > 1 ? [undefined] : rps) if (!out.failures.has(rp)) out.failures.set(rp, where);
  }
}

/**
 * What an error is, read as the input's: rule and message, generated names replaced by the names they
 * copy (a name listed twice then once) and step or line numbers left out (they move when TOTP steps go in). Files are left out too: a
 * journey copied from the base into the layer carries the base's errors into another file. Two errors
 * with one key are one error; the result of inject is broken when it has a key the input had not.
 */
export function inputFindingKey(d: { ruleId: string; message: string }, generatedFrom: ReadonlyMap<string, string> | Readonly<Record<string, string>>): string {
  const pairs = (generatedFrom instanceof Map ? [...generatedFrom] : Object.entries(generatedFrom)).sort((a, b) => b[0].length - a[0].length);
  const message = pairs
    .reduce((acc, [gen, orig]) => acc.split(gen).join(orig), d.message)
    .replace(/\b(Orders?|step|steps|line) [\d, ]+/g, '$1 N')
    // A list of relying parties that now names the copy too ("B2C_1A_X, B2C_1A_X_TOTP") reads "B2C_1A_X".
    .replace(/([\w.-]+)(?:, \1(?![\w.-]))+/g, '$1');
  return `${d.ruleId}\0${message}`;
}

// ---------------------------------------------------------------------------------------------
// Journey analysis
// ---------------------------------------------------------------------------------------------

function invokedSubJourneys(step: Step): string[] {
  return children(stepChild(step, 'JourneyList')?.element, 'Candidate').map((c) => c.attributes.SubJourneyReferenceId ?? '');
}

/** The profiles of a step's exchanges, merged by Id across the step's layers as the service merges them. */
function stepProfiles(set: PolicySet, from: Policy, step: Step): EffectiveTechnicalProfile[] {
  const out: EffectiveTechnicalProfile[] = [];
  for (const { element: ex } of step.exchanges) {
    const tp = effectiveTechnicalProfile(set, from, ex.attributes.TechnicalProfileReferenceId ?? '');
    if (tp) out.push(tp);
  }
  return out;
}

/** The profiles a top-level step runs: its exchanges, or those of the sub-journeys it invokes. */
function stepGroup(set: PolicySet, from: Policy, step: Step): EffectiveTechnicalProfile[] {
  if (step.type !== 'InvokeSubJourney') return stepProfiles(set, from, step);
  const out: EffectiveTechnicalProfile[] = [];
  for (const sub of invokedSubJourneys(step)) {
    const flow = buildFlow(set, from, 'SubJourney', sub);
    for (const fs of flow?.steps ?? []) for (const ex of fs.exchanges) if (ex.tp) out.push(ex.tp);
  }
  return out;
}

function validationProfiles(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): EffectiveTechnicalProfile[] {
  return tp.validationTechnicalProfiles.map((v) => effectiveTechnicalProfile(set, from, v.id)).filter((v): v is EffectiveTechnicalProfile => !!v);
}

const isDirectory = (tp: EffectiveTechnicalProfile) => handlerIs(tp, PROVIDER_CLASS.azureActiveDirectory);
const operation = (tp: EffectiveTechnicalProfile) => tp.metadata.get('Operation')?.value;
const hasClaim = (claims: ClaimRef[], id: string) => claims.some((c) => c.id.toLowerCase() === id.toLowerCase());

const verifiesCode = verifiesAuthenticatorCode;

/**
 * Phone MFA: the PhoneFactor provider, or a page that runs an AzureMfa phone operation (OneWaySMS,
 * Verify) as a second factor. A sign-up or sign-in page that verifies the phone it signs in with (it
 * also reads or writes the user, or outputs objectId) is not phone MFA.
 */
function isPhoneProfile(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): boolean {
  if (handlerIs(tp, 'PhoneFactorProtocolProvider')) return true;
  if (!operationsRun(set, from, tp).some((c) => c.operation === 'OneWaySMS' || c.operation === 'Verify')) return false;
  return !hasClaim(tp.outputClaims, 'objectId') && !validationProfiles(set, from, tp).some(isDirectory);
}

function isPhoneStep(set: PolicySet, from: Policy, step: Step): boolean {
  const tps = stepProfiles(set, from, step);
  return tps.length > 0 && tps.every((tp) => isPhoneProfile(set, from, tp));
}

/** Changes an existing account (password, profile, phone): MFA must come before it. */
function changesExistingUser(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): boolean {
  const keyedWrite = (t: EffectiveTechnicalProfile) => isDirectory(t) && operation(t) === 'Write' && hasClaim(t.inputClaims, 'objectId');
  return keyedWrite(tp) || validationProfiles(set, from, tp).some(keyedWrite) || isPhoneProfile(set, from, tp);
}

/**
 * Where TOTP goes: after the steps that establish the directory user, before the first step that
 * changes the account or runs phone MFA, and before the first SendClaims that issues a token. Steps
 * after that SendClaims stay after it. With `replacePhone`, the phone steps are left out instead, with
 * the later steps that only save what they collected.
 */
function insertionIndex(set: PolicySet, from: Policy, journey: EffectiveJourney, groups: EffectiveTechnicalProfile[][], replacePhone: boolean): { insertAt: number; drop: number[] } | string {
  let send = -1;
  for (let i = 0; i < journey.steps.length; i++) if (journey.steps[i]!.type === 'SendClaims' && !errorOnlySendClaims(set, from, journey.steps[i]!, journey.steps.slice(i + 1))) {
    send = i;
    break;
  }
  if (send < 0) {
    const inner = journey.steps.flatMap((s) => invokedSubJourneys(s)).find((sub) => buildFlow(set, from, 'SubJourney', sub)?.steps.some((fs) => fs.step.type === 'SendClaims'));
    if (inner) return `journey '${journey.id}' issues its token inside sub-journey '${inner}', and inject places TOTP in the journey itself; move that SendClaims into the journey, or add the TotpFactor-Input and TotpFactor-Verify steps before it by hand.`;
    return `journey '${journey.id}' has no SendClaims step that issues a token; there is nothing to protect.`;
  }
  const drop: number[] = [];
  if (replacePhone) {
    for (let i = 0; i < send; i++) if (isPhoneStep(set, from, journey.steps[i]!)) drop.push(i);
    dropPhoneDependents(set, from, journey, groups, drop, send);
  }
  let firstDirectory = -1;
  for (let i = 0; i < send; i++) {
    if (drop.includes(i)) continue;
    const tps = groups[i]!;
    if (firstDirectory >= 0 && tps.some((tp) => changesExistingUser(set, from, tp))) return { insertAt: i, drop };
    if (firstDirectory < 0 && tps.some((tp) => isDirectory(tp) || validationProfiles(set, from, tp).some(isDirectory))) firstDirectory = i;
  }
  if (firstDirectory < 0) {
    return `journey '${journey.id}' does not read or write the directory user before its SendClaims (step ${journey.steps[send]!.order}), and TOTP needs its objectId and userPrincipalName there; add a directory read (e.g. AAD-UserReadUsingObjectId) before it.`;
  }
  return { insertAt: send, drop };
}

/**
 * After leaving out phone steps: a later step that needs a claim only they produced either saves it
 * (an AzureActiveDirectory write of the phone number: left out too) or keeps the phone step.
 */
function dropPhoneDependents(set: PolicySet, from: Policy, journey: EffectiveJourney, groups: EffectiveTechnicalProfile[][], drop: number[], send: number): void {
  if (!drop.length) return;
  const onlyPhone = new Set<string>();
  for (const i of drop) for (const tp of groups[i]!) for (const c of claimsProduced(set, from, tp)) onlyPhone.add(c);
  for (let i = 0; i < journey.steps.length; i++) {
    if (drop.includes(i)) continue;
    if (i < drop[0]!) for (const tp of groups[i]!) for (const c of claimsProduced(set, from, tp)) onlyPhone.delete(c);
  }
  for (let i = drop[0]! + 1; i < journey.steps.length; i++) {
    if (drop.includes(i)) continue;
    const uses = (tp: EffectiveTechnicalProfile) => [...tp.inputClaims, ...tp.persistedClaims].filter((c) => c.defaultValue === undefined).map((c) => c.id.toLowerCase());
    const missing = groups[i]!.flatMap(uses).filter((c) => onlyPhone.has(c));
    if (!missing.length) continue;
    // A directory write of what the phone step collected saves the phone number: it goes with it.
    const savesPhone = groups[i]!.every((tp) => isDirectory(tp) && operation(tp) === 'Write' && tp.persistedClaims.some((c) => onlyPhone.has(c.id.toLowerCase())));
    if (savesPhone && i < send) drop.push(i);
    else {
      drop.length = 0; // a later step needs what the phone step produced: keep it
      return;
    }
  }
  drop.sort((a, b) => a - b);
}

/**
 * The AzureMfa calls need the directory's UPN. Profiles that read the user gain the output; a
 * self-asserted page whose validation profile reads or writes the user gains it too (a validation
 * profile's output reaches the journey only through the page), and so does that validation profile
 * when it does not output it yet.
 */
function upnOverridesFor(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): string[] {
  if (hasClaim(tp.outputClaims, 'userPrincipalName')) return [];
  if (isDirectory(tp)) return operation(tp) === 'Read' || operation(tp) === 'Write' ? [tp.id] : [];
  if (!handlerIs(tp, PROVIDER_CLASS.selfAsserted)) return [];
  const validations = validationProfiles(set, from, tp);
  if (validations.some((v) => hasClaim(v.outputClaims, 'userPrincipalName'))) return [tp.id];
  const directory = validations.find(isDirectory);
  return directory ? [tp.id, directory.id] : [];
}

function describeStep(step: Step): string {
  const exchanges = step.exchanges.map((c) => c.element.attributes.TechnicalProfileReferenceId);
  return `step ${step.order} (${step.type}${exchanges.length ? `: ${exchanges.join(', ')}` : ''})`;
}

function chooseIdentifiers(set: PolicySet, from: Policy, produced: Set<string>, extra: string[], plan: Built): gen.IdentifierSource[] {
  const producedLower = new Set([...produced].map((c) => c.toLowerCase()));
  const names = [...extra, ...TOTP_IDENTIFIER_SOURCES.filter((c) => producedLower.has(c.toLowerCase())), gen.FALLBACK_IDENTIFIER];
  const out: gen.IdentifierSource[] = [];
  for (const name of names) {
    const found = set.find('ClaimType', name, from);
    if (!found) {
      // A claim only a relying-party file defines is out of the layer's sight: not a source.
      if (!extra.includes(name)) continue;
      plan.problems.push(`--identifier ${name}: no ClaimType '${name}' in the chain of ${from.policyId}.`);
      continue;
    }
    const claim = found.element.attributes.Id!;
    if (out.some((o) => o.claim.toLowerCase() === claim.toLowerCase())) continue;
    const dataType = textOf(child(found.element, 'DataType'));
    const source = gen.identifierSource(claim, dataType);
    if (!source) {
      if (!extra.includes(name)) continue;
      plan.problems.push(at(found.policy, found.element.start, `claim '${claim}' has DataType '${dataType}', which cannot be turned into the string totpIdentifier.`));
      continue;
    }
    out.push(source);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Building blocks: generated, minus what the chain already has identically
// ---------------------------------------------------------------------------------------------

interface Blocks {
  claimTypes: string[];
  claimsTransformations: string[];
  contentDefinitions: string[];
  localizedResources: string[];
  localizationEnabled: boolean;
  displayControls: string[];
  technicalProfiles: string[];
  upnOverrides: string[];
  subJourneys: string[];
}

/**
 * What the TOTP blocks need, minus what the chain already has identically. An element of the user's
 * with a generated id (compared case-insensitively) that differs, in the chain or in a relying party
 * below the layer (whose definition would win), is a conflict: the relying parties are skipped.
 */
function buildingBlocks(set: PolicySet, parent: Policy, targets: Target[], opts: gen.GenerateOptions, upnOverrides: string[], conflicts: string[]): Blocks {
  const keep = (kind: DefKind) => (fragment: string) => {
    const el = fragmentRoot(fragment);
    const id = el.attributes.Id!;
    for (const t of targets.filter((x) => x.rp !== parent)) {
      for (const own of t.rp.defined(kind, id)) {
        if (canonical(own) !== canonical(el)) conflicts.push(at(t.rp, own.start, `${kind} '${own.attributes.Id}' is also a TOTP building block b2c-totp generates, and differs from it; rename yours.`));
      }
    }
    const found = set.find(kind, id, parent);
    if (!found) return true;
    if (canonical(found.element) === canonical(el)) return false;
    conflicts.push(at(found.policy, found.element.start, `${kind} '${found.element.attributes.Id}' is also a TOTP building block b2c-totp generates, and differs from it; rename or remove yours, then run inject again.`));
    return false;
  };
  const localizationEnabled = set.chain(parent).some((p) => child(child(p.root, 'BuildingBlocks'), 'Localization')?.attributes.Enabled === 'true');
  return {
    claimTypes: gen.claimTypes((id) => !!set.find('ClaimType', id, parent)),
    claimsTransformations: gen.claimsTransformations(opts).filter(keep('ClaimsTransformation')),
    contentDefinitions: [gen.contentDefinition(opts.pageVersion)].filter(keep('ContentDefinition')),
    localizedResources: [gen.localizedResources()].filter(keep('LocalizedResources')),
    localizationEnabled,
    displayControls: gen.displayControls().filter(keep('DisplayControl')),
    technicalProfiles: gen.technicalProfiles(opts).filter(keep('TechnicalProfile')),
    upnOverrides: upnOverrides.map(gen.upnOverride),
    subJourneys: gen.subJourneys(opts).filter(keep('SubJourney')),
  };
}

function fragmentRoot(fragment: string): XmlElement {
  const r = parseXmlText(fragment);
  if (!r.ok) throw new Error(`internal: generated fragment is not XML: ${r.problem.message}`);
  return r.source.root;
}

/** Structure without layout: names, sorted attributes, trimmed text. Comments are not part of it. */
export function canonical(el: XmlElement): string {
  const attrs = Object.entries(el.attributes)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  const kids = el.children.filter((c): c is XmlElement => c instanceof XmlElement);
  const text = kids.length ? '' : el.text.replace(/\s+/g, ' ').trim();
  return `<${el.name} ${attrs}>${text}${kids.map(canonical).join('')}</${el.name}>`;
}

// ---------------------------------------------------------------------------------------------
// Journey copies: the effective journey, steps copied from their files, TOTP inserted, renumbered
// ---------------------------------------------------------------------------------------------

interface CopiedStep {
  /** Template text (two-space indentation, `\n`). */
  fragment: string;
}

interface JourneyCopy {
  id: string;
  journey: EffectiveJourney;
  /** The first target that uses it (its relying party is the viewer). */
  target: Target;
  steps: CopiedStep[];
}

/**
 * The journey's steps as the relying party sees them, TOTP inserted, renumbered from 1, `drop` left out.
 * A step a child policy overrides keeps the ClaimsExchanges of the base step that the child does not
 * name: the service merges an overridden step's exchanges by Id (upload-semantics.md §2).
 */
function copiedSteps(journey: EffectiveJourney, insertAt: number, drop: number[]): CopiedStep[] {
  const out: CopiedStep[] = [];
  let order = 1;
  journey.steps.forEach((step, i) => {
    if (i === insertAt) for (const f of gen.journeySteps(order)) out.push({ fragment: f }), order++;
    if (drop.includes(i)) return;
    out.push({ fragment: mergedStep(step, String(order++)) });
  });
  return out;
}

/** Step attributes a base layer may state for a child step that leaves them out. */
const STEP_ATTRIBUTES = ['Type', 'ContentDefinitionReferenceId', 'CpimIssuerTechnicalProfileReferenceId'] as const;

/**
 * The step as src/policy/journey.ts merges it, written from the most-derived step's text: the exchanges of
 * base steps it does not name (merged by Id), and the attributes and Preconditions, ClaimsProviderSelections
 * or JourneyList that only a base layer states. Only the exchange merge is settled by evidence; the rest
 * follows the model the linter checks, so the copy runs what lint judged.
 */
function mergedStep(step: Step, order: string): string {
  const inherited = STEP_ATTRIBUTES.flatMap((a) => {
    const v = step.element.attributes[a] === undefined ? stepAttribute(step, a) : undefined;
    return v ? [xml` ${a}="${v.value}"`] : [];
  });
  let fragment = transplant(step.policy, step.element, { Order: order });
  if (inherited.length) {
    // After the step's own attributes, before `>` or `/>`.
    const at = startTagEnd(fragment) - (fragment[startTagEnd(fragment) - 1] === '/' ? 1 : 0);
    const head = fragment.slice(0, at).trimEnd();
    fragment = `${head}${inherited.join('')}${fragment[at] === '/' ? ' ' : ''}${fragment.slice(at)}`;
  }
  const fromBase = (name: string) => {
    const c = child(step.element, name) ? undefined : stepChild(step, name);
    return c ? transplant(c.policy, c.element, {}) : undefined;
  };
  const preconditions = fromBase('Preconditions');
  const selections = fromBase('ClaimsProviderSelections');
  const journeyList = fromBase('JourneyList');
  const own = new Set(claimsExchanges(step.element));
  const extra = step.exchanges.filter((x) => !own.has(x.element)).map((x) => transplant(x.policy, x.element, {}));
  if (!extra.length && !preconditions && !selections && !journeyList) return fragment;

  const end = startTagEnd(fragment);
  let lines: string[];
  if (fragment.slice(end - 1, end + 1) === '/>') {
    // A step without children (`<OrchestrationStep … />`) opens to take them.
    lines = [...fragment.slice(0, end - 1).trimEnd().concat('>').split('\n'), '</OrchestrationStep>'];
  } else {
    lines = fragment.split('\n');
  }
  const startLines = fragment.slice(0, end).split('\n').length;
  // Schema order: Preconditions, ClaimsProviderSelections, ClaimsExchanges, JourneyList.
  if (selections) {
    const ownPreconditions = lines.findIndex((l) => /^ {2}<\/Preconditions>/.test(l));
    lines.splice(ownPreconditions >= 0 ? ownPreconditions + 1 : startLines, 0, gen.indent(selections, 2));
  }
  if (preconditions) lines.splice(startLines, 0, gen.indent(preconditions, 2));
  if (extra.length) {
    const close = lines.findIndex((l) => /^\s*<\/ClaimsExchanges>/.test(l));
    if (close >= 0) lines.splice(close, 0, ...extra.map((e) => gen.indent(e, /^\s*/.exec(lines[close]!)![0].length + 2)));
    else {
      // The child step names no exchange: the base's all stay (before a JourneyList of its own, if any).
      const list = lines.findIndex((l) => /^ {2}<JourneyList\b/.test(l));
      lines.splice(list >= 0 ? list : lines.length - 1, 0, '  <ClaimsExchanges>', ...extra.map((e) => gen.indent(e, 4)), '  </ClaimsExchanges>');
    }
  }
  if (journeyList) lines.splice(lines.length - 1, 0, gen.indent(journeyList, 2));
  return lines.join('\n');
}

/** Offset of the `>` that ends the start tag at the beginning of `fragment` (quotes respected). */
function startTagEnd(fragment: string): number {
  let quote = '';
  for (let i = 0; i < fragment.length; i++) {
    const c = fragment[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  return fragment.length - 1;
}

/**
 * Copies an element's source text (comments included) as a template fragment: attribute values
 * replaced, its own indentation removed, inner indentation expressed in two-space levels.
 */
function transplant(p: Policy, el: XmlElement, attrs: Record<string, string>): string {
  const text = p.text;
  const edits: Edit[] = [];
  for (const [name, value] of Object.entries(attrs)) {
    const span = attributeSpans(text, el, name);
    if (span) edits.push({ start: span.value.start, end: span.value.end, text: value });
  }
  // Every edit lies inside the element, so its end moves by the total length change.
  const edited = applyEdits(text, edits);
  const raw = edited.slice(el.start, el.end + edited.length - text.length);
  const style = detectStyle(text);
  const base = indentOfLine(text, el.start);
  return raw
    .split(/\r\n|\r|\n/)
    .map((line, i) => {
      if (i === 0) return line;
      const stripped = line.startsWith(base) ? line.slice(base.length) : line.trimStart();
      const lead = /^[ \t]*/.exec(stripped)![0];
      const levels = style.unit === '\t' ? lead.split('\t').length - 1 : Math.floor(lead.replace(/\t/g, '    ').length / style.unit.length);
      return stripped.trim() === '' ? '' : '  '.repeat(levels) + stripped.slice(lead.length);
    })
    .join('\n');
}

function journeyCopyXml(copy: { id: string; steps: CopiedStep[]; journey: EffectiveJourney }): string {
  const root = copy.journey.layers[0]!;
  const lines = [xml`<UserJourney Id="${copy.id}">`];
  // Keep the journey's own settings (ClientDefinition, Authorization, ...) in schema order around the steps.
  const order = childOrder('UserJourney', 'UserJourneys')?.rank;
  const others = root.element.children.filter((c): c is XmlElement => c instanceof XmlElement && c.name !== 'OrchestrationSteps');
  const before = others.filter((c) => (order?.get(c.name) ?? 99) < (order?.get('OrchestrationSteps') ?? 0));
  const after = others.filter((c) => !before.includes(c));
  for (const c of before) lines.push(gen.indent(transplant(root.policy, c, {}), 2));
  lines.push('  <OrchestrationSteps>');
  for (const s of copy.steps) lines.push(gen.indent(s.fragment, 4));
  lines.push('  </OrchestrationSteps>');
  for (const c of after) lines.push(gen.indent(transplant(root.policy, c, {}), 2));
  lines.push('</UserJourney>');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Layer mode: a new extension file and new relying-party files; the user's files stay untouched
// ---------------------------------------------------------------------------------------------

/**
 * A URI for a generated policy, written the way the user's own file writes its URI: the original's
 * PolicyId inside it replaced (templating tokens around it stay), else http://<tenant>/<id>.
 */
function derivedUri(uri: string | undefined, oldId: string | undefined, newId: string, tenant: string): string {
  if (uri && oldId) {
    const i = uri.toLowerCase().lastIndexOf(oldId.toLowerCase());
    if (i >= 0) return uri.slice(0, i) + newId + uri.slice(i + oldId.length);
  }
  return `http://${tenant}/${newId}`;
}

function layerFiles(
  set: PolicySet,
  /** Includes the files an earlier run generated, which this run compares against. */
  all: PolicySet,
  parent: Policy,
  targets: Target[],
  blocks: Blocks,
  copies: JourneyCopy[],
  out: Built,
  regenerate: boolean,
  names: Names,
  renamed: Map<string, string>,
): void {
  const style = detectStyle(parent.text);
  const bom = parent.bom ? '\uFEFF' : '';
  // The layer names its tenant, and its base's, as the base itself does (a templating token stays a token).
  const tenant = parent.tenantId ?? '';
  const baseTenant = tenant;
  // Each set gets its own layer beside its own files: a base borrowed from another set's folder gets
  // this set's layer beside this set's relying parties, not in the other set's folder.
  const { id: layerId, file: layerPath } = names.policy(parent, set.borrowed.has(parent) ? folderOf(targets[0]!.rp) : undefined);
  renamed.set(layerId, parent.policyId ?? '');
  renamed.set(layerPath.display, parent.path);
  const b = blocks;
  const section = (name: string, items: string[]) => (items.length ? [`    <${name}>`, ...items.map((i) => gen.indent(i, 6)), `    </${name}>`] : []);
  const layerJourneys = copies.filter((c) => !c.target.inRp);
  const lines = [
    '<?xml version="1.0" encoding="utf-8" ?>',
    xml`<!-- ${GENERATED_MARKER} by inject: authenticator-app (TOTP) MFA for ${parent.policyId ?? ''}. Regenerate rather than edit. -->`,
    '<TrustFrameworkPolicy',
    '  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    '  xmlns:xsd="http://www.w3.org/2001/XMLSchema"',
    '  xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06"',
    '  PolicySchemaVersion="0.3.0.0"',
    xml`  TenantId="${tenant}"`,
    xml`  PolicyId="${layerId}"`,
    xml`  PublicPolicyUri="${derivedUri(parent.publicPolicyUri, parent.policyId, layerId, tenant)}">`,
    '  <BasePolicy>',
    xml`    <TenantId>${baseTenant}</TenantId>`,
    xml`    <PolicyId>${parent.policyId ?? ''}</PolicyId>`,
    '  </BasePolicy>',
    '  <BuildingBlocks>',
    ...section('ClaimsSchema', b.claimTypes),
    ...section('ClaimsTransformations', b.claimsTransformations),
    ...section('ContentDefinitions', b.contentDefinitions),
    ...(b.localizedResources.length
      ? [
          b.localizationEnabled ? '    <Localization>' : '    <Localization Enabled="true">',
          ...(b.localizationEnabled ? [] : ['      <SupportedLanguages DefaultLanguage="en" MergeBehavior="Append">', '        <SupportedLanguage>en</SupportedLanguage>', '      </SupportedLanguages>']),
          ...b.localizedResources.map((i) => gen.indent(i, 6)),
          '    </Localization>',
        ]
      : []),
    ...section('DisplayControls', b.displayControls),
    '  </BuildingBlocks>',
    '  <ClaimsProviders>',
    '    <ClaimsProvider>',
    '      <DisplayName>TOTP</DisplayName>',
    '      <TechnicalProfiles>',
    ...[...b.technicalProfiles, ...b.upnOverrides].map((t) => gen.indent(t, 8)),
    '      </TechnicalProfiles>',
    '    </ClaimsProvider>',
    '  </ClaimsProviders>',
    ...(layerJourneys.length ? ['  <UserJourneys>', ...layerJourneys.map((c) => gen.indent(journeyCopyXml(c), 4)), '  </UserJourneys>'] : []),
    ...(b.subJourneys.length ? ['  <SubJourneys>', ...b.subJourneys.map((s) => gen.indent(s, 4)), '  </SubJourneys>'] : []),
    '</TrustFrameworkPolicy>',
    '',
  ];
  const layerText = bom + reindent(lines.join('\n'), '', style) + style.eol;
  addNewFile(all, layerPath, layerText, out, regenerate);

  const rpIds: string[] = [];
  for (const t of targets) {
    const copy = t.copy!;
    const { id, file } = names.policy(t.rp);
    renamed.set(id, t.rp.policyId ?? '');
    renamed.set(file.display, t.rp.path);
    t.copyPath = file.display;
    addNewFile(all, file, relyingPartyCopy(t, id, layerId, copy), out, regenerate);
    rpIds.push(id);
  }
  out.notes.push(`Upload order: ${[...uploadOrder(set, parent), layerId, ...rpIds.sort()].join(', ')}.`);
}

/**
 * The relying party's own text, with its ids re-pointed at the TOTP layer and journey copy. A journey
 * defined in the relying-party file is replaced there by its TOTP copy.
 */
function relyingPartyCopy(t: Target, newId: string, layerId: string, copy: JourneyCopy): string {
  const rp = t.rp;
  const text = rp.text;
  const edits: Edit[] = [];
  const setAttr = (el: XmlElement, name: string, value: string) => {
    const s = attributeSpans(text, el, name);
    if (s) edits.push({ start: s.value.start, end: s.value.end, text: escapeXml(value) });
  };
  setAttr(rp.root, 'PolicyId', newId);
  setAttr(rp.root, 'PublicPolicyUri', derivedUri(rp.publicPolicyUri, rp.policyId, newId, rp.tenantId ?? ''));
  const baseId = rp.base?.policyIdElement;
  if (baseId) {
    const s = textSpan(baseId);
    edits.push({ start: s.start, end: s.end, text: escapeXml(layerId) });
  }
  setAttr(rp.defaultUserJourney!, 'ReferenceId', copy.id);
  const style = detectStyle(text);
  edits.push(...ownUpnEdits(t, style));
  if (t.inRp) {
    const own = t.journey.layers.find((l) => l.policy === rp)!.element;
    const indent = indentOfLine(text, own.start);
    edits.push({ start: own.start, end: own.end, text: reindent(journeyCopyXml(copy), indent, style).slice(indent.length) });
  }
  edits.push(markerEdit(rp));
  return fileText({ text: applyEdits(text, edits), bom: rp.bom });
}

/** The generated-file marker, right after the XML declaration (or first, when there is none). */
function markerEdit(p: Policy): Edit {
  const text = p.text;
  const eol = detectStyle(text).eol;
  const decl = /^<\?xml[^>]*\?>/.exec(text);
  const at = decl ? decl[0].length : 0;
  return { start: at, end: at, text: `${decl ? eol : ''}<!-- ${GENERATED_MARKER} by inject: ${escapeComment(path.basename(p.absPath))} with TOTP. -->${decl ? '' : eol}` };
}

function escapeComment(s: string): string {
  return s.replace(/--/g, '- -');
}

/** `dir/Name.xml` → `dir/Name<suffix>.xml`, or `<other dir>/Name<suffix>.xml`. */
function sibling(p: Policy, suffix: string, dir?: { display: string; abs: string }): { display: string; abs: string } {
  const ext = path.extname(p.absPath);
  const name = path.basename(p.absPath, ext) + suffix + ext;
  if (dir) return { abs: path.join(dir.abs, name), display: dir.display ? `${dir.display}/${name}` : name };
  return {
    abs: p.absPath.slice(0, p.absPath.length - ext.length) + suffix + ext,
    display: p.path.slice(0, p.path.length - ext.length) + suffix + ext,
  };
}

/** The folder of a file, as an absolute and a display path. */
function folderOf(p: Policy): { display: string; abs: string } {
  const slash = p.path.lastIndexOf('/');
  return { abs: path.dirname(p.absPath), display: slash >= 0 ? p.path.slice(0, slash) : '' };
}

function addNewFile(set: PolicySet, where: { display: string; abs: string }, text: string, out: Built, regenerate: boolean): void {
  const existing = set.policies.find((p) => p.absPath === where.abs);
  const before = existing && fileText(existing);
  out.changes.push({ path: where.display, absPath: where.abs, before, after: text });
  if (before !== undefined && before !== text && !regenerate) {
    const a = before.split(/\r\n|\r|\n/);
    const b = text.split(/\r\n|\r|\n/);
    let line = 0;
    while (line < a.length && a[line] === b[line]) line++;
    out.generatedEdited.push(`${where.display}:${line + 1}:1: this generated file differs from what b2c-totp would write now (it was edited, or the policies or options changed); run again with --regenerate (or delete it), and keep your own changes in another file.`);
  }
}

function uploadOrder(set: PolicySet, p: Policy): string[] {
  return set
    .chain(p)
    .map((q) => q.policyId ?? q.path)
    .reverse();
}

// ---------------------------------------------------------------------------------------------
// Inline mode: splice into the user's extension file and relying parties
// ---------------------------------------------------------------------------------------------

const BUILDING_BLOCK_SECTIONS: ReadonlyArray<[keyof Blocks, string]> = [
  ['claimTypes', 'ClaimsSchema'],
  ['claimsTransformations', 'ClaimsTransformations'],
  ['contentDefinitions', 'ContentDefinitions'],
  ['localizedResources', 'Localization'],
  ['displayControls', 'DisplayControls'],
];

function inlineEdits(set: PolicySet, parent: Policy, targets: Target[], blocks: Blocks, copies: JourneyCopy[], upnIds: string[], out: Built): void {
  const edits = blockEdits(parent, blocks, copies, upnIds);
  out.changes.push({ path: parent.path, absPath: parent.absPath, before: fileText(parent), after: fileText({ text: applyEdits(parent.text, edits), bom: parent.bom }) });

  for (const t of targets) {
    const copy = t.copy!;
    const own = ownUpnEdits(t, detectStyle(t.rp.text));
    const span = attributeSpans(t.rp.text, t.rp.defaultUserJourney!, 'ReferenceId')!;
    const repoint = { start: span.value.start, end: span.value.end, text: escapeXml(copy.id) };
    // A journey wholly in the RP file is edited in place; one the RP only partly overrides gets a whole
    // copy beside the override (which stays as it is), and the RP points at the copy.
    const journeyEdits = t.wholeInRp ? journeyInPlaceEdits(t) : t.inRp ? [appendChildren(t.rp.text, child(t.rp.root, 'UserJourneys')!, [journeyCopyXml(copy)], detectStyle(t.rp.text)), repoint] : [repoint];
    const after = applyEdits(t.rp.text, [...own, ...journeyEdits]);
    out.changes.push({ path: t.rp.path, absPath: t.rp.absPath, before: fileText(t.rp), after: fileText({ text: after, bom: t.rp.bom }) });
  }
  const rpIds = targets.map((t) => t.rp.policyId ?? t.rp.path).sort();
  out.notes.push(`Upload order: ${[...uploadOrder(set, parent), ...rpIds].join(', ')}.`);
}

/**
 * A policy with no base (one file holds the relying party and everything it uses): the TOTP blocks go
 * into it and its journey is edited in place. Inline mode changes the file; layer mode writes the result
 * as a new file with its own PolicyId, leaving the user's file as it is.
 */
function singleFile(set: PolicySet, all: PolicySet, t: Target, blocks: Blocks, copies: JourneyCopy[], upnIds: string[], out: Built, opts: InjectOptions, names: Names, renamed: Map<string, string>): void {
  const rp = t.rp;
  const text = rp.text;
  const edits = [...blockEdits(rp, blocks, copies, upnIds), ...journeyInPlaceEdits(t)];
  if (opts.mode === 'inline') {
    out.changes.push({ path: rp.path, absPath: rp.absPath, before: fileText(rp), after: fileText({ text: applyEdits(text, edits), bom: rp.bom }) });
    out.notes.push(`Upload order: ${rp.policyId ?? rp.path}.`);
    return;
  }
  const { id, file } = names.policy(rp);
  renamed.set(id, rp.policyId ?? '');
  renamed.set(file.display, rp.path);
  t.copyPath = file.display;
  const setAttr = (name: string, value: string) => {
    const s = attributeSpans(text, rp.root, name);
    if (s) edits.push({ start: s.value.start, end: s.value.end, text: escapeXml(value) });
  };
  setAttr('PolicyId', id);
  setAttr('PublicPolicyUri', derivedUri(rp.publicPolicyUri, rp.policyId, id, rp.tenantId ?? ''));
  edits.push(markerEdit(rp));
  addNewFile(all, file, fileText({ text: applyEdits(text, edits), bom: rp.bom }), out, opts.regenerate ?? false);
  out.notes.push(`Upload order: ${id}.`);
}

/** The edits that add the TOTP building blocks, UPN outputs, journey copies (of base journeys) and sub-journeys to a file. */
function blockEdits(parent: Policy, blocks: Blocks, copies: JourneyCopy[], upnIds: string[]): Edit[] {
  const text = parent.text;
  const style = detectStyle(text);
  const edits: Edit[] = [];
  const root = parent.root;

  // BuildingBlocks sections.
  const bbFragments: string[] = [];
  const bb = child(root, 'BuildingBlocks');
  for (const [key, section] of BUILDING_BLOCK_SECTIONS) {
    const items = blocks[key] as string[];
    if (!items.length) continue;
    const existing = child(bb, section);
    if (existing) edits.push(appendChildren(text, existing, items, style));
    else if (bb) edits.push(insertSection(text, bb, section, wrap(section, items, section === 'Localization' && !blocks.localizationEnabled), style, 'TrustFrameworkPolicy/BuildingBlocks'));
    else bbFragments.push(wrap(section, items, section === 'Localization' && !blocks.localizationEnabled));
  }
  if (!bb && bbFragments.length) edits.push(insertSection(text, root, 'BuildingBlocks', wrap('BuildingBlocks', bbFragments), style));

  // Technical profiles: a new TOTP ClaimsProvider; UPN outputs merged into overrides this file already has.
  const newProfiles = [...blocks.technicalProfiles];
  for (const id of upnIds) {
    const own = parent.defined('TechnicalProfile', id)[0];
    if (!own) {
      newProfiles.push(gen.upnOverride(id));
      continue;
    }
    const outputs = child(own, 'OutputClaims');
    const claim = '<OutputClaim ClaimTypeReferenceId="userPrincipalName" />';
    edits.push(outputs ? appendChildren(text, outputs, [claim], style) : insertSection(text, own, 'OutputClaims', wrap('OutputClaims', [claim]), style, 'TechnicalProfiles/TechnicalProfile'));
  }
  if (newProfiles.length) {
    const provider = ['<ClaimsProvider>', '  <DisplayName>TOTP</DisplayName>', '  <TechnicalProfiles>', ...newProfiles.map((t) => gen.indent(t, 4)), '  </TechnicalProfiles>', '</ClaimsProvider>'].join('\n');
    const cps = child(root, 'ClaimsProviders');
    edits.push(cps ? appendChildren(text, cps, [provider], style) : insertSection(text, root, 'ClaimsProviders', wrap('ClaimsProviders', [provider]), style));
  }

  // Journey copies (of journeys in base files) and sub-journeys.
  const journeyXml = copies.filter((c) => !c.target.inRp).map(journeyCopyXml);
  if (journeyXml.length) {
    const uj = child(root, 'UserJourneys');
    edits.push(uj ? appendChildren(text, uj, journeyXml, style) : insertSection(text, root, 'UserJourneys', wrap('UserJourneys', journeyXml), style));
  }
  if (blocks.subJourneys.length) {
    const sj = child(root, 'SubJourneys');
    edits.push(sj ? appendChildren(text, sj, blocks.subJourneys, style) : insertSection(text, root, 'SubJourneys', wrap('SubJourneys', blocks.subJourneys), style));
  }
  return edits;
}

/**
 * Profiles the relying-party file itself defines that must output userPrincipalName: the layer cannot
 * override them (the RP's definition is below it), so the RP's own definition gains the output.
 */
function ownUpnEdits(t: Target, style: TextStyle): Edit[] {
  const text = t.rp.text;
  const edits: Edit[] = [];
  for (const id of [...t.upn].sort()) {
    for (const own of t.rp.defined('TechnicalProfile', id)) {
      const outputs = child(own, 'OutputClaims');
      if (outputs && children(outputs, 'OutputClaim').some((c) => c.attributes.ClaimTypeReferenceId?.toLowerCase() === 'userprincipalname')) continue;
      const claim = '<OutputClaim ClaimTypeReferenceId="userPrincipalName" />';
      edits.push(outputs ? appendChildren(text, outputs, [claim], style) : insertSection(text, own, 'OutputClaims', wrap('OutputClaims', [claim]), style, 'TechnicalProfiles/TechnicalProfile'));
    }
  }
  return edits;
}

/**
 * Inline mode, journey in the relying-party file: the TOTP steps are spliced in before the chosen step,
 * the later steps' Order moves up by two (less the steps left out before them), left-out steps are removed.
 */
function journeyInPlaceEdits(t: Target): Edit[] {
  const text = t.rp.text;
  const style = detectStyle(text);
  const edits: Edit[] = [];
  t.journey.steps.forEach((step, i) => {
    const dropped = t.drop.filter((j) => j < i).length;
    const delta = (i >= t.insertAt ? 2 : 0) - dropped;
    if (i === t.insertAt) {
      const indent = indentOfLine(text, step.element.start);
      const lineStart = step.element.start - indent.length;
      const fragments = gen.journeySteps(step.order - dropped).map((f) => reindent(f, indent, style));
      edits.push({ start: lineStart, end: lineStart, text: fragments.join(style.eol) + style.eol });
    }
    if (t.drop.includes(i)) {
      const indent = indentOfLine(text, step.element.start);
      let end = step.element.end;
      if (text.startsWith('\r\n', end)) end += 2;
      else if (text[end] === '\n') end += 1;
      edits.push({ start: step.element.start - indent.length, end, text: '' });
      return;
    }
    if (delta !== 0) {
      const span = attributeSpans(text, step.element, 'Order');
      if (span) edits.push({ start: span.value.start, end: span.value.end, text: String(step.order + delta) });
    }
  });
  return edits;
}

function wrap(name: string, items: string[], enableLocalization = false): string {
  const open = name === 'Localization' && enableLocalization ? '<Localization Enabled="true">' : `<${name}>`;
  const langs = name === 'Localization' && enableLocalization ? ['  <SupportedLanguages DefaultLanguage="en" MergeBehavior="Append">', '    <SupportedLanguage>en</SupportedLanguage>', '  </SupportedLanguages>'] : [];
  return [open, ...langs, ...items.map((i) => gen.indent(i, 2)), `</${name}>`].join('\n');
}

/**
 * Inserts a new child section of `parent` at its schema position (after the last sibling that must precede it).
 * `orderKey` ("Grandparent/Parent") picks the schema's child order; without it `parent` is the root element.
 */
function insertSection(text: string, parent: XmlElement, name: string, fragment: string, style: TextStyle, orderKey?: string): Edit {
  const order = orderKey ? childOrder(orderKey.split('/')[1]!, orderKey.split('/')[0]) : childOrder(parent.name, undefined);
  const rank = order?.rank;
  const mine = rank?.get(name) ?? Number.MAX_SAFE_INTEGER;
  const kids = parent.children.filter((c): c is XmlElement => c instanceof XmlElement);
  let after: XmlElement | undefined;
  for (const k of kids) if ((rank?.get(k.name) ?? -1) < mine) after = k;
  if (!after && kids.length === 0) return appendChildren(text, parent, [fragment], style);
  return insertAfter(text, parent, after, fragment, style);
}
