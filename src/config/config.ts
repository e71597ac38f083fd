import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { ConfigError } from '../errors.js';
import { LineIndex } from '../xml/lines.js';
import { jsonPathOffset } from '../util/json-position.js';

export const CONFIG_FILE = 'b2c-totp.config.json';

const severity = z.enum(['off', 'info', 'warning', 'error']);

const settings = z.record(z.string(), z.string());

/** One deployment target: `build --env <name>` writes dist/<name>/ for it. */
export const environmentSchema = z.strictObject({
  /** `build --env <name>` picks it, and its output goes to dist/<name>: a letter or digit first, then letters, digits, ".", "_" and "-". */
  name: z.string().check(z.minLength(1), z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a letter or digit first, then letters, digits, ".", "_" and "-" only')),
  /** The B2C tenant, e.g. contoso.onmicrosoft.com. Replaces {Settings:Tenant} and yourtenant.onmicrosoft.com. */
  tenant: z.string().check(z.regex(/^[A-Za-z0-9.]{3,63}$/, 'a tenant name such as contoso.onmicrosoft.com')),
  /** Production environments fail the build on DeploymentMode="Development" or DeveloperMode="true". */
  production: z.optional(z.boolean()),
  /** Prepended after B2C_1A_ to every PolicyId, BasePolicy and PublicPolicyUri, e.g. "DEV_". */
  policyIdPrefix: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, "_" and "-" only'))),
  /** {Settings:<key>} values; IdentityExperienceFrameworkAppId and ProxyIdentityExperienceFrameworkAppId also replace the starter-pack placeholders. */
  settings: z.optional(settings),
  /** deploy, keys, pull: the Azure cloud of the tenant (Graph and sign-in endpoints); default "global". */
  cloud: z.optional(z.enum(['global', 'usgov', 'usgov-dod', 'china'])),
});

/** The whole b2c-totp.config.json, defined once; the JSON Schema for editors is generated from it. */
export const configSchema = z.strictObject({
  $schema: z.optional(z.string()),
  /** Folder of the source policy set, relative to the config file (default: the config file's folder). */
  policies: z.optional(z.string()),
  /** Default tenant for environments and init. */
  tenant: z.optional(z.string()),
  /** Settings shared by every environment (an environment's own settings win). */
  settings: z.optional(settings),
  environments: z.optional(z.array(environmentSchema)),
  /** Severity per rule id (REF-001) or name (unknown-claim-type). */
  rules: z.optional(z.record(z.string(), severity)),
  /** Glob patterns, relative to the config file's folder, of files and folders that lint and build skip when they scan a folder (a path named on the command line is read). */
  ignore: z.optional(z.array(z.string())),
  /** PolicyIds already uploaded to the tenant, which a BasePolicy may name without the file being here. */
  deployedPolicies: z.optional(z.array(z.string())),
  /** Path of TrustFrameworkPolicy_0.3.0.0.xsd for full schema validation, relative to the config file. */
  xsd: z.optional(z.string()),
  /**
   * Policy sets named explicitly, where the automatic grouping of a tree (by folder and BasePolicy chain)
   * is not what you want: each holds exactly the files its globs match (relative to the config file).
   */
  sets: z.optional(
    z.array(
      z.strictObject({
        /** Shown in lint output and --list-sets. */
        name: z.string().check(z.minLength(1)),
        /** Glob patterns of the set's files, e.g. "Environments/Dev/**" or "policies/*.xml". */
        files: z.array(z.string()).check(z.minLength(1)),
      }),
    ),
  ),
  /** Turns on TOTP-040: true checks every relying party, a list of UserJourney Ids checks those journeys; a relying party that signs users in without VerifyOTP is an error. */
  requireTotp: z.optional(z.union([z.boolean(), z.array(z.string().check(z.minLength(1)))])),
  /** Name the authenticator app shows for the account (inject). */
  issuer: z.optional(z.string().check(z.minLength(1))),
});

export type Config = z.infer<typeof configSchema>;

export { ConfigError };

export interface LoadedConfig {
  config: Config;
  /** Absolute path, or undefined when no config file was found. */
  path: string | undefined;
  dir: string;
}

/** Reads a JSON file (BOM allowed); unreadable or invalid JSON is a ConfigError at file:line:column. */
export function readJsonFile(file: string, shown: string): { raw: unknown; text: string; lines: LineIndex } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new ConfigError(`${shown}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  const lines = new LineIndex(text);
  try {
    return { raw: JSON.parse(text) as unknown, text, lines };
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const at = lines.position(pos ? Number(pos[1]) : 0);
    throw new ConfigError(`${shown}:${at.line}:${at.column}: invalid JSON: ${msg.replace(/ in JSON at position \d+.*$/, '')}.`);
  }
}

/** The config named with --config, else b2c-totp.config.json in the working folder or the nearest ancestor. */
export function loadConfig(cwd: string, explicit?: string): LoadedConfig {
  const file = explicit ? path.resolve(cwd, explicit) : findUp(cwd);
  if (!file) return { config: {}, path: undefined, dir: cwd };
  const display = path.relative(cwd, file).split(path.sep).join('/') || CONFIG_FILE;
  const { raw, text, lines } = readJsonFile(file, display);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys ?? [] : [];
    const where = keys.length ? [...issue.path, keys[0]!] : issue.path;
    const at = lines.position(jsonPathOffset(text, where as Array<string | number>));
    const label = where.length ? where.join('.') : '(root)';
    const message = keys.length ? `unknown setting '${keys.join("', '")}'` : issue.message;
    throw new ConfigError(`${display}:${at.line}:${at.column}: ${label}: ${message}.`);
  }
  return { config: parsed.data, path: file, dir: path.dirname(file) };
}

function findUp(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (existsSync(path.join(dir, '.git'))) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
