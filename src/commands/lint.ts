import { type Io, LINT_FORMATS } from './io.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { lint } from '../lint.js';
import { UsageError } from '../policy/load.js';
import type { LintResult } from '../report/diagnostic.js';
import { formatGithub } from '../report/github.js';
import { formatJson } from '../report/json.js';
import { formatJunit } from '../report/junit.js';
import { formatSarif } from '../report/sarif.js';
import { formatStylish } from '../report/stylish.js';
import { formatSets, setsJson } from '../report/sets.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { colorFor } from '../util/color.js';
import { VERSION } from '../version.js';

export const FORMATS = LINT_FORMATS;
export type Format = (typeof FORMATS)[number];

export interface LintCommandOptions {
  format: string;
  output?: string;
  config?: string;
  maxWarnings?: string;
  xsd?: string | boolean;
  ready?: boolean;
  deployed?: string[];
  sarifCategory?: string;
  quiet?: boolean;
  listSets?: boolean;
  verbose?: boolean;
}

export type { Io };

/** `b2c-totp lint`: returns the exit code (0 clean, 1 errors or too many warnings, 2 usage). */
export async function lintCommand(paths: string[], opts: LintCommandOptions, io: Io): Promise<number> {
  if (!(FORMATS as readonly string[]).includes(opts.format)) {
    throw new UsageError(`Unknown format '${opts.format}'; use one of ${FORMATS.join(', ')}.`);
  }
  const maxWarnings = opts.maxWarnings === undefined ? -1 : Number(opts.maxWarnings);
  if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new UsageError(`--max-warnings takes a whole number, not '${opts.maxWarnings}'.`);
  const { result: full, sets } = await lint({
    paths: paths.length ? paths : ['.'],
    cwd: io.cwd,
    configPath: opts.config,
    xsd: opts.xsd === false ? false : typeof opts.xsd === 'string' ? opts.xsd : undefined,
    ready: opts.ready,
    deployed: (opts.deployed ?? []).flatMap((d) => d.split(',')).map((d) => d.trim()).filter(Boolean),
    version: VERSION,
    listOnly: opts.listSets,
  });
  if (opts.listSets) {
    if (opts.format !== 'stylish' && opts.format !== 'json') throw new UsageError('--list-sets prints stylish (default) or json.');
    const text = opts.format === 'json' ? `${JSON.stringify(setsJson(sets, io.cwd), null, 2)}\n` : formatSets(sets, io.cwd, colorFor(io.stdout, io.env));
    if (opts.output !== undefined) writeFileAtomic(path.resolve(io.cwd, opts.output), text);
    else io.stdout.write(text);
    return 0;
  }
  if (opts.verbose) io.stderr.write(formatSets(sets, io.cwd, colorFor({ isTTY: false }, io.env)));
  // --quiet leaves infos (placeholders in source, case differences, skipped files) out of every format.
  const result = opts.quiet ? { ...full, diagnostics: full.diagnostics.filter((d) => d.severity !== 'info'), summary: { ...full.summary, infos: 0 } } : full;
  const toFile = opts.output !== undefined;
  const text = render(result, opts.format as Format, toFile ? { isTTY: false } : io.stdout, io.env, io.cwd, opts.sarifCategory);
  if (toFile) {
    writeFileAtomic(path.resolve(io.cwd, opts.output!), text);
    // The file holds the report; the terminal still gets a one-line verdict.
    const s = result.summary;
    io.stderr.write(`b2c-totp: ${s.errors} errors, ${s.warnings} warnings, ${s.infos} infos in ${result.files.length} files; report written to ${opts.output}\n`);
  } else {
    io.stdout.write(text);
  }
  if (result.summary.errors > 0) return 1;
  if (maxWarnings >= 0 && result.summary.warnings > maxWarnings) {
    io.stderr.write(`b2c-totp: ${result.summary.warnings} warnings exceed --max-warnings ${maxWarnings}.\n`);
    return 1;
  }
  return 0;
}

function render(result: LintResult, format: Format, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, cwd: string, category?: string): string {
  switch (format) {
    case 'json':
      return formatJson(result);
    case 'sarif':
      return formatSarif(relativeToRepository(result, cwd, env), category ? { category } : undefined);
    case 'github':
      return formatGithub(relativeToRepository(result, cwd, env));
    case 'junit':
      return formatJunit(result);
    default:
      return formatStylish(result, colorFor(stream, env));
  }
}

/**
 * GitHub resolves SARIF and annotation paths against the repository root, not the folder lint ran in
 * (a workflow step may use working-directory): rebase them on GITHUB_WORKSPACE, else the enclosing git
 * checkout, else leave them relative to the working folder.
 */
export function relativeToRepository(result: LintResult, cwd: string, env: NodeJS.ProcessEnv): LintResult {
  const root = env.GITHUB_WORKSPACE ? path.resolve(env.GITHUB_WORKSPACE) : gitRoot(cwd);
  if (!root || root === path.resolve(cwd)) return result;
  const rebase = (file: string) => {
    const r = path.relative(root, path.resolve(cwd, file));
    return r.startsWith('..') || path.isAbsolute(r) ? file : r.split(path.sep).join('/');
  };
  return {
    ...result,
    files: result.files.map(rebase),
    diagnostics: result.diagnostics.map((d) => ({ ...d, file: rebase(d.file), ...(d.related ? { related: d.related.map((r) => ({ ...r, file: rebase(r.file) })) } : {}) })),
  };
}

function gitRoot(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}
