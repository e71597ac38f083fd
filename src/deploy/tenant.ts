/**
 * What deploy, keys and pull share: the one environment they act on, the Graph client for its
 * tenant, and output that can never carry a secret.
 */
import type { Io } from '../commands/io.js';
import { UsageError } from '../errors.js';
import { tokenSource } from '../graph/auth.js';
import { CLOUDS, GraphClient, resolveGraphUrl } from '../graph/client.js';
import { type Environment, selectEnvironments } from '../build/environments.js';

export interface TenantOptions {
  env?: string;
  graphUrl?: string;
  /** Seconds per request. */
  timeout?: string;
}

/** The environment named with --env; with none, the only one there is. */
export function pickEnvironment(all: Environment[], name: string | undefined, sourceShown: string): Environment {
  if (name !== undefined) {
    const picked = selectEnvironments(all, [name], sourceShown);
    if (picked.length !== 1) throw new UsageError('--env takes one environment here.');
    return picked[0]!;
  }
  if (all.length === 1) return all[0]!;
  throw new UsageError(`${sourceShown} has ${all.length} environments (${all.map((e) => e.name).join(', ')}); choose one with --env.`);
}

/** Environment variables whose values are secrets: never shown, whatever goes wrong. */
const SECRET_VARS = /^(?:B2C_TOTP_ACCESS_TOKEN|AZURE_CLIENT_SECRET|AZURE_CLIENT_CERTIFICATE_PASSWORD|ACTIONS_ID_TOKEN_REQUEST_TOKEN|B2C_TOTP_KEY_.+)$/;

/**
 * An Io whose stdout and stderr blank out every known secret: the values of the secret variables,
 * and every token obtained during the run (`secrets.add`). A second line of defence: no code
 * path is meant to print one.
 */
export function redactingIo(io: Io): { io: Io; secrets: Set<string> } {
  const secrets = new Set<string>();
  for (const [k, v] of Object.entries(io.env)) if (SECRET_VARS.test(k) && v && v.length >= 4) secrets.add(v);
  const clean = (s: string) => {
    let out = s;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('***');
    return out;
  };
  return {
    secrets,
    io: {
      ...io,
      stdout: { write: (s: string) => io.stdout.write(clean(s)), isTTY: io.stdout.isTTY },
      stderr: { write: (s: string) => io.stderr.write(clean(s)) },
    },
  };
}

/** The Graph client for an environment's tenant; tokens it obtains are added to `secrets`. */
export function connect(env: Environment, opts: TenantOptions, io: Io, secrets: Set<string>): { client: GraphClient; graphUrl: string; auth: string } {
  const cloud = env.cloud ?? 'global';
  const graphUrl = resolveGraphUrl(opts.graphUrl, io.env, cloud);
  const seconds = opts.timeout === undefined ? 60 : Number(opts.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout takes a number of seconds, not '${opts.timeout}'.`);
  const source = tokenSource({
    env: io.env,
    tenant: env.tenant,
    graphUrl,
    prompt: (m) => io.stderr.write(`${m}\n`),
    interactive: Boolean(io.stdin?.isTTY),
    authorityHost: cloud === 'global' ? undefined : CLOUDS[cloud].authority,
  });
  const tokens = {
    ...source,
    getToken: async (renew?: boolean) => {
      const t = await source.getToken(renew);
      secrets.add(t);
      return t;
    },
  };
  const client = new GraphClient({
    baseUrl: graphUrl,
    tokens,
    timeoutMs: Math.round(seconds * 1000),
    sleep: io.sleep,
    onRetry: (m) => io.stderr.write(`b2c-totp: ${m}\n`),
  });
  return { client, graphUrl, auth: source.description };
}
