/**
 * `npm run corpus [-- <folder>] [--check] [--update] [--json <file>] [--inline]`: runs b2c-totp over real policy
 * repositories, the way ESLint's remote tester runs its rules over real projects.
 *
 * For every repository folder directly under <folder> (default ../shared/corpus): find the policy sets
 * in it (as `lint .` at its root would), lint every set (XSD included when the starter pack's XSD is at
 * ../shared/fixtures/starterpack), and run `inject` (layer mode, or inline with --inline; in memory) on every set with a relying
 * party. Prints crashes, errors and warnings per rule, the sets with errors, inject's outcome, and timing.
 *
 * The reviewed baseline is test/corpus/baseline.json: every error lint reports on the corpus, each with
 * the verdict of the class it belongs to (test/corpus/verdicts.json: why it is right, with evidence),
 * and every warning by location.
 * - `--check` (CI): exit 1 on a crash, on an error the baseline does not have, or on a broken inject
 *   result. Errors that disappeared, and warning changes, are listed but do not fail: update the baseline.
 * - `--update`: writes the baseline anew. Every error must match a verdict class; an error that matches
 *   none stops the update (decide it with evidence first: fix the rule, or add a class). Commit a
 *   baseline change on its own, after reading its diff.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintSets } from '../src/lint.js';
import { collectFiles, loadPolicySets, policyFromBytes, UsageError } from '../src/policy/load.js';
import { Policy } from '../src/policy/policy.js';
import { PolicySet } from '../src/policy/set.js';
import type { PolicyGroup } from '../src/policy/sets.js';
import type { Diagnostic } from '../src/report/diagnostic.js';
import { runRules } from '../src/rules/engine.js';
import { RULES } from '../src/rules/index.js';
import { inputFindingKey, planInjection } from '../src/totp/inject.js';
import { loadXsdValidator, XSD_FILE_NAME, type XsdValidator } from '../src/xsd/validate.js';
import { unifiedDiff } from '../src/util/diff.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BASELINE = path.join(ROOT, 'test', 'corpus', 'baseline.json');
const VERDICTS = path.join(ROOT, 'test', 'corpus', 'verdicts.json');

interface Args {
  folder: string;
  check: boolean;
  update: boolean;
  json: string | undefined;
  inline: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { folder: path.resolve(ROOT, '..', 'shared', 'corpus'), check: false, update: false, json: undefined, inline: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--check') args.check = true;
    else if (a === '--update') args.update = true;
    else if (a === '--json') args.json = argv[++i];
    else if (a === '--inline') args.inline = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else args.folder = path.resolve(a);
  }
  return args;
}

/** One verdict class: which errors it covers and why they are right. */
interface VerdictClass {
  id: string;
  rule: string;
  /** Regular expression the message must match (default: any). */
  message?: string;
  /** Regular expression the `repo/file` path must match (default: any). */
  path?: string;
  /** rejects: the upload fails; runtime: the policy fails at run time; template: an unbuilt template; incomplete: files the set needs are not in the repository. */
  verdict: 'rejects' | 'runtime' | 'template' | 'incomplete';
  why: string;
  evidence: string;
}

interface Finding {
  repo: string;
  set: string;
  /** Relative to the repository folder. */
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
}

interface BaselineError extends Finding {
  verdict: string;
}

interface Baseline {
  version: 1;
  note: string;
  errors: BaselineError[];
  warnings: Finding[];
}

interface InjectOutcome {
  repo: string;
  set: string;
  relyingParties: number;
  signIn: number;
  protected: number;
  alreadyProtected: number;
  skipped: Array<{ rp: string; reason: string }>;
  refused: string[];
  broken: string[];
  /** The set's own files have no error that stops the upload (see `uploads` in main). */
  inputUploads: boolean;
  /** Errors in the set's own files (for `inputUploads`). */
  inputErrors: Finding[];
}

const MAX_MESSAGE = 160;
const short = (s: string) => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE - 1)}…` : s);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsDir(args.folder)) {
    const msg = `corpus: ${path.relative(process.cwd(), args.folder)} not found`;
    if (process.env.CI === 'true') throw new Error(`${msg}; CI requires ../shared/corpus.`);
    console.log(`[skip] ${msg}.`);
    return;
  }
  const xsdPath = path.resolve(ROOT, '..', 'shared', 'fixtures', 'starterpack', XSD_FILE_NAME);
  const xsd: XsdValidator | undefined = existsFile(xsdPath) ? await loadXsdValidator(xsdPath) : undefined;

  const repos = readdirSync(args.folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const crashes: string[] = [];
  const injects: InjectOutcome[] = [];
  let files = 0;
  let sets = 0;
  let lintMs = 0;
  let injectMs = 0;
  const started = performance.now();

  for (const repo of repos) {
    const dir = path.join(args.folder, repo);
    let groups: PolicyGroup[];
    try {
      groups = loadPolicySets(collectFiles(['.'], dir), dir);
    } catch (e) {
      if (e instanceof UsageError) continue; // no *.xml in it
      crashes.push(`${repo}: loading: ${stack(e)}`);
      continue;
    }
    files += new Set(groups.flatMap((g) => [...g.own, ...g.broken].map((f) => f.absPath))).size;
    sets += groups.length;
    const setOf = (file: string) => groups.find((g) => [...g.own, ...g.broken].some((f) => f.path === file))?.name ?? '?';
    const t0 = performance.now();
    let diagnostics: Diagnostic[] = [];
    try {
      diagnostics = lintSets(groups, { ready: false, xsd }, {});
    } catch (e) {
      crashes.push(`${repo}: lint: ${stack(e)}`);
    }
    lintMs += performance.now() - t0;
    for (const d of diagnostics) {
      if (d.severity === 'info') continue;
      const f: Finding = { repo, set: setOf(d.file), file: d.file, line: d.line, column: d.column, rule: d.ruleId, message: d.message };
      (d.severity === 'error' ? errors : warnings).push(f);
    }
    const t1 = performance.now();
    for (const g of groups) {
      if (!g.own.some((p) => p.relyingParty)) continue;
      try {
        const o = injectOutcome(repo, g, args.inline ? 'inline' : 'layer', xsd, diagnostics);
        o.inputErrors = errors.filter((e) => e.repo === repo && e.set === g.name);
        injects.push(o);
      } catch (e) {
        crashes.push(`${repo} (${g.name}): inject: ${stack(e)}`);
      }
    }
    injectMs += performance.now() - t1;
  }
  xsd?.dispose();
  const totalMs = performance.now() - started;

  const verdicts = JSON.parse(readFileSync(VERDICTS, 'utf8')) as { classes: VerdictClass[] };
  const classify = (f: Finding) =>
    verdicts.classes.find((c) => c.rule === f.rule && (!c.message || new RegExp(c.message).test(f.message)) && (!c.path || new RegExp(c.path).test(`${f.repo}/${f.file}`)));

  // ---- report
  const out: string[] = [];
  const count = (list: Finding[]) => Object.entries(tally(list.map((f) => f.rule))).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  out.push(`corpus: ${repos.length} repositories, ${sets} policy sets, ${files} files; lint ${Math.round(lintMs)} ms, inject ${Math.round(injectMs)} ms, total ${Math.round(totalMs)} ms${xsd ? ' (XSD on)' : ' (no XSD)'}`);
  out.push(`crashes: ${crashes.length}`);
  for (const c of crashes) out.push(`  ${c}`);
  out.push(`errors: ${errors.length} in ${new Set(errors.map((e) => `${e.repo}\0${e.set}`)).size} sets: ${count(errors).map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}`);
  out.push(`warnings: ${warnings.length}: ${count(warnings).map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}`);
  // The sets with errors, one line each: where to look first.
  const bySet = new Map<string, Finding[]>();
  for (const e of errors) {
    const k = `${e.repo} (${e.set})`;
    const list = bySet.get(k);
    if (list) list.push(e);
    else bySet.set(k, [e]);
  }
  out.push(`sets with errors: ${bySet.size}`);
  for (const [k, list] of [...bySet].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    out.push(`  ${k}: ${count(list).map(([r, n]) => `${r} ${n}`).join(', ')}`);
  }
  const byVerdict = tally(errors.map((e) => classify(e)?.verdict ?? 'UNDECIDED'));
  out.push(`error verdicts: ${Object.entries(byVerdict).map(([v, n]) => `${v} ${n}`).join(', ') || 'none'}`);
  // Input that uploads: no error whose verdict is that the upload fails (or that it is an unbuilt
  // template, or misses files); a run-time failure still uploads. Inject refusing those is right.
  for (const o of injects) o.inputUploads = !o.inputErrors.some((e) => classify(e)?.verdict !== 'runtime');
  const withRp = injects;
  const signInSets = withRp.filter((o) => o.signIn > 0 && o.inputUploads);
  const gotTotp = signInSets.filter((o) => o.protected + o.alreadyProtected > 0);
  out.push(
    `inject: ${withRp.length} sets with a relying party; ${signInSets.length} with a sign-in relying party and input that uploads; ` +
      `${gotTotp.length} of those get TOTP (${pct(gotTotp.length, signInSets.length)}); relying parties protected ${sum(withRp, 'protected')}, already protected ${sum(withRp, 'alreadyProtected')}, skipped ${withRp.reduce((n, o) => n + o.skipped.length, 0)}; refused sets ${withRp.filter((o) => o.refused.length).length}; broken results ${withRp.filter((o) => o.broken.length).length}`,
  );
  const reasons = tally(withRp.flatMap((o) => [...o.skipped.map((s) => reasonClass(s.reason)), ...o.refused.map(reasonClass)]));
  for (const [r, n] of Object.entries(reasons).sort((a, b) => b[1] - a[1])) out.push(`  ${n} × ${r}`);
  for (const o of withRp.filter((x) => x.broken.length)) for (const b of o.broken) out.push(`  BROKEN ${o.repo} (${o.set}): ${b}`);

  // ---- baseline
  let failed = crashes.length > 0 || withRp.some((o) => o.broken.length > 0);
  if (args.update) {
    const undecided = errors.filter((e) => !classify(e));
    if (undecided.length) {
      out.push(`\n✖ ${undecided.length} errors match no verdict class in test/corpus/verdicts.json; decide them (fix the rule, or add a class with evidence):`);
      for (const e of undecided.slice(0, 60)) out.push(`  ${e.repo}/${e.file}:${e.line}:${e.column} ${e.rule} ${short(e.message)}`);
      failed = true;
    } else {
      const baseline: Baseline = {
        version: 1,
        note: 'Generated by `npm run corpus -- --update`; every error carries the verdict class (test/corpus/verdicts.json) that says why it is right. Review the diff before committing.',
        errors: errors.map((e) => ({ ...e, verdict: classify(e)!.id })),
        warnings,
      };
      // One finding a line: a baseline change reads as a diff of findings.
      const lines = (list: object[]) => list.map((x) => JSON.stringify(x)).join(',\n');
      writeFileSync(
        BASELINE,
        `{"version": 1,\n"note": ${JSON.stringify(baseline.note)},\n"errors": [\n${lines(baseline.errors)}\n],\n"warnings": [\n${lines(baseline.warnings)}\n]}\n`,
      );
      out.push(`\nbaseline written: ${errors.length} errors, ${warnings.length} warnings.`);
    }
  } else {
    const baseline = existsFile(BASELINE) ? (JSON.parse(readFileSync(BASELINE, 'utf8')) as Baseline) : { errors: [], warnings: [] };
    const key = (f: Finding) => `${f.repo}\0${f.file}\0${f.line}\0${f.column}\0${f.rule}`;
    const known = new Set(baseline.errors.map(key));
    const now = new Set(errors.map(key));
    const fresh = errors.filter((e) => !known.has(key(e)));
    const gone = baseline.errors.filter((e) => !now.has(key(e)));
    const wKnown = new Set(baseline.warnings.map(key));
    const wNow = new Set(warnings.map(key));
    const wFresh = warnings.filter((w) => !wKnown.has(key(w))).length;
    const wGone = baseline.warnings.filter((w) => !wNow.has(key(w))).length;
    out.push(`baseline: ${baseline.errors.length} errors; new ${fresh.length}, gone ${gone.length}; warnings new ${wFresh}, gone ${wGone}`);
    for (const e of fresh.slice(0, 80)) out.push(`  NEW ${e.repo}/${e.file}:${e.line}:${e.column} ${e.rule} ${short(e.message)}`);
    for (const e of gone.slice(0, 20)) out.push(`  gone ${e.repo}/${e.file}:${e.line}:${e.column} ${e.rule}`);
    if (fresh.length) failed = true;
    if (gone.length || wFresh || wGone) out.push('  (update with `npm run corpus -- --update` and commit the baseline on its own)');
  }

  if (args.json) {
    writeFileSync(args.json, `${JSON.stringify({ errors, warnings, crashes, injects: injects.map(({ inputErrors, ...o }) => ({ ...o, inputErrors: inputErrors.length })) }, null, 1)}\n`);
  }
  console.log(out.join('\n'));
  if (args.check && failed) {
    console.log('✖ corpus check failed');
    process.exitCode = 1;
  } else if (args.update && failed) process.exitCode = 1;
}

/**
 * An empty section written on one line (`<BuildingBlocks></BuildingBlocks>`, `<OutputClaims />`): inline
 * mode opens it to put children in, which splits that line; none of its content is lost.
 */
const EMPTY_CONTAINER = /^\s*<(BuildingBlocks|ClaimsSchema|ClaimsTransformations|ContentDefinitions|Localization|DisplayControls|ClaimsProviders|TechnicalProfiles|OutputClaims|UserJourneys|SubJourneys|OrchestrationSteps)\b[^>]*?(?:\/>|>\s*<\/\1>)\s*$/;

/** Lines of `before` that a line diff does not find in `after` (the '-' lines of a unified diff). */
function removedLines(before: string, after: string): string[] {
  return unifiedDiff(before, after, 'a', 'b', 0)
    .split('\n')
    .filter((l) => l.startsWith('-') && !l.startsWith('---'))
    .map((l) => l.slice(1));
}

/**
 * Runs inject (layer mode, or inline with --inline) on one set in memory and checks the result as the issue defines "broken":
 * no lint error the input did not have, a second run changes nothing, the user's files untouched.
 */
function injectOutcome(repo: string, g: PolicyGroup, mode: 'layer' | 'inline', xsd: XsdValidator | undefined, linted: Diagnostic[]): InjectOutcome {
  const set = g.set;
  const o: InjectOutcome = {
    repo,
    set: g.name,
    relyingParties: g.own.filter((p) => p.relyingParty).length,
    signIn: 0,
    protected: 0,
    alreadyProtected: 0,
    skipped: [],
    refused: [],
    broken: [],
    inputUploads: true,
    inputErrors: [],
  };
  const plan = planInjection(set, { mode, issuer: 'Contoso' });
  const perRp = plan.relyingParties;
  o.signIn = perRp.filter((r) => r.signIn).length;
  o.protected = perRp.filter((r) => r.status === 'protected').length;
  o.alreadyProtected = perRp.filter((r) => r.status === 'already-protected').length;
  o.skipped = perRp.filter((r) => r.status === 'skipped').map((r) => ({ rp: r.path, reason: r.reason ?? '' }));
  o.refused = plan.problems;
  if (plan.problems.length || plan.changes.length === 0) return o;

  // Untouched bytes stay: layer mode changes no existing file; inline mode only adds lines, apart from the
  // re-pointed DefaultUserJourney and the renumbered Orders of the steps after TOTP.
  for (const c of plan.changes) {
    if (c.before === undefined) continue;
    if (mode === 'layer') o.broken.push(`${c.path}: layer mode changed an existing file`);
    else {
      const lost = removedLines(c.before, c.after).filter((l) => !/Order="\d+"|<DefaultUserJourney\b/.test(l) && !EMPTY_CONTAINER.test(l));
      if (lost.length) o.broken.push(`${c.path}: inline mode removed or changed ${lost.length} line(s) of the user's file, e.g. ${short(lost[0]!.trim())}`);
    }
  }
  const after = withChanges(set, plan.changes);
  // "No lint error the input did not have": an input error copied into a generated file (same rule and
  // message once generated names read as the originals) is the input's (inject's own check agrees).
  const key = (d: Diagnostic) => inputFindingKey(d, plan.generatedFrom);
  // With the XSD: what inject writes must also be schema-valid.
  // The input's errors are those lint already found in the set's files (its own and borrowed: chains are the same in every set).
  const inSet = new Set([...set.policies, ...set.broken].map((f) => f.path));
  const before = new Set(linted.filter((d) => d.severity === 'error' && inSet.has(d.file)).map(key));
  for (const d of runRules(RULES, after, { ready: false, xsd })) {
    if (d.severity === 'error' && !before.has(key(d))) o.broken.push(`new ${d.ruleId} at ${d.file}:${d.line}:${d.column}: ${short(d.message)}`);
  }
  const again = planInjection(after, { mode, issuer: 'Contoso' });
  if (again.changes.length) o.broken.push(`a second run changes ${again.changes.map((c) => c.path).join(', ')}`);
  return o;
}

function withChanges(set: PolicySet, changes: Array<{ path: string; absPath: string; after: string }>): PolicySet {
  const byPath = new Map(set.policies.map((p) => [p.absPath, p]));
  for (const c of changes) {
    const p = policyFromBytes(Buffer.from(c.after, 'utf8'), c.path, c.absPath, false);
    if (p instanceof Policy) byPath.set(c.absPath, p);
  }
  return new PolicySet([...byPath.values()], set.broken, set.deployed, { borrowed: set.borrowed });
}

/** A reason without the file and names in it, to count reasons by kind. */
function reasonClass(reason: string): string {
  return reason
    .replace(/^[^:]+:\d+:\d+: /, '')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\b(step|steps) [\d, ]+/g, '$1 N')
    .replace(/\(([A-Z]+-\d+)\):.*$/, '($1)')
    .slice(0, 140);
}

function tally(list: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of list) out[x] = (out[x] ?? 0) + 1;
  return out;
}

const sum = (list: InjectOutcome[], k: 'protected' | 'alreadyProtected') => list.reduce((n, o) => n + o[k], 0);
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');

function stack(e: unknown): string {
  const err = e as Error;
  return `${err?.message ?? String(e)}${err?.stack ? ` @ ${err.stack.split('\n').slice(1, 3).join(' ').trim()}` : ''}`;
}

function existsDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function existsFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

await main();
