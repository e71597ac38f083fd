import { type BuildOutcome, buildPolicies, UPLOAD_ORDER_FILE, writeBuild } from '../build/build.js';
import { display } from '../build/environments.js';
import type { LintResult } from '../report/diagnostic.js';
import { formatStylish } from '../report/stylish.js';
import { colorFor } from '../util/color.js';
import { VERSION } from '../version.js';
import type { Io } from './io.js';

export interface BuildCommandOptions {
  /** Repeatable; each may be a comma list. */
  env?: string[];
  out?: string;
  config?: string;
  xsd?: string | boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `b2c-totp build`: returns the exit code (0 written, 1 lint errors and nothing written, 2 usage). */
export async function buildCommand(dir: string | undefined, opts: BuildCommandOptions, io: Io): Promise<number> {
  const outcome = await buildPolicies({
    cwd: io.cwd,
    dir,
    envs: opts.env,
    out: opts.out,
    configPath: opts.config,
    xsd: opts.xsd === false ? false : typeof opts.xsd === 'string' ? opts.xsd : undefined,
    version: VERSION,
  });
  if (outcome.ok) writeBuild(outcome);
  io.stdout.write(renderBuild(outcome, io));
  return outcome.ok ? 0 : 1;
}

/**
 * A header saying where the environments came from, a stylish block per environment with errors
 * or warnings (infos are left to `lint`), and one summary line per environment.
 */
export function renderBuild(outcome: BuildOutcome, io: Pick<Io, 'cwd' | 'stdout' | 'env'>): string {
  const color = colorFor(io.stdout, io.env);
  const rel = (abs: string) => display(abs, io.cwd);
  const { setup } = outcome;
  const out: string[] = [];
  const from =
    setup.source.kind === 'appsettings'
      ? `${rel(setup.source.path)} (VS Code B2C extension format)${setup.configPath ? `, with the rest of ${rel(setup.configPath)}` : ''}`
      : rel(setup.source.path);
  out.push(`Environments from ${from}; policies from ${rel(outcome.policiesDir)}/ (${plural(outcome.sourceCount, 'file')}).`);
  if (setup.ignoredAppSettings) out.push(color.dim(`(${rel(setup.ignoredAppSettings)} is not used: ${rel(setup.source.path)} wins.)`));
  if (outcome.xsdPath) out.push(color.dim(`XSD: ${rel(outcome.xsdPath)}`));
  out.push('');

  for (const b of outcome.builds) {
    const shown = shownResult(b.result);
    if (shown.diagnostics.length === 0) continue;
    out.push(color.bold(`${b.env.name} (${b.env.tenant}${b.env.production ? ', production' : ''})`));
    out.push(formatStylish(shown, color));
  }

  for (const b of outcome.builds) {
    const s = b.result.summary;
    const counts = [s.errors && plural(s.errors, 'error'), s.warnings && plural(s.warnings, 'warning'), s.infos && plural(s.infos, 'info')].filter(Boolean).join(', ');
    const policies = plural(b.order.length, 'policy').replace(/policys$/, 'policies');
    if (s.errors > 0) {
      out.push(color.red(`✖ ${b.env.name}: ${counts}; ${rel(b.outDir)}/ not written.`));
    } else if (outcome.ok) {
      const extra = counts ? `, ${counts}` : '';
      out.push(color.green(`✔ ${b.env.name}: ${policies} → ${rel(b.outDir)}/ (tenant ${b.env.tenant}${extra}; order in ${UPLOAD_ORDER_FILE})`));
    } else {
      out.push(`  ${b.env.name}: no errors${counts ? ` (${counts})` : ''}; not written because another environment failed.`);
    }
  }
  if (!outcome.ok) out.push(color.red.bold(`✖ Build failed: nothing was written; existing output under ${rel(outcome.outBase)}/ is unchanged.`));
  return `${out.join('\n')}\n`;
}

/** Errors and warnings; infos (notes on source style) are for `b2c-totp lint`. */
function shownResult(r: LintResult): LintResult {
  const diagnostics = r.diagnostics.filter((d) => d.severity !== 'info');
  const summary = { ...r.summary, infos: 0 };
  return { ...r, diagnostics, summary };
}
