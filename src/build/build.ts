/**
 * `b2c-totp build`: per environment, substitute settings into the policy set, lint the result with
 * deploy-ready checks, and (only when every environment is clean) write dist/<env>/ with the
 * files and upload-order.json. Nothing here writes until `writeBuild`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { collectFiles, type InputFile, policyFromBytes, toDisplayPath, UsageError } from '../policy/load.js';
import { Policy } from '../policy/policy.js';
import { type BrokenFile, PolicySet, tenantPolicyKey } from '../policy/set.js';
import { type Diagnostic, type LintResult, type SeveritySetting, compareDiagnostics, summarize } from '../report/diagnostic.js';
import unknownSettingRule from '../rules/environment/unknown-setting.js';
import { findRule, RULES } from '../rules/index.js';
import placeholderRule from '../rules/placeholder/placeholder.js';
import { replaceFolder } from '../util/write-set.js';
import { applyEdits, type Edit } from '../xml/edit.js';
import { LineIndex } from '../xml/lines.js';
import { decodeUtf8, fileText } from '../xml/read.js';
import { openXsdForRun, type XsdValidator } from '../xsd/validate.js';
import { describeRule, lintSets } from '../lint.js';
import { groupPolicySets, type PolicyGroup } from '../policy/sets.js';
import { type BuildSetup, display, type Environment, loadBuildSetup, selectEnvironments } from './environments.js';
import { uploadOrder, type UploadEntry } from './order.js';
import { mapBack, prefixEdits, substitutions } from './substitute.js';

export const UPLOAD_ORDER_FILE = 'upload-order.json';

export interface BuildRequest {
  cwd: string;
  /** Source folder (default: config `policies`, else the config's folder). */
  dir?: string;
  /** Environment names; comma lists allowed; default all. */
  envs?: string[];
  /** Output folder (default: dist/ beside the config). */
  out?: string;
  configPath?: string;
  /** Explicit XSD; `false` turns XSD validation off; undefined: config `xsd`, else one beside or above the files. */
  xsd?: string | false;
  version: string;
}

export interface OutputFile {
  /** Path inside dist/<env>/, `/` separators. */
  rel: string;
  content: string;
}

export interface EnvironmentBuild {
  env: Environment;
  /** Absolute dist/<env>. */
  outDir: string;
  /** Policy files, then upload-order.json. */
  files: OutputFile[];
  order: UploadEntry[];
  /** Lint of the output, positions mapped back to the source files. */
  result: LintResult;
  /** Per output file (`rel`): its source file as shown to users, and a map from output line:column to source line:column. */
  sources: Map<string, SourceOf>;
}

export interface SourceOf {
  display: string;
  toSource(line: number, column: number): { line: number; column: number };
}

export interface BuildOutcome {
  setup: BuildSetup;
  /** Absolute source folder. */
  policiesDir: string;
  /** Absolute output folder (holds one folder per environment). */
  outBase: string;
  xsdPath: string | undefined;
  sourceCount: number;
  builds: EnvironmentBuild[];
  ok: boolean;
}

/** One source file: its text and, per environment, how it became the output. */
interface Source {
  input: InputFile;
  display: string;
  /** Path inside dist/<env>/. */
  rel: string;
  fileName: string;
  /** Undefined when the bytes are not UTF-8 text (then `broken` says why). */
  text: string | undefined;
  broken: BrokenFile | undefined;
}

/** Plans every selected environment and lints it; writes nothing. Throws UsageError/ConfigError for exit-2 problems. */
export async function buildPolicies(req: BuildRequest): Promise<BuildOutcome> {
  const setup = loadBuildSetup({ cwd: req.cwd, dir: req.dir, configPath: req.configPath });
  const { config } = setup;
  for (const key of Object.keys(config.rules ?? {})) {
    if (!findRule(key)) throw new UsageError(`Unknown rule '${key}' in config "rules".`);
  }
  const sourceShown = display(setup.source.path, req.cwd);
  const envs = selectEnvironments(setup.environments, req.envs, sourceShown);
  const policiesDir = req.dir === undefined ? setup.policiesDir : path.resolve(req.cwd, req.dir);
  const outBase = req.out === undefined ? path.join(setup.baseDir, 'dist') : path.resolve(req.cwd, req.out);
  checkOutput(setup, envs, policiesDir, outBase, req);

  const sources = readSources(setup, policiesDir, outBase, req.cwd);
  const deployed = config.deployedPolicies ?? [];
  let opened: Awaited<ReturnType<typeof openXsdForRun>>;
  try {
    const policyDirs = sources.map((s) => path.dirname(s.input.absPath));
    opened = await openXsdForRun({ explicit: req.xsd, cwd: req.cwd, configXsd: config.xsd, configDir: setup.baseDir, policyDirs });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const xsd: XsdValidator | undefined = opened?.validator;
  const xsdPath = opened?.file;
  try {
    const builds = envs.map((env) => buildEnvironment(env, sources, deployed, config, xsd, outBase, req.version));
    return { setup, policiesDir, outBase, xsdPath, sourceCount: sources.length, builds, ok: builds.every((b) => b.result.summary.errors === 0) };
  } finally {
    xsd?.dispose();
  }
}

/** Writes dist/<env>/ for every environment, each swapped in whole. Call only when the outcome is ok. */
export function writeBuild(outcome: BuildOutcome): void {
  if (!outcome.ok) throw new Error('writeBuild called for a failed build');
  for (const b of outcome.builds) replaceFolder(b.outDir, b.files);
}

function buildEnvironment(
  env: Environment,
  sources: Source[],
  deployed: readonly string[],
  config: Config,
  xsd: XsdValidator | undefined,
  outBase: string,
  version: string,
): EnvironmentBuild {
  // 1. Settings and starter-pack placeholders, textually.
  const stage1 = sources.map((s) => {
    if (s.text === undefined) return { s, edits1: [] as Edit[], text1: undefined };
    const edits1 = substitutions(s.text, env, s.fileName);
    return { s, edits1: edits1 as Edit[], text1: applyEdits(s.text, edits1) };
  });
  // 2. The PolicyId prefix, placed by parsing the substituted text (a PolicyId may come from a setting).
  const parsed1 = stage1.map((x) => (x.text1 === undefined ? undefined : policyFromBytes(Buffer.from(x.text1, 'utf8'), x.s.display, x.s.input.absPath, x.s.input.scanned)));
  const inSet = new Set(parsed1.flatMap((p) => (p instanceof Policy && p.policyId ? [p.policyId.toUpperCase()] : [])));
  const outputs = stage1.map((x, i) => {
    const p = parsed1[i];
    // The policy's offsets leave out a byte-order mark; the text edited here has it.
    const shift = p instanceof Policy && p.bom ? 1 : 0;
    const edits2 = p instanceof Policy ? prefixEdits(p, env.policyIdPrefix, (id) => inSet.has(id.toUpperCase())).map((e) => ({ ...e, start: e.start + shift, end: e.end + shift })) : [];
    const out = x.text1 === undefined ? undefined : applyEdits(x.text1, edits2);
    return { ...x, edits2, out };
  });

  // 3. Lint the output as it will be uploaded.
  const policies: Policy[] = [];
  const broken: BrokenFile[] = [];
  const byDisplay = new Map<string, (typeof outputs)[number]>();
  for (const o of outputs) {
    byDisplay.set(o.s.display, o);
    if (o.out === undefined) {
      broken.push(o.s.broken!);
      continue;
    }
    const p = policyFromBytes(Buffer.from(o.out, 'utf8'), o.s.display, o.s.input.absPath, o.s.input.scanned);
    if (p instanceof Policy) policies.push(p);
    else broken.push(p);
  }
  const set = new PolicySet(policies, broken, deployed);
  // Lint as `lint` does: each policy set of the tree on its own (src/policy/sets.ts).
  const groups = groupPolicySets(policies, broken, { cwd: path.dirname(outBase), deployed });
  refuseClashingSets(groups);
  let diagnostics = lintSets(groups, { ready: true, xsd, environment: env, requireTotp: config.requireTotp }, { rules: buildSeverities(config.rules) });
  // ENV-001 and ENV-004 both report a {Settings:...} token or starter-pack word the environment has
  // no value for, at the same place; ENV-004 names the setting, so its finding is the one kept.
  const at = (d: Diagnostic) => `${d.file}\0${d.line}\0${d.column}`;
  const unknown = new Set(diagnostics.filter((d) => d.ruleId === unknownSettingRule.meta.id).map(at));
  diagnostics = diagnostics.filter((d) => !(d.ruleId === placeholderRule.meta.id && unknown.has(at(d))));
  diagnostics = diagnostics.map((d) => toSource(d, byDisplay.get(d.file))).sort(compareDiagnostics);

  // 4. The files as they will be written, and the upload order.
  const files: OutputFile[] = [];
  const hashes = new Map<Policy, { file: string; sha256: string }>();
  const bySource = new Map(outputs.map((o) => [o.s.input.absPath, o]));
  for (const p of [...policies].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const o = bySource.get(p.absPath)!;
    files.push({ rel: o.s.rel, content: o.out! });
    hashes.set(p, { file: o.s.rel, sha256: createHash('sha256').update(Buffer.from(o.out!, 'utf8')).digest('hex') });
  }
  const order = uploadOrder(set, (p) => hashes.get(p)!);
  files.push({ rel: UPLOAD_ORDER_FILE, content: `${JSON.stringify(order, null, 2)}\n` });

  const result: LintResult = {
    diagnostics,
    files: [...set.policies.map((p) => p.path), ...set.broken.map((b) => b.path)].sort(),
    rules: RULES.map(describeRule),
    summary: summarize(diagnostics),
    toolVersion: version,
  };
  const sourceMap = new Map<string, SourceOf>();
  for (const o of outputs) {
    if (o.out === undefined) continue;
    sourceMap.set(o.s.rel, { display: o.s.display, toSource: (line, column) => positionInSource(o, line, column, 'start') });
  }
  return { env, outDir: path.join(outBase, env.name), files, order, result, sources: sourceMap };
}

/**
 * dist/<env> holds one upload: two policy sets of the source tree that share a PolicyId (a folder per
 * environment, an old copy beside the new) cannot both go into it.
 */
function refuseClashingSets(groups: PolicyGroup[]): void {
  const owner = new Map<string, PolicyGroup>();
  for (const g of groups) {
    for (const p of g.own) {
      if (!p.policyId) continue;
      const key = tenantPolicyKey(p.policyId);
      const other = owner.get(key);
      if (other && other !== g) {
        throw new UsageError(
          `The source folder holds several policy sets that share PolicyId '${p.policyId}' (${other.own.find((q) => q.policyId && tenantPolicyKey(q.policyId) === key)!.path} and ${p.path}); build one set at a time: point "policies" in the config (or the build argument) at its folder. \`b2c-totp lint --list-sets\` shows the sets.`,
        );
      }
      owner.set(key, g);
    }
  }
}

/**
 * Config severities apply as in lint, except that a leftover placeholder always fails the build:
 * `"placeholder": "off"` is for plain lint of source, where placeholders are expected.
 */
function buildSeverities(rules: Record<string, SeveritySetting> | undefined): Record<string, SeveritySetting> {
  const out: Record<string, SeveritySetting> = {};
  const { id, name } = placeholderRule.meta;
  for (const [k, v] of Object.entries(rules ?? {})) {
    if (k.toUpperCase() === id.toUpperCase() || k.toLowerCase() === name.toLowerCase()) continue;
    out[k] = v;
  }
  return out;
}

type Output = { s: Source; edits1: Edit[]; text1: string | undefined; edits2: Edit[]; out: string | undefined };

/** A line:column of the output text, at the same place in the source file. */
function positionInSource(o: Output, line: number, column: number, side: 'start' | 'end'): { line: number; column: number } {
  if (o.out === undefined || o.s.text === undefined || (o.edits1.length === 0 && o.edits2.length === 0)) return { line, column };
  const offset = new LineIndex(o.out).lineStart(line) + column - 1;
  const mid = mapBack(o.edits2, offset, side);
  return new LineIndex(o.s.text).position(mapBack(o.edits1, mid, side));
}

/** Moves a finding from the output text to the same place in the source file (what the user edits). */
function toSource(d: Diagnostic, o: Output | undefined): Diagnostic {
  if (!o || o.out === undefined || o.s.text === undefined || (o.edits1.length === 0 && o.edits2.length === 0)) return d;
  const a = positionInSource(o, d.line, d.column, 'start');
  const b = positionInSource(o, d.endLine, d.endColumn, 'end');
  const sameLine = b.line === a.line;
  return { ...d, line: a.line, column: a.column, endLine: b.line, endColumn: sameLine && b.column <= a.column ? a.column + 1 : b.column };
}

/** Every source file: XML files under the source folder, minus ignored ones and build outputs. */
function readSources(setup: BuildSetup, policiesDir: string, outBase: string, cwd: string): Source[] {
  // Config globs are relative to the config's folder, so match them from there.
  const globRoot = setup.configPath ? path.dirname(setup.configPath) : setup.baseDir;
  let inputs: InputFile[];
  try {
    inputs = collectFiles([policiesDir], globRoot, setup.config.ignore ?? []);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${display(policiesDir, cwd)}: no *.xml policy files in this folder.`);
    throw e;
  }
  const excluded = [...setup.excludeDirs, ...setup.environments.map((e) => path.join(outBase, e.name))];
  if (isInside(outBase, policiesDir) && outBase !== policiesDir) excluded.push(outBase);
  const staging = /^\..*\.b2c-totp-\d+\.(?:new|old)$/;
  inputs = inputs.filter((f) => {
    if (excluded.some((d) => isInside(f.absPath, d))) return false;
    return !path.relative(policiesDir, f.absPath).split(path.sep).some((seg) => staging.test(seg));
  });
  if (inputs.length === 0) throw new UsageError(`${display(policiesDir, cwd)}: no *.xml policy files to build (outside the output folders).`);
  return inputs.map((input) => {
    const shown = toDisplayPath(input.absPath, cwd);
    let buf: Buffer;
    try {
      buf = readFileSync(input.absPath);
    } catch (e) {
      throw new UsageError(`${shown}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    const decoded = decodeUtf8(buf);
    const rel = path.relative(policiesDir, input.absPath).split(path.sep).join('/');
    const fileName = path.basename(input.absPath);
    if ('problem' in decoded) {
      const broken = policyFromBytes(buf, shown, input.absPath, input.scanned) as BrokenFile;
      return { input, display: shown, rel, fileName, text: undefined, broken };
    }
    return { input, display: shown, rel, fileName, text: fileText(decoded), broken: undefined };
  });
}

/** dist/<env> is replaced whole: it must not hold the sources or the config. */
function checkOutput(setup: BuildSetup, envs: Environment[], policiesDir: string, outBase: string, req: BuildRequest): void {
  for (const env of envs) {
    const target = path.join(outBase, env.name);
    for (const [what, p] of [
      ['the policy folder', policiesDir],
      [display(setup.source.path, req.cwd), setup.source.path],
      ...(setup.configPath ? [[display(setup.configPath, req.cwd), setup.configPath]] : []),
    ] as Array<[string, string]>) {
      if (isInside(p, target)) {
        throw new UsageError(`Output folder ${display(target, req.cwd)} would replace ${what}; choose another --out.`);
      }
    }
  }
}

function isInside(p: string, dir: string): boolean {
  const r = path.relative(dir, p);
  return r === '' || (r.split(path.sep)[0] !== '..' && !path.isAbsolute(r));
}
