import path from 'node:path';
import { XmlElement } from '../xml/nodes.js';
import { type ClaimRef, type EffectiveTechnicalProfile, effectiveTechnicalProfile, handlerIs } from '../policy/effective.js';
import { claimsExchanges, effectiveJourney, type EffectiveJourney, type Step } from '../policy/journey.js';
import { type DefKind, Policy } from '../policy/policy.js';
import { childOrder } from '../policy/schema-order.js';
import { PolicySet } from '../policy/set.js';
import { attributeSpans, child, children, textOf, textSpan } from '../xml/element.js';
import { type Edit, type TextStyle, appendChildren, applyEdits, detectStyle, indentOfLine, insertAfter, reindent, xml } from '../xml/edit.js';
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

export interface InjectPlan {
  mode: 'layer' | 'inline';
  changes: FileChange[];
  protected: ProtectedJourney[];
  alreadyProtected: string[];
  identifiers: string[];
  upnOverrides: string[];
  notes: string[];
  /** Reasons the injection cannot be done; when non-empty, `changes` is empty. */
  problems: string[];
}

/** A problem located in a file: one line, file:line:column first. */
function at(p: Policy, offset: number, message: string): string {
  const pos = p.source.lines.position(offset);
  return `${p.path}:${pos.line}:${pos.column}: ${message}`;
}

function isGenerated(p: Policy): boolean {
  return p.text.slice(0, 600).includes(GENERATED_MARKER);
}

const TOTP_SUB_JOURNEY_IDS = new Set(['totpfactor-input', 'totpfactor-verify']);

/** Plans the injection. Pure: reads the set, returns file contents; the caller writes them. */
export function planInjection(fullSet: PolicySet, opts: InjectOptions): InjectPlan {
  const plan: InjectPlan = { mode: opts.mode, changes: [], protected: [], alreadyProtected: [], identifiers: [], upnOverrides: [], notes: [], problems: [] };
  const pageVersion = opts.pageVersion ?? SELFASSERTED_PAGE.latestKnown;

  // Files we generated earlier are set aside: the plan is computed from the user's own files.
  const generated = fullSet.policies.filter(isGenerated);
  const set = generated.length ? new PolicySet(fullSet.policies.filter((p) => !isGenerated(p)), fullSet.broken, fullSet.deployed) : fullSet;

  for (const b of set.broken) {
    const pos = b.lines.position(b.problem.start);
    plan.problems.push(`${b.path}:${pos.line}:${pos.column}: ${b.problem.message}`);
  }
  const rps = set.policies.filter((p) => p.relyingParty && p.defaultUserJourney);
  if (rps.length === 0) plan.problems.push('No relying-party policy (a file with <RelyingParty> and <DefaultUserJourney>) in the set: nothing to protect.');
  for (const rp of rps) {
    const status = set.chainStatus(rp);
    if (status.kind !== 'complete') plan.problems.push(at(rp, rp.root.start, `the BasePolicy chain of ${rp.policyId} is not complete in this set (${status.kind}); add the missing files.`));
  }
  if (plan.problems.length) return plan;

  // Which journeys to protect.
  const wanted = opts.journeys?.map((j) => j.toLowerCase());
  const targets: Array<{ rp: Policy; parent: Policy; journey: EffectiveJourney }> = [];
  for (const rp of rps) {
    const ref = rp.defaultUserJourney!.attributes.ReferenceId ?? '';
    const parent = set.parent(rp);
    if (!parent) continue;
    const journey = effectiveJourney(set, rp, 'UserJourney', ref);
    if (!journey) {
      plan.problems.push(at(rp, rp.defaultUserJourney!.start, `DefaultUserJourney '${ref}' does not exist in the chain.`));
      continue;
    }
    if (wanted ? !wanted.includes(journey.id.toLowerCase()) : !signsUserIn(set, rp, journey)) continue;
    if (journey.steps.some((s) => invokedSubJourneys(s).some((c) => TOTP_SUB_JOURNEY_IDS.has(c.toLowerCase())))) {
      plan.alreadyProtected.push(`${rp.path} (${journey.id})`);
      continue;
    }
    if (journey.layers.some((l) => l.policy === rp)) {
      plan.problems.push(at(rp, journey.layers.find((l) => l.policy === rp)!.element.start, `journey '${journey.id}' is defined in the relying-party file itself; move it to a base policy so a TOTP copy can be made.`));
      continue;
    }
    targets.push({ rp, parent, journey });
  }
  if (wanted) {
    for (const j of opts.journeys!) {
      const known = rps.some((rp) => (rp.defaultUserJourney!.attributes.ReferenceId ?? '').toLowerCase() === j.toLowerCase());
      if (!known) plan.problems.push(`--journey ${j}: no relying party in the set uses this journey as its DefaultUserJourney.`);
    }
  }
  if (plan.problems.length) return plan;
  if (targets.length === 0) {
    if (plan.alreadyProtected.length) plan.notes.push('TOTP is already present: every selected journey already runs the TOTP sub-journeys.');
    else plan.problems.push('No relying party has a journey that signs a user in; name one with --journey.');
    return plan;
  }

  // One layer (or one inline target) per policy the relying parties inherit from.
  const groups = new Map<Policy, typeof targets>();
  for (const t of targets) groups.set(t.parent, [...(groups.get(t.parent) ?? []), t]);
  for (const [parent, list] of groups) {
    const identifierClaims = new Set<string>();
    const upn = new Set<string>();
    const journeys = new Map<string, { journey: EffectiveJourney; insertAt: number; copyId: string }>();
    for (const t of list) {
      const key = t.journey.id.toLowerCase();
      let entry = journeys.get(key);
      if (!entry) {
        const insertAt = insertionIndex(set, parent, t.journey);
        if (typeof insertAt === 'string') {
          plan.problems.push(at(t.rp, t.rp.defaultUserJourney!.start, insertAt));
          continue;
        }
        entry = { journey: t.journey, insertAt, copyId: `${t.journey.id}_TOTP` };
        journeys.set(key, entry);
        const phone = t.journey.steps.filter((s) => stepProfiles(set, parent, s).some((tp) => handlerIs(tp, 'PhoneFactorProtocolProvider')));
        if (phone.length) {
          plan.notes.push(
            `Journey '${t.journey.id}' already runs phone MFA (step ${phone.map((s) => s.order).join(', ')}); TOTP is added before it, so users get both. Remove the phone steps from ${entry.copyId} if TOTP replaces them.`,
          );
        }
        for (const s of t.journey.steps.slice(0, insertAt)) {
          for (const tp of stepProfiles(set, parent, s)) {
            for (const c of tp.outputClaims) identifierClaims.add(c.id);
            for (const id of upnOverridesFor(set, parent, tp)) upn.add(id);
          }
        }
      }
      const before = entry.journey.steps[entry.insertAt]!;
      plan.protected.push({ relyingParty: t.rp, journeyId: t.journey.id, copyId: entry.copyId, beforeOrder: before.order, beforeWhat: describeStep(before) });
    }
    if (plan.problems.length) return plan;

    const identifiers = chooseIdentifiers(set, parent, identifierClaims, opts.identifiers ?? [], plan);
    if (plan.problems.length) return plan;
    plan.identifiers = [...new Set([...plan.identifiers, ...identifiers.map((i) => i.claim)])];
    const groupUpn = [...upn].sort();
    plan.upnOverrides = [...new Set([...plan.upnOverrides, ...groupUpn])].sort();
    const genOpts: gen.GenerateOptions = { issuer: opts.issuer, pageVersion, identifiers };
    const blocks = buildingBlocks(set, parent, genOpts, groupUpn, plan);
    if (plan.problems.length) return plan;
    const copies = [...journeys.values()].map((j) => ({ id: j.copyId, steps: copiedSteps(set, j.journey, j.insertAt), journey: j.journey }));

    if (opts.mode === 'layer') layerFiles(set, fullSet, parent, list, blocks, copies, plan, opts.regenerate ?? false);
    else inlineEdits(set, parent, list, blocks, copies, groupUpn, plan);
  }
  if (plan.problems.length === 0) checkResult(fullSet, plan);
  if (plan.problems.length) plan.changes = [];
  // Unchanged files are not changes (a second run is a no-op).
  plan.changes = plan.changes.filter((c) => c.before !== c.after);
  if (plan.changes.length === 0 && plan.problems.length === 0) plan.notes = ['TOTP is already present: nothing to change.'];
  return plan;
}

/**
 * The generator's own check: lint the result and refuse if it has errors the input did not have.
 * What the generator writes, the linter checks; a disagreement is a problem to report, not to ship.
 */
function checkResult(set: PolicySet, plan: InjectPlan): void {
  const changed = new Map(plan.changes.map((c) => [c.absPath, c]));
  const after: Policy[] = set.policies.filter((p) => !changed.has(p.absPath));
  for (const c of plan.changes) {
    const p = policyFromBytes(Buffer.from(c.after, 'utf8'), c.path, c.absPath, false);
    if (p instanceof Policy) after.push(p);
    else plan.problems.push(`${c.path}: internal error: the generated file does not parse (${p.problem.message}).`);
  }
  if (plan.problems.length) return;
  const key = (d: Diagnostic) => `${d.ruleId}\0${d.message}`;
  const errors = (s: PolicySet) => runRules(RULES, s, { ready: false }).filter((d) => d.severity === 'error');
  const before = new Set(errors(set).map(key));
  for (const d of errors(new PolicySet(after, set.broken, set.deployed))) {
    if (!before.has(key(d))) plan.problems.push(`${d.file}:${d.line}:${d.column}: the result would not lint clean (${d.ruleId}): ${d.message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Journey analysis
// ---------------------------------------------------------------------------------------------

function invokedSubJourneys(step: Step): string[] {
  return children(child(step.element, 'JourneyList'), 'Candidate').map((c) => c.attributes.SubJourneyReferenceId ?? '');
}

function stepProfiles(set: PolicySet, from: Policy, step: Step): EffectiveTechnicalProfile[] {
  const out: EffectiveTechnicalProfile[] = [];
  for (const ex of claimsExchanges(step.element)) {
    const tp = effectiveTechnicalProfile(set, from, ex.attributes.TechnicalProfileReferenceId ?? '');
    if (tp) out.push(tp);
  }
  return out;
}

function validationProfiles(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): EffectiveTechnicalProfile[] {
  return tp.validationTechnicalProfiles.map((v) => effectiveTechnicalProfile(set, from, v.id)).filter((v): v is EffectiveTechnicalProfile => !!v);
}

const isDirectory = (tp: EffectiveTechnicalProfile) => handlerIs(tp, PROVIDER_CLASS.azureActiveDirectory);
const operation = (tp: EffectiveTechnicalProfile) => tp.metadata.get('Operation')?.value;
const hasClaim = (claims: ClaimRef[], id: string) => claims.some((c) => c.id.toLowerCase() === id.toLowerCase());

/** A journey signs a user in when one of its steps reads or writes the user in the directory. */
function signsUserIn(set: PolicySet, from: Policy, journey: EffectiveJourney): boolean {
  return journey.steps.some((s) => stepProfiles(set, from, s).some((tp) => isDirectory(tp) || validationProfiles(set, from, tp).some(isDirectory)));
}

/** Changes an existing account (password, profile, phone): MFA must come before it. */
function changesExistingUser(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): boolean {
  const keyedWrite = (t: EffectiveTechnicalProfile) => isDirectory(t) && operation(t) === 'Write' && hasClaim(t.inputClaims, 'objectId');
  return keyedWrite(tp) || validationProfiles(set, from, tp).some(keyedWrite) || handlerIs(tp, 'PhoneFactorProtocolProvider');
}

/**
 * Where TOTP goes: after the steps that establish the user (objectId and UPN from the directory),
 * before the first step that changes the account or phone MFA, and before SendClaims.
 */
function insertionIndex(set: PolicySet, from: Policy, journey: EffectiveJourney): number | string {
  const send = journey.steps.findIndex((s) => s.type === 'SendClaims');
  if (send < 0) return `journey '${journey.id}' has no SendClaims step; it cannot be protected.`;
  let firstDirectory = -1;
  for (let i = 0; i < send; i++) {
    const tps = stepProfiles(set, from, journey.steps[i]!);
    if (i > 0 && tps.some((tp) => changesExistingUser(set, from, tp))) return firstDirectory >= 0 ? i : `journey '${journey.id}' changes the account before it reads it; it cannot be protected automatically.`;
    if (firstDirectory < 0 && tps.some((tp) => isDirectory(tp) || validationProfiles(set, from, tp).some(isDirectory))) firstDirectory = i;
  }
  if (firstDirectory < 0) return `journey '${journey.id}' never reads or writes the user in the directory, so objectId and userPrincipalName are unknown; it cannot be protected.`;
  return send;
}

/**
 * The AzureMfa calls need the directory's UPN. Profiles that read the user gain the output; a
 * self-asserted page whose validation profile reads or writes the user gains it too (a validation
 * profile's output reaches the journey only through the page), and so does that validation profile
 * when it does not output it yet.
 */
function upnOverridesFor(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): string[] {
  if (hasClaim(tp.outputClaims, 'userPrincipalName')) return [];
  if (isDirectory(tp)) return operation(tp) === 'Read' ? [tp.id] : [];
  if (!handlerIs(tp, PROVIDER_CLASS.selfAsserted)) return [];
  const validations = validationProfiles(set, from, tp);
  if (validations.some((v) => hasClaim(v.outputClaims, 'userPrincipalName'))) return [tp.id];
  const directory = validations.find(isDirectory);
  return directory ? [tp.id, directory.id] : [];
}

function describeStep(step: Step): string {
  const exchanges = claimsExchanges(step.element).map((c) => c.attributes.TechnicalProfileReferenceId);
  return `step ${step.order} (${step.type}${exchanges.length ? `: ${exchanges.join(', ')}` : ''})`;
}

function chooseIdentifiers(set: PolicySet, from: Policy, produced: Set<string>, extra: string[], plan: InjectPlan): gen.IdentifierSource[] {
  const producedLower = new Set([...produced].map((c) => c.toLowerCase()));
  const names = [...extra, ...TOTP_IDENTIFIER_SOURCES.filter((c) => producedLower.has(c.toLowerCase())), gen.FALLBACK_IDENTIFIER];
  const out: gen.IdentifierSource[] = [];
  for (const name of names) {
    const found = set.find('ClaimType', name, from);
    if (!found) {
      plan.problems.push(`--identifier ${name}: no ClaimType '${name}' in the chain of ${from.policyId}.`);
      continue;
    }
    const claim = found.element.attributes.Id!;
    if (out.some((o) => o.claim.toLowerCase() === claim.toLowerCase())) continue;
    const dataType = textOf(child(found.element, 'DataType'));
    const source = gen.identifierSource(claim, dataType);
    if (!source) {
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

function buildingBlocks(set: PolicySet, parent: Policy, opts: gen.GenerateOptions, upnOverrides: string[], plan: InjectPlan): Blocks {
  const keep = (kind: DefKind) => (fragment: string) => {
    const el = fragmentRoot(fragment);
    const id = el.attributes.Id!;
    const found = set.find(kind, id, parent);
    if (!found) return true;
    if (canonical(found.element) === canonical(el)) return false;
    plan.problems.push(at(found.policy, found.element.start, `${kind} '${id}' already exists and differs from what b2c-totp would generate; rename or remove it, then run inject again.`));
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

function copiedSteps(set: PolicySet, journey: EffectiveJourney, insertAt: number): CopiedStep[] {
  const out: CopiedStep[] = [];
  let order = 1;
  journey.steps.forEach((step, i) => {
    if (i === insertAt) for (const f of gen.journeySteps(order)) out.push({ fragment: f }), order++;
    out.push({ fragment: transplant(step.policy, step.element, { Order: String(order++) }) });
  });
  return out;
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

function layerFiles(
  set: PolicySet,
  /** Includes the files an earlier run generated, which this run compares against. */
  all: PolicySet,
  parent: Policy,
  targets: Array<{ rp: Policy; journey: EffectiveJourney }>,
  blocks: Blocks,
  copies: Array<{ id: string; steps: CopiedStep[]; journey: EffectiveJourney }>,
  plan: InjectPlan,
  regenerate: boolean,
): void {
  const style = detectStyle(parent.text);
  const bom = parent.bom ? '\uFEFF' : '';
  const tenant = parent.tenantId ?? '';
  const layerId = `${parent.policyId}_TOTP`;
  const layerPath = sibling(parent, '_TOTP');
  const b = blocks;
  const section = (name: string, items: string[]) => (items.length ? [`    <${name}>`, ...items.map((i) => gen.indent(i, 6)), `    </${name}>`] : []);
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
    xml`  PublicPolicyUri="http://${tenant}/${layerId}">`,
    '  <BasePolicy>',
    xml`    <TenantId>${tenant}</TenantId>`,
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
    '  <UserJourneys>',
    ...copies.map((c) => gen.indent(journeyCopyXml(c), 4)),
    '  </UserJourneys>',
    ...(b.subJourneys.length ? ['  <SubJourneys>', ...b.subJourneys.map((s) => gen.indent(s, 4)), '  </SubJourneys>'] : []),
    '</TrustFrameworkPolicy>',
    '',
  ];
  const layerText = bom + reindent(lines.join('\n'), '', style) + style.eol;
  addNewFile(all, layerPath, layerText, plan, regenerate);

  for (const t of targets) {
    const copy = copies.find((c) => c.journey.id.toLowerCase() === t.journey.id.toLowerCase())!;
    addNewFile(all, sibling(t.rp, '_TOTP'), relyingPartyCopy(t.rp, layerId, copy.id), plan, regenerate);
  }
  const rpIds = targets.map((t) => `${t.rp.policyId}_TOTP`).sort();
  plan.notes.push(`Upload order: ${[...uploadOrder(set, parent), layerId, ...rpIds].join(', ')}.`);
}

/** The relying party's own text, with its ids re-pointed at the TOTP layer and journey copy. */
function relyingPartyCopy(rp: Policy, layerId: string, journeyId: string): string {
  const text = rp.text;
  const newId = `${rp.policyId}_TOTP`;
  const edits: Edit[] = [];
  const setAttr = (el: XmlElement, name: string, value: string) => {
    const s = attributeSpans(text, el, name);
    if (s) edits.push({ start: s.value.start, end: s.value.end, text: value });
  };
  setAttr(rp.root, 'PolicyId', newId);
  setAttr(rp.root, 'PublicPolicyUri', `http://${rp.tenantId ?? ''}/${newId}`);
  const baseId = rp.base?.policyIdElement;
  if (baseId) {
    const t = textSpan(baseId);
    edits.push({ start: t.start, end: t.end, text: layerId });
  }
  setAttr(rp.defaultUserJourney!, 'ReferenceId', journeyId);
  const style = detectStyle(text);
  // The marker goes right after the XML declaration (or first, when there is none).
  const decl = /^<\?xml[^>]*\?>/.exec(text);
  const markerAt = decl ? decl[0].length : 0;
  edits.push({ start: markerAt, end: markerAt, text: `${decl ? style.eol : ''}<!-- ${GENERATED_MARKER} by inject: ${escapeComment(path.basename(rp.absPath))} with TOTP. -->${decl ? '' : style.eol}` });
  return fileText({ text: applyEdits(text, edits), bom: rp.bom });
}

function escapeComment(s: string): string {
  return s.replace(/--/g, '- -');
}

/** `dir/Name.xml` → `dir/Name<suffix>.xml`. */
function sibling(p: Policy, suffix: string): { display: string; abs: string } {
  const ext = path.extname(p.absPath);
  return {
    abs: p.absPath.slice(0, p.absPath.length - ext.length) + suffix + ext,
    display: p.path.slice(0, p.path.length - ext.length) + suffix + ext,
  };
}

function addNewFile(set: PolicySet, where: { display: string; abs: string }, text: string, plan: InjectPlan, regenerate: boolean): void {
  const existing = [...set.policies, ...set.broken].find((p) => p.absPath === where.abs);
  if (existing && !(existing instanceof Policy && isGenerated(existing))) {
    plan.problems.push(`${where.display}: a file with this name exists and was not written by b2c-totp; move it away or use --inline.`);
    return;
  }
  const before = existing && fileText(existing);
  plan.changes.push({ path: where.display, absPath: where.abs, before, after: text });
  if (before !== undefined && before !== text && !regenerate) {
    const a = before.split(/\r\n|\r|\n/);
    const b = text.split(/\r\n|\r|\n/);
    let line = 0;
    while (line < a.length && a[line] === b[line]) line++;
    plan.problems.push(`${where.display}:${line + 1}:1: this generated file differs from what b2c-totp would write now (it was edited, or the policies or options changed); run again with --regenerate (or delete it), and keep your own changes in another file.`);
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

function inlineEdits(
  set: PolicySet,
  parent: Policy,
  targets: Array<{ rp: Policy; journey: EffectiveJourney }>,
  blocks: Blocks,
  copies: Array<{ id: string; steps: CopiedStep[]; journey: EffectiveJourney }>,
  upnIds: string[],
  plan: InjectPlan,
): void {
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

  // Journey copies and sub-journeys.
  const journeyXml = copies.filter((c) => !set.find('UserJourney', c.id, parent)).map(journeyCopyXml);
  if (journeyXml.length) {
    const uj = child(root, 'UserJourneys');
    edits.push(uj ? appendChildren(text, uj, journeyXml, style) : insertSection(text, root, 'UserJourneys', wrap('UserJourneys', journeyXml), style));
  }
  if (blocks.subJourneys.length) {
    const sj = child(root, 'SubJourneys');
    edits.push(sj ? appendChildren(text, sj, blocks.subJourneys, style) : insertSection(text, root, 'SubJourneys', wrap('SubJourneys', blocks.subJourneys), style));
  }
  plan.changes.push({ path: parent.path, absPath: parent.absPath, before: fileText(parent), after: fileText({ text: applyEdits(text, edits), bom: parent.bom }) });

  for (const t of targets) {
    const copy = copies.find((c) => c.journey.id.toLowerCase() === t.journey.id.toLowerCase())!;
    const ref = t.rp.defaultUserJourney!;
    const span = attributeSpans(t.rp.text, ref, 'ReferenceId')!;
    const after = applyEdits(t.rp.text, [{ start: span.value.start, end: span.value.end, text: copy.id }]);
    plan.changes.push({ path: t.rp.path, absPath: t.rp.absPath, before: fileText(t.rp), after: fileText({ text: after, bom: t.rp.bom }) });
  }
  const rpIds = targets.map((t) => t.rp.policyId ?? t.rp.path).sort();
  plan.notes.push(`Upload order: ${[...uploadOrder(set, parent), ...rpIds].join(', ')}.`);
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
