import { pull, type PullReport } from '../deploy/pull.js';
import { redactingIo } from '../deploy/tenant.js';
import { SignInError } from '../graph/auth.js';
import { GraphError } from '../graph/client.js';
import { colorFor } from '../util/color.js';
import type { Io } from './io.js';

export interface PullCommandOptions {
  env?: string;
  config?: string;
  graphUrl?: string;
  timeout?: string;
  placeholder?: string;
  force?: boolean;
}

/** `b2c-totp pull`: 0 written, 2 usage (a file would be overwritten without --force), sign-in or service failure. */
export async function pullCommand(folder: string | undefined, opts: PullCommandOptions, rawIo: Io): Promise<number> {
  const { io, secrets } = redactingIo(rawIo);
  let report: PullReport;
  try {
    report = await pull({ folder, env: opts.env, config: opts.config, graphUrl: opts.graphUrl, timeout: opts.timeout, placeholder: opts.placeholder, force: opts.force }, io, secrets);
  } catch (e) {
    if (e instanceof GraphError || e instanceof SignInError) {
      io.stderr.write(`b2c-totp: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const color = colorFor(io.stdout, io.env);
  const width = Math.max(...report.files.map((f) => f.policyId.length));
  const out = [`Pulled ${report.files.length} ${report.files.length === 1 ? 'policy' : 'policies'} of ${report.env.tenant} (environment ${report.env.name}) into ${report.folder}/:`, ''];
  for (const f of report.files) out.push(`  ${f.policyId.padEnd(width)}  ${f.status.padEnd(9)} ${color.dim(f.file)}`);
  if (report.skipped.length) out.push('', color.dim(`Left out (another environment's prefix): ${report.skipped.join(', ')}`));
  out.push('', `The tenant name is back to ${report.placeholder}. Next: b2c-totp lint ${report.folder}, then build and deploy.`);
  io.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
