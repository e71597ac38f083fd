import { WriteConflictError } from '../util/write-set.js';
import { colorFor } from '../util/color.js';
import { type InitResult, runInit } from '../init/init.js';
import { renderNextSteps } from '../init/next-steps.js';
import { InitError } from '../init/source.js';
import { STARTERPACK_COMMIT, STARTERPACK_REPO } from '../init/starterpack-manifest.js';
import type { Io } from './io.js';

export interface InitCommandOptions {
  tenant?: string;
  pack?: string;
  issuer?: string;
  from?: string;
  env?: string[];
  force?: boolean;
  /** Accepted for CI scripts: init never prompts (it refuses instead, and --force overrides). */
  yes?: boolean;
}

/** `b2c-totp init [folder]`: returns the exit code (0 done, 1 nothing written, 2 usage). */
export async function initCommand(folder: string, opts: InitCommandOptions, io: Io): Promise<number> {
  const color = colorFor(io.stdout, io.env);
  const progressTty = !!(io.stderr as { isTTY?: boolean }).isTTY;
  let progressOpen = false;
  let result: InitResult;
  try {
    result = await runInit({
      cwd: io.cwd,
      env: io.env,
      folder,
      tenant: opts.tenant,
      pack: opts.pack,
      issuer: opts.issuer,
      from: opts.from,
      envs: opts.env,
      force: opts.force,
      onDownloadStart: (flavour, files, url) => {
        io.stderr.write(`Downloading the ${flavour} starter pack (${files} files) from ${url}${progressTty ? '' : '\n'}`);
        progressOpen = progressTty;
      },
      onProgress: (done, total, bytes) => {
        const kb = `${Math.max(1, Math.round(bytes / 1024))} kB`;
        if (progressTty) io.stderr.write(`\r\x1b[2KDownloading: ${done}/${total} files, ${kb}${done === total ? ', sha256 verified\n' : ''}`);
        else if (done === total) io.stderr.write(`Downloaded ${total} files, ${kb}, sha256 verified.\n`);
        progressOpen = progressTty && done < total;
      },
    });
  } catch (e) {
    if (progressOpen) io.stderr.write('\n');
    if (e instanceof InitError || e instanceof WriteConflictError) {
      io.stderr.write(`b2c-totp: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  for (const w of result.warnings) io.stderr.write(`b2c-totp: warning: ${w}\n`);
  io.stdout.write(render(result, color));
  return 0;
}

function render(r: InitResult, color: ReturnType<typeof colorFor>): string {
  const out: string[] = [];
  const commit = STARTERPACK_COMMIT.slice(0, 7);
  if (r.mode === 'scaffold') {
    const how = r.source === 'from' ? 'copied from --from' : `downloaded from ${STARTERPACK_REPO}@${commit}`;
    out.push(color.green(`✔ ${r.folder}: the ${r.flavour} starter pack (${how}), with authenticator-app MFA (TOTP) added as a layer.`));
  } else if (r.plan.changes.length) {
    out.push(color.green(`✔ ${r.folder}: authenticator-app MFA (TOTP) added as a layer; no existing policy file was changed.`));
  } else {
    out.push(color.green(`✔ ${r.folder}: TOTP is already present; no policy file was changed.`));
  }
  for (const p of r.plan.protected) out.push(`  ${p.relyingParty.policyId}_TOTP protects ${p.journeyId}: TOTP before ${p.beforeWhat}`);
  out.push(`  wrote ${r.written.join(', ')}`);
  if (r.replaced.length) out.push(`  replaced (--force) ${r.replaced.join(', ')}`);
  const envs = (r.config.environments ?? []).map((e) => e.name).join(', ');
  out.push(`  ${r.configPath}: tenant ${r.tenant}, issuer '${r.issuer}', environments ${envs || '(none)'}`);
  out.push('');
  out.push(
    renderNextSteps({
      todo: r.todo,
      configPath: r.configPath,
      environments: (r.config.environments ?? []).map((e) => e.name),
    }),
  );
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
