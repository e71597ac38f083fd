import { deploy, type DeployProgress, type DeployReport, type TenantReport } from '../deploy/deploy.js';
import { UPLOAD_RULE } from '../deploy/service-errors.js';
import { redactingIo } from '../deploy/tenant.js';
import { UsageError } from '../errors.js';
import { GraphError } from '../graph/client.js';
import { SignInError } from '../graph/auth.js';
import type { LintResult } from '../report/diagnostic.js';
import { formatGithub } from '../report/github.js';
import { formatSarif } from '../report/sarif.js';
import { formatStylish } from '../report/stylish.js';
import { colorFor } from '../util/color.js';
import { VERSION } from '../version.js';
import { renderBuild } from './build.js';
import type { Io } from './io.js';
import { relativeToRepository } from './lint.js';

export const DEPLOY_FORMATS = ['stylish', 'json', 'github', 'sarif'] as const;

export interface DeployCommandOptions {
  env?: string;
  config?: string;
  dist?: string | boolean;
  xsd?: string | boolean;
  dryRun?: boolean;
  all?: boolean;
  resumeFrom?: string;
  format: string;
  graphUrl?: string;
  timeout?: string;
}

/**
 * `b2c-totp deploy`: 0 uploaded (or nothing to upload; a dry run that would work), 1 the policies
 * have a problem (lint errors, missing keys or base, the service rejected one), 2 usage, sign-in,
 * permission, network or service failure.
 */
export async function deployCommand(dir: string | undefined, opts: DeployCommandOptions, rawIo: Io): Promise<number> {
  if (!(DEPLOY_FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`Unknown format '${opts.format}'; use one of ${DEPLOY_FORMATS.join(', ')}.`);
  const { io, secrets } = redactingIo(rawIo);
  const format = opts.format as Format;
  const color = colorFor(io.stdout, io.env);
  // Text formats show the plan before the uploads and each upload as it ends; SARIF keeps stdout for its document.
  const narrative = format === 'json' ? undefined : format === 'sarif' ? io.stderr : io.stdout;
  const progress: DeployProgress = narrative
    ? {
        planned: (r) => narrative.write(`${planText(r, color)}\n`),
        uploaded: (i) => narrative.write(`${color.green('✔')} ${i.policyId} ${i.result}\n`),
      }
    : {};
  let report: DeployReport;
  try {
    report = await deploy(
      {
        dir,
        env: opts.env,
        config: opts.config,
        dist: opts.dist,
        xsd: opts.xsd === false ? false : typeof opts.xsd === 'string' ? opts.xsd : undefined,
        dryRun: opts.dryRun,
        all: opts.all,
        resumeFrom: opts.resumeFrom,
        graphUrl: opts.graphUrl,
        timeout: opts.timeout,
        version: VERSION,
      },
      io,
      secrets,
      progress,
    );
  } catch (e) {
    if (e instanceof GraphError || e instanceof SignInError) {
      io.stderr.write(`b2c-totp: ${e.message}\n${hint(e)}`);
      if (format === 'json') {
        const detail = e instanceof GraphError ? { status: e.status, code: e.code, message: e.serviceMessage, request: `${e.method} ${e.path}` } : { message: e.message };
        io.stdout.write(`${JSON.stringify({ result: 'error', ...detail }, null, 2)}\n`);
      }
      return 2;
    }
    throw e;
  }
  return render(report, format, io);
}

type Format = (typeof DEPLOY_FORMATS)[number];
type Color = ReturnType<typeof colorFor>;

/** Where from, where to, and one line per policy: upload or skip, and why. */
function planText(report: TenantReport, color: Color): string {
  const lines: string[] = [];
  lines.push(`${report.dryRun ? 'Plan for' : 'Deploying to'} ${report.env.tenant} (environment ${report.env.name}) from ${report.from}`);
  lines.push(color.dim(`Graph ${report.graphUrl}, signed in with ${report.auth}`));
  if (report.keyCheckSkipped) lines.push(color.yellow(`⚠ ${report.keyCheckSkipped}`));
  lines.push('');
  const idWidth = Math.max(...report.items.map((i) => i.policyId.length));
  for (const [n, i] of report.items.entries()) {
    const mark = i.action === 'skip' ? color.dim('=') : '↑';
    lines.push(`${String(n + 1).padStart(3)}. ${mark} ${i.policyId.padEnd(idWidth)}  ${i.action.padEnd(6)} ${color.dim(`${i.reason}; ${i.display}`)}`);
  }
  lines.push('');
  return lines.join('\n');
}

/** What to do about a failure that is not in the policies. */
function hint(e: Error): string {
  if (!(e instanceof GraphError)) return '';
  if (e.status === 401) return 'b2c-totp: the token was rejected: sign in again, or check that it is for this tenant and for Microsoft Graph.\n';
  if (e.status === 403)
    return 'b2c-totp: the sign-in lacks a permission: the app needs Policy.ReadWrite.TrustFramework and TrustFrameworkKeySet.ReadWrite.All (application, admin-consented), a person the B2C IEF Policy Administrator role.\n';
  return '';
}

function render(report: DeployReport, format: Format, io: Io): number {
  const color = colorFor(io.stdout, io.env);
  if (report.kind === 'lint-failed') {
    if (format === 'json') io.stdout.write(`${JSON.stringify({ environment: report.env.name, tenant: report.env.tenant, result: 'lint-failed', diagnostics: report.outcome.builds[0]?.result.diagnostics ?? [] }, null, 2)}\n`);
    else (format === 'sarif' ? io.stderr : io.stdout).write(renderBuild(report.outcome, io).replace(/✖ Build failed: .*\n$/, `✖ Nothing was uploaded: fix the errors first.\n`));
    const result = relativeToRepository(report.outcome.builds[0]!.result, io.cwd, io.env);
    if (format === 'sarif') io.stdout.write(formatSarif(result));
    if (format === 'github') io.stdout.write(formatGithub({ ...result, diagnostics: result.diagnostics.filter((d) => d.severity !== 'info') }));
    return 1;
  }
  const code = report.kind === 'planned' || report.kind === 'done' ? 0 : report.failure && !report.failure.diagnostic ? 2 : 1;
  const diagnostics = report.failure?.diagnostic ? [report.failure.diagnostic] : [];
  const lint: LintResult = {
    diagnostics,
    files: diagnostics.map((d) => d.file),
    rules: [UPLOAD_RULE],
    summary: { errors: diagnostics.length, warnings: 0, infos: 0 },
    toolVersion: VERSION,
  };

  if (format === 'json') {
    io.stdout.write(
      `${JSON.stringify(
        {
          environment: report.env.name,
          tenant: report.env.tenant,
          graphUrl: report.graphUrl,
          dryRun: report.dryRun,
          result: report.kind,
          missingKeys: report.missingKeys,
          ...(report.keyCheckSkipped ? { keyCheckSkipped: report.keyCheckSkipped } : {}),
          missingBases: report.missingBases,
          policies: report.items.map((i) => ({ policyId: i.policyId, file: i.display, base: i.base, action: i.action, reason: i.reason, ...(i.result ? { result: i.result } : {}) })),
          ...(report.failure ? { failure: report.failure } : {}),
        },
        null,
        2,
      )}\n`,
    );
    return code;
  }

  // SARIF is a document on stdout: the narrative goes to stderr. The plan was shown already (progress).
  const out = format === 'sarif' ? io.stderr : io.stdout;
  const lines: string[] = [];
  const uploads = report.items.filter((i) => i.action === 'upload');
  const skipped = report.items.length - uploads.length;
  if (report.missingKeys.length) {
    lines.push(color.red(`✖ The tenant lacks ${report.missingKeys.length === 1 ? 'a policy key' : `${report.missingKeys.length} policy keys`} the policies reference: ${report.missingKeys.join(', ')}.`));
    lines.push(`  Create ${report.missingKeys.length === 1 ? 'it' : 'them'} with: b2c-totp keys --env ${report.env.name}${report.dryRun ? '' : '   (nothing was uploaded)'}`);
  }
  if (report.missingBases.length) {
    lines.push(color.red(`✖ Base ${report.missingBases.length === 1 ? 'policy' : 'policies'} ${report.missingBases.join(', ')} ${report.missingBases.length === 1 ? 'is' : 'are'} neither in the set nor in the tenant${report.dryRun ? '' : '; nothing was uploaded'}.`));
  }
  if (report.kind === 'planned') {
    lines.push(uploads.length ? `${uploads.length} to upload, ${skipped} unchanged (dry run: nothing was uploaded).` : `Nothing to upload: the tenant has all ${report.items.length} policies as built.`);
  } else if (report.kind === 'done') {
    lines.push(
      uploads.length
        ? color.green(`✔ ${uploads.length} uploaded, ${skipped} unchanged.`)
        : color.green(`✔ Nothing to upload: the tenant has all ${report.items.length} policies as built.`),
    );
  } else if (report.kind === 'failed' && report.failure) {
    const f = report.failure;
    const done = report.items.filter((i) => i.result === 'created' || i.result === 'replaced').map((i) => i.policyId);
    const left = report.items.filter((i) => i.result === 'not attempted').map((i) => i.policyId);
    lines.push(color.red.bold(`✖ Upload of ${f.policyId} failed (${f.status === 0 ? 'no response' : `HTTP ${f.status}${f.code ? ` ${f.code}` : ''}`}). The service said:`));
    lines.push(`  ${f.message}`);
    lines.push('');
    lines.push(`Uploaded in this run before it: ${done.length ? done.join(', ') : 'none'}.`);
    lines.push(`Not attempted (they depend on it or come after it): ${left.length ? left.join(', ') : 'none'}.`);
    if (f.status === 401 || f.status === 403) lines.push(hint(new GraphError('PUT', '', f.status, f.code, f.message)).replace(/^b2c-totp: /, '').trimEnd());
    lines.push(`Fix it, then resume with: ${f.resume}`);
    lines.push('');
  }
  out.write(`${lines.join('\n')}\n`);
  if (diagnostics.length) {
    if (format === 'sarif') io.stdout.write(formatSarif(relativeToRepository(lint, io.cwd, io.env)));
    else if (format === 'github') io.stdout.write(formatGithub(relativeToRepository(lint, io.cwd, io.env)));
    else io.stdout.write(formatStylish(lint, color));
  } else if (format === 'sarif') {
    io.stdout.write(formatSarif(lint));
  }
  return code;
}
