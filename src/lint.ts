import path from 'node:path';
import { type Config, loadConfig } from './config/config.js';
import { collectFiles, loadPolicySets, UsageError } from './policy/load.js';
import type { PolicyGroup } from './policy/sets.js';
import { compareDiagnostics, type Diagnostic, type LintResult, type RuleDescriptor, summarize } from './report/diagnostic.js';
import { runRules } from './rules/engine.js';
import { RULES, findRule } from './rules/index.js';
import type { LintOptions, Rule } from './rules/types.js';
import { openXsdForRun, type XsdValidator } from './xsd/validate.js';

export interface LintRequest {
  paths: string[];
  cwd: string;
  configPath?: string;
  /** Explicit XSD; `false` turns XSD validation off; undefined looks for one beside or above the files. */
  xsd?: string | false;
  ready?: boolean;
  deployed?: string[];
  version: string;
  /** Group the files into sets and stop: no XSD, no rules (`lint --list-sets`). */
  listOnly?: boolean;
}

export interface LintOutcome {
  result: LintResult;
  /** The policy sets found in the files, each linted on its own. */
  sets: PolicyGroup[];
  config: Config;
  xsdPath: string | undefined;
}

/** Loads config and files, runs every rule, and returns the result. Throws UsageError for exit-2 problems. */
export async function lint(req: LintRequest): Promise<LintOutcome> {
  const { config, dir: configDir } = loadConfig(req.cwd, req.configPath);
  for (const key of Object.keys(config.rules ?? {})) {
    if (!findRule(key)) throw new UsageError(`Unknown rule '${key}' in config "rules".`);
  }
  const ignore = (config.ignore ?? []).map((g) => toCwdGlob(g, configDir, req.cwd));
  const files = collectFiles(req.paths, req.cwd, ignore);
  if (files.length === 0) throw new UsageError('No policy files to lint (all were ignored).');
  const deployed = [...(config.deployedPolicies ?? []), ...(req.deployed ?? [])];
  const sets = loadPolicySets(files, req.cwd, { deployed, sets: config.sets, configDir });
  const own = sets.flatMap((g) => g.own);
  const broken = sets.flatMap((g) => g.broken);
  if (own.length === 0 && broken.every((b) => b.scanned && b.problem.kind === 'not-a-policy')) {
    throw new UsageError(`No TrustFrameworkPolicy files in ${req.paths.join(', ')} (found only other XML).`);
  }

  if (req.listOnly) {
    const files = [...own.map((p) => p.path), ...broken.map((b) => b.path)].sort();
    return { result: { diagnostics: [], files, rules: [], summary: summarize([]), toolVersion: req.version }, sets, config, xsdPath: undefined };
  }
  let opened: Awaited<ReturnType<typeof openXsdForRun>>;
  try {
    opened = await openXsdForRun({ explicit: req.xsd, cwd: req.cwd, configXsd: config.xsd, configDir, policyDirs: files.map((f) => path.dirname(f.absPath)) });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const xsd: XsdValidator | undefined = opened?.validator;
  const xsdPath = opened?.file;
  let diagnostics: Diagnostic[];
  try {
    diagnostics = lintSets(sets, { ready: req.ready ?? false, xsd, requireTotp: config.requireTotp }, config);
  } finally {
    xsd?.dispose();
  }
  const result: LintResult = {
    diagnostics,
    files: [...own.map((p) => p.path), ...broken.map((b) => b.path)].sort(),
    rules: RULES.map(describeRule),
    summary: summarize(diagnostics),
    toolVersion: req.version,
  };
  return { result, sets, config, xsdPath };
}

/**
 * Runs the rules over each set on its own. A base borrowed by several sets is checked in each, with
 * the same result: findings are kept once.
 */
export function lintSets(sets: readonly PolicyGroup[], options: LintOptions, config: Config): Diagnostic[] {
  if (sets.length === 1) return runRules(RULES, sets[0]!.set, options, { rules: config.rules });
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const g of sets) {
    for (const d of runRules(RULES, g.set, options, { rules: config.rules })) {
      const key = `${d.file}\0${d.line}\0${d.column}\0${d.ruleId}\0${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(d);
    }
  }
  return out.sort(compareDiagnostics);
}

/** Config globs are relative to the config file; file matching is relative to the working folder. */
function toCwdGlob(glob: string, configDir: string, cwd: string): string {
  if (!glob.includes('/') || glob.startsWith('**/')) return glob;
  const rel = path.relative(cwd, configDir).split(path.sep).join('/');
  return rel ? `${rel}/${glob.replace(/^\.\//, '')}` : glob;
}

export function describeRule(r: Rule): RuleDescriptor {
  return {
    id: r.meta.id,
    name: r.meta.name,
    severity: r.meta.severity,
    summary: r.meta.summary,
    description: r.meta.description,
    docsPath: `docs/rules/${r.meta.id}.md`,
  };
}
