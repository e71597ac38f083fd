import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { keys, type KeysReport } from '../deploy/keys.js';
import { redactingIo } from '../deploy/tenant.js';
import { SignInError } from '../graph/auth.js';
import { GraphError } from '../graph/client.js';
import { colorFor } from '../util/color.js';
import { VERSION } from '../version.js';
import type { Io } from './io.js';

export interface KeysCommandOptions {
  env?: string;
  config?: string;
  graphUrl?: string;
  timeout?: string;
  dryRun?: boolean;
}

/** `b2c-totp keys`: 0 every key is there (or created), 1 some could not be created, 2 usage, sign-in or service failure. */
export async function keysCommand(dir: string | undefined, opts: KeysCommandOptions, rawIo: Io): Promise<number> {
  const { io, secrets } = redactingIo(rawIo);
  let report: KeysReport;
  try {
    report = await keys({ dir, env: opts.env, config: opts.config, graphUrl: opts.graphUrl, timeout: opts.timeout, dryRun: opts.dryRun, version: VERSION }, io, secrets, (q) => askHidden(rawIo, q));
  } catch (e) {
    if (e instanceof GraphError || e instanceof SignInError) {
      io.stderr.write(`b2c-totp: ${e.message}\n`);
      if (e instanceof GraphError && e.status === 403) io.stderr.write('b2c-totp: the sign-in needs TrustFrameworkKeySet.ReadWrite.All (a person: the B2C IEF Keyset Administrator role).\n');
      return 2;
    }
    throw e;
  }
  const color = colorFor(io.stdout, io.env);
  const out: string[] = [`Policy keys of ${report.env.tenant} (environment ${report.env.name}) that the policies reference:`, ''];
  if (report.items.length === 0) out.push('  (none)');
  const width = Math.max(0, ...report.items.map((i) => i.id.length));
  for (const i of report.items) {
    const mark = i.status === 'present' || i.status === 'created' ? color.green('✔') : i.status === 'to create' ? '+' : color.red('✖');
    out.push(`  ${mark} ${i.id.padEnd(width)}  ${i.status.padEnd(13)} ${color.dim(i.detail)}`);
  }
  out.push('');
  const created = report.items.filter((i) => i.status === 'created').length;
  const present = report.items.filter((i) => i.status === 'present').length;
  const toCreate = report.items.filter((i) => i.status === 'to create').length;
  const bad = report.items.filter((i) => i.status === 'needs a value' || i.status === 'not supported' || i.status === 'failed');
  if (report.dryRun) out.push(`${toCreate} to create, ${present} already there (dry run: nothing was created).`);
  else if (bad.length === 0) out.push(color.green(`✔ ${created} created, ${present} already there.`));
  else out.push(color.red(`✖ ${bad.length} not created (${bad.map((b) => b.id).join(', ')}); ${created} created, ${present} already there.`));
  io.stdout.write(`${out.join('\n')}\n`);
  return bad.length ? 1 : 0;
}

/** Reads a line without echoing it; undefined when no person is at a terminal. */
async function askHidden(io: Io, question: string): Promise<string | undefined> {
  const input = io.stdin;
  if (!input?.isTTY) return undefined;
  io.stderr.write(question);
  const mute = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input, output: mute, terminal: true });
  try {
    const answer = await new Promise<string>((resolve) => rl.question('', resolve));
    return answer.trim() || undefined;
  } finally {
    rl.close();
    io.stderr.write('\n');
  }
}
