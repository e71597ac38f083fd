/**
 * `b2c-totp deploy`: build an environment (or read dist/<env>), compare each policy with the
 * tenant's, and upload what changed, in upload order, with the descendants of every uploaded
 * policy (the service validates a policy against its chain at upload). A rejected upload stops
 * the run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type BuildOutcome, buildPolicies, UPLOAD_ORDER_FILE } from '../build/build.js';
import { display, type Environment, loadBuildSetup } from '../build/environments.js';
import type { UploadEntry } from '../build/order.js';
import type { Io } from '../commands/io.js';
import { UsageError } from '../errors.js';
import { GraphError, type GraphClient } from '../graph/client.js';
import { policyKeys } from '../init/next-steps.js';
import { policyFromBytes } from '../policy/load.js';
import { Policy } from '../policy/policy.js';
import type { Diagnostic } from '../report/diagnostic.js';
import { comparable } from './compare.js';
import { locateServiceError, type UploadedDoc } from './service-errors.js';
import { connect, pickEnvironment, type TenantOptions } from './tenant.js';

export interface DeployRequest extends TenantOptions {
  dir?: string;
  config?: string;
  /** Upload the files of a build folder (default dist/<env>) instead of building in memory. */
  dist?: string | boolean;
  xsd?: string | false;
  dryRun?: boolean;
  /** Upload every policy, changed or not. */
  all?: boolean;
  /** Upload this policy and every one after it in the order (after a failed run). */
  resumeFrom?: string;
  version: string;
}

/** One policy of the set, as it will be uploaded. */
export interface DeployItem extends UploadedDoc {
  policyId: string;
  base: string | null;
  content: string;
  action: 'upload' | 'skip';
  /** Why: new, changed, unchanged, its base is uploaded, --all, --resume-from. */
  reason: string;
  /** After the run: what happened to it. */
  result?: 'created' | 'replaced' | 'failed' | 'not attempted';
}

export interface DeployFailure {
  policyId: string;
  /** HTTP status; 0 when no response came. */
  status: number;
  code: string | undefined;
  /** The service's message in full. */
  message: string;
  /** The rejection at the element it names (validation failures only). */
  diagnostic: Diagnostic | undefined;
  /** The command that continues from the failed policy. */
  resume: string;
}

export type DeployReport =
  | { kind: 'lint-failed'; outcome: BuildOutcome; env: Environment }
  | {
      kind: 'planned' | 'done' | 'failed' | 'keys-missing' | 'base-missing';
      env: Environment;
      graphUrl: string;
      auth: string;
      dryRun: boolean;
      items: DeployItem[];
      /** StorageReferenceIds the set references that the tenant lacks (or holds with no key). */
      missingKeys: string[];
      /** Set when the tenant's key sets could not be read (the check was skipped). */
      keyCheckSkipped?: string;
      /** Bases outside the set that the tenant does not have either. */
      missingBases: string[];
      failure?: DeployFailure;
      /** Where the files came from, for the header. */
      from: string;
    };

/** Told as the run goes, so a person sees the plan before the (slow) uploads, and each upload as it ends. */
export interface DeployProgress {
  planned?(report: TenantReport): void;
  uploaded?(item: DeployItem): void;
}

export type TenantReport = Extract<DeployReport, { graphUrl: string }>;

export async function deploy(req: DeployRequest, io: Io, secrets: Set<string>, progress: DeployProgress = {}): Promise<DeployReport> {
  const setup = loadBuildSetup({ cwd: io.cwd, dir: req.dir, configPath: req.config });
  const env = pickEnvironment(setup.environments, req.env, display(setup.source.path, io.cwd));

  let items: DeployItem[];
  let from: string;
  if (req.dist !== undefined && req.dist !== false) {
    const dir = typeof req.dist === 'string' ? path.resolve(io.cwd, req.dist) : path.join(setup.baseDir, 'dist', env.name);
    items = readDist(dir, io.cwd);
    from = `${display(dir, io.cwd)}/`;
  } else {
    const outcome = await buildPolicies({ cwd: io.cwd, dir: req.dir, envs: [env.name], configPath: req.config, xsd: req.xsd, version: req.version });
    if (!outcome.ok) return { kind: 'lint-failed', outcome, env };
    const b = outcome.builds[0]!;
    const content = new Map(b.files.map((f) => [f.rel, f.content]));
    items = b.order.map((e) => {
      const src = b.sources.get(e.file);
      return item(e, content.get(e.file)!, src?.display ?? e.file, src?.toSource ?? ((line, column) => ({ line, column })));
    });
    from = `${display(outcome.policiesDir, io.cwd)}/ (built in memory)`;
  }

  const { client, graphUrl, auth } = connect(env, req, io, secrets);
  const report: TenantReport = { kind: 'planned', env, graphUrl, auth, dryRun: Boolean(req.dryRun), items, missingKeys: [], missingBases: [], from };

  // Keys first: without them every upload that names one fails.
  const keys = await missingKeys(client, items.map((i) => i.policy));
  report.missingKeys = keys.missing;
  report.keyCheckSkipped = keys.skipped;

  await plan(client, items, req, report);
  progress.planned?.(report);
  if (req.dryRun) {
    report.kind = report.missingKeys.length ? 'keys-missing' : report.missingBases.length ? 'base-missing' : 'planned';
    return report;
  }
  if (report.missingKeys.length) return { ...report, kind: 'keys-missing' };
  if (report.missingBases.length) return { ...report, kind: 'base-missing' };

  for (const [i, it] of items.entries()) {
    if (it.action !== 'upload') continue;
    try {
      const status = await client.putPolicy(it.policyId, it.content);
      it.result = status === 201 ? 'created' : 'replaced';
      progress.uploaded?.(it);
    } catch (e) {
      if (!(e instanceof GraphError)) throw e;
      it.result = 'failed';
      for (const later of items.slice(i + 1)) if (later.action === 'upload') later.result = 'not attempted';
      const validation = e.status === 400 || e.status === 409 || e.status === 422;
      report.failure = {
        policyId: it.policyId,
        status: e.status,
        code: e.code,
        message: e.serviceMessage,
        diagnostic: validation ? locateServiceError(e.serviceMessage, it, items) : undefined,
        resume: resumeCommand(req, env, it.policyId),
      };
      return { ...report, kind: 'failed' };
    }
  }
  return { ...report, kind: 'done' };
}

function item(e: UploadEntry, content: string, shown: string, toSource: UploadedDoc['toSource']): DeployItem {
  const parsed = policyFromBytes(Buffer.from(content, 'utf8'), shown, shown, false);
  if (!(parsed instanceof Policy)) throw new UsageError(`${shown}: not a policy file.`);
  return { policyId: e.policyId, base: e.base, content, policy: parsed, display: shown, toSource, action: 'skip', reason: '' };
}

/** A build folder: upload-order.json and the files it lists, each checked against its sha256. */
function readDist(dir: string, cwd: string): DeployItem[] {
  const orderFile = path.join(dir, UPLOAD_ORDER_FILE);
  if (!existsSync(orderFile)) throw new UsageError(`${display(orderFile, cwd)} not found: run b2c-totp build first, or deploy without --dist to build in memory.`);
  let order: UploadEntry[];
  try {
    order = JSON.parse(readFileSync(orderFile, 'utf8')) as UploadEntry[];
    if (!Array.isArray(order)) throw new Error('not a list');
  } catch (e) {
    throw new UsageError(`${display(orderFile, cwd)}: not an upload order written by b2c-totp build (${(e as Error).message}).`);
  }
  return order.map((e) => {
    const file = path.join(dir, e.file);
    const shown = display(file, cwd);
    let buf: Buffer;
    try {
      buf = readFileSync(file);
    } catch {
      throw new UsageError(`${shown}: listed in ${UPLOAD_ORDER_FILE} but missing; run b2c-totp build again.`);
    }
    const sha = createHash('sha256').update(buf).digest('hex');
    if (sha !== e.sha256) throw new UsageError(`${shown} changed since it was built (sha256 differs from ${UPLOAD_ORDER_FILE}); run b2c-totp build again.`);
    return item(e, buf.toString('utf8'), shown, (line, column) => ({ line, column }));
  });
}

/** Key sets the policies name that the tenant lacks, or holds empty. */
async function missingKeys(client: GraphClient, policies: Policy[]): Promise<{ missing: string[]; skipped?: string }> {
  const wanted = policyKeys(policies);
  if (wanted.length === 0) return { missing: [] };
  try {
    const have = new Map((await client.listKeySets()).map((k) => [k.id.toLowerCase(), k.keyCount]));
    return { missing: wanted.filter((k) => !have.get(k.toLowerCase())) };
  } catch (e) {
    if (e instanceof GraphError && e.status === 403) return { missing: [], skipped: `cannot read the tenant's policy keys (HTTP 403: the sign-in lacks TrustFrameworkKeySet.Read.All); key check skipped` };
    throw e;
  }
}

/** Decides, in order, what to upload and why. */
async function plan(client: GraphClient, items: DeployItem[], req: DeployRequest, report: { missingBases: string[] }): Promise<void> {
  const uploading = new Set<string>();
  const inSet = new Set(items.map((i) => i.policyId.toUpperCase()));
  let resumeAt = -1;
  if (req.resumeFrom !== undefined) {
    resumeAt = items.findIndex((i) => i.policyId.toUpperCase() === req.resumeFrom!.toUpperCase());
    if (resumeAt < 0) throw new UsageError(`--resume-from ${req.resumeFrom}: not a policy of this set (${items.map((i) => i.policyId).join(', ')}).`);
  }
  // What the tenant holds: the set's policies (unless all are uploaded anyway) and bases outside the set, read 4 at a time.
  const outside = [...new Set(items.flatMap((i) => (i.base && !inSet.has(i.base.toUpperCase()) ? [i.base] : [])))];
  const wanted = [...(req.all ? [] : items.filter((_, i) => resumeAt < 0 || i < resumeAt).map((i) => i.policyId)), ...outside];
  const remote = new Map<string, string | undefined>();
  await inParallel(wanted, 4, async (id) => void remote.set(id, await client.getPolicy(id)));
  for (const b of outside) if (remote.get(b) === undefined) report.missingBases.push(b);

  for (const [i, it] of items.entries()) {
    const base = it.base && uploading.has(it.base.toUpperCase()) ? it.base : undefined;
    if (req.all) [it.action, it.reason] = ['upload', '--all'];
    else if (resumeAt >= 0 && i >= resumeAt) [it.action, it.reason] = ['upload', `--resume-from ${items[resumeAt]!.policyId}`];
    else {
      const held = remote.get(it.policyId);
      if (held === undefined) [it.action, it.reason] = ['upload', 'new: not in the tenant'];
      else if (comparable(held) !== comparable(it.content)) [it.action, it.reason] = ['upload', 'changed'];
      else if (base) [it.action, it.reason] = ['upload', `unchanged, but its base ${base} is uploaded (the service checks a policy against its chain)`];
      else [it.action, it.reason] = ['skip', 'unchanged'];
    }
    if (it.action === 'upload') uploading.add(it.policyId.toUpperCase());
  }
}

/** Runs `task` over `list`, at most `limit` at a time; the first failure is thrown once all have settled. */
async function inParallel<T>(list: readonly T[], limit: number, task: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < list.length) {
      const x = list[next++]!;
      await task(x).catch((e: unknown) => void errors.push(e));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  if (errors.length) throw errors[0];
}

function resumeCommand(req: DeployRequest, env: Environment, policyId: string): string {
  const parts = ['b2c-totp deploy'];
  if (req.dir) parts.push(req.dir);
  parts.push('--env', env.name);
  if (req.config) parts.push('--config', req.config);
  if (req.dist !== undefined && req.dist !== false) parts.push(typeof req.dist === 'string' ? `--dist ${req.dist}` : '--dist');
  if (req.graphUrl) parts.push('--graph-url', req.graphUrl);
  parts.push('--resume-from', policyId);
  return parts.join(' ');
}
