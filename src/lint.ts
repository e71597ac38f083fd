import path from 'node:path';
import { type Config, loadConfig } from './config/config.js';
import { collectFiles, loadPolicySet, UsageError } from './policy/load.js';
import type { PolicySet } from './policy/set.js';
import { type Diagnostic, type LintResult, type RuleDescriptor, summarize } from './report/diagnostic.js';
import { runRules } from './rules/engine.js';
import { RULES, findRule } from './rules/index.js';
import type { Rule } from './rules/types.js';
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
}

export interface LintOutcome {
  result: LintResult;
  set: PolicySet;
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
  const set = loadPolicySet(files, req.cwd, deployed);
  if (set.policies.length === 0 && set.broken.every((b) => b.scanned && b.problem.kind === 'not-a-policy')) {
    throw new UsageError(`No TrustFrameworkPolicy files in ${req.paths.join(', ')} (found only other XML).`);
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
    diagnostics = runRules(RULES, set, { ready: req.ready ?? false, xsd }, { rules: config.rules });
  } finally {
    xsd?.dispose();
  }
  const result: LintResult = {
    diagnostics,
    files: [...set.policies.map((p) => p.path), ...set.broken.map((b) => b.path)].sort(),
    rules: RULES.map(describeRule),
    summary: summarize(diagnostics),
    toolVersion: req.version,
  };
  return { result, set, config, xsdPath };
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
