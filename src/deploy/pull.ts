/**
 * `b2c-totp pull`: the tenant's custom policies into a folder, so an existing tenant can be
 * adopted (pull, lint, inject, build, deploy). Each file is the tenant's text with three splices
 * undone: the TenantObjectId the service adds to the root, the tenant name (back to the
 * placeholder build fills in) and the environment's PolicyId prefix.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { display, type Environment, loadBuildSetup } from '../build/environments.js';
import type { Io } from '../commands/io.js';
import { UsageError } from '../errors.js';
import { writeFilesTransaction } from '../util/write-set.js';
import { withoutTenantObjectId } from './compare.js';
import { connect, pickEnvironment, type TenantOptions } from './tenant.js';

export const DEFAULT_PLACEHOLDER = 'yourtenant.onmicrosoft.com';

export interface PullRequest extends TenantOptions {
  folder?: string;
  config?: string;
  placeholder?: string;
  force?: boolean;
}

export interface PulledFile {
  policyId: string;
  /** PolicyId in the file (without the environment's prefix). */
  sourceId: string;
  file: string;
  status: 'new' | 'updated' | 'unchanged';
}

export interface PullReport {
  env: Environment;
  graphUrl: string;
  auth: string;
  folder: string;
  files: PulledFile[];
  /** Tenant policies left out: they carry another environment's prefix. */
  skipped: string[];
  /** What the tenant name became. */
  placeholder: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The tenant placeholder the config's source set uses: the more frequent of yourtenant.onmicrosoft.com
 * and {Settings:Tenant} in its files; with no source yet, {Settings:Tenant} for the VS Code extension's
 * appsettings.json, else yourtenant.onmicrosoft.com (what init keeps).
 */
export function placeholderInUse(policiesDir: string, skip: string[], kind: 'b2c-totp' | 'appsettings'): string {
  let starter = 0;
  let setting = 0;
  let files: string[] = [];
  try {
    files = (readdirSync(policiesDir, { recursive: true }) as string[]).filter((f) => f.toLowerCase().endsWith('.xml'));
  } catch {
    // no source folder yet
  }
  for (const f of files.slice(0, 500)) {
    const abs = path.join(policiesDir, f);
    if (skip.some((d) => !path.relative(d, abs).startsWith('..'))) continue;
    const text = readFileSync(abs, 'utf8');
    starter += text.match(/yourtenant\.onmicrosoft\.com/gi)?.length ?? 0;
    setting += text.match(/\{Settings:Tenant\}/g)?.length ?? 0;
  }
  if (starter === 0 && setting === 0) return kind === 'appsettings' ? '{Settings:Tenant}' : DEFAULT_PLACEHOLDER;
  return setting > starter ? '{Settings:Tenant}' : DEFAULT_PLACEHOLDER;
}

export async function pull(req: PullRequest, io: Io, secrets: Set<string>): Promise<PullReport> {
  const setup = loadBuildSetup({ cwd: io.cwd, configPath: req.config });
  const env = pickEnvironment(setup.environments, req.env, display(setup.source.path, io.cwd));
  const folder = path.resolve(io.cwd, req.folder ?? path.join('pulled', env.name));
  const placeholder = req.placeholder ?? placeholderInUse(setup.policiesDir, [folder, path.join(setup.baseDir, 'dist')], setup.source.kind);
  const { client, graphUrl, auth } = connect(env, req, io, secrets);

  const prefix = env.policyIdPrefix ? `B2C_1A_${env.policyIdPrefix}` : '';
  const all = await client.listPolicies();
  const ids = prefix ? all.filter((id) => id.toUpperCase().startsWith(prefix.toUpperCase())) : all;
  const skipped = all.filter((id) => !ids.includes(id));
  if (ids.length === 0) throw new UsageError(`${env.tenant} has no custom policies${prefix ? ` starting with ${prefix}` : ''} to pull.`);

  /** Ids as the source names them: the environment's prefix taken off. */
  const unprefix = (id: string) => (prefix && id.toUpperCase().startsWith(prefix.toUpperCase()) ? `B2C_1A_${id.slice(prefix.length)}` : id);
  const tenant = new RegExp(`(?<![A-Za-z0-9-])${escape(env.tenant)}(?![A-Za-z0-9-])`, 'gi');
  const prefixed = prefix ? new RegExp(`(?<![A-Za-z0-9_])(?:${ids.map(escape).join('|')})(?![A-Za-z0-9_.-])`, 'gi') : undefined;

  const used = new Set<string>();
  const files: PulledFile[] = [];
  const writes = [];
  for (const id of ids) {
    const remote = await client.getPolicy(id);
    if (remote === undefined) continue; // deleted while we listed
    let text = withoutTenantObjectId(remote).replace(tenant, placeholder);
    if (prefixed) text = text.replace(prefixed, (m) => unprefix(m));
    const sourceId = unprefix(id);
    let name = sourceId.replace(/^B2C_1A_/i, '') || sourceId;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${sourceId}_${n}`;
    used.add(name.toLowerCase());
    const abs = path.join(folder, `${name}.xml`);
    const before = existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
    const status = before === undefined ? 'new' : before === text ? 'unchanged' : 'updated';
    files.push({ policyId: id, sourceId, file: display(abs, io.cwd), status });
    if (status !== 'unchanged') writes.push({ absPath: abs, before, after: text });
  }
  const changed = files.filter((f) => f.status === 'updated');
  if (changed.length && !req.force) {
    throw new UsageError(`${changed.map((f) => f.file).join(', ')} already exist${changed.length === 1 ? 's' : ''} and differ${changed.length === 1 ? 's' : ''} from the tenant; nothing was written. Pull into another folder, or add --force to overwrite.`);
  }
  writeFilesTransaction(writes, (abs) => display(abs, io.cwd));
  return { env, graphUrl, auth, folder: display(folder, io.cwd), files, skipped, placeholder };
}
