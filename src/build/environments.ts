/**
 * The environment model of `b2c-totp build`, loaded from b2c-totp.config.json or from the VS Code
 * B2C extension's appsettings.json (read unchanged, so teams can switch without rewriting it).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { CONFIG_FILE, type Config, ConfigError, loadConfig, readJsonFile } from '../config/config.js';
import { UsageError } from '../policy/load.js';
import type { TargetEnvironment } from '../policy/settings.js';
import { jsonPathOffset } from '../util/json-position.js';
import { didYouMean } from '../util/suggest.js';

export const APPSETTINGS_FILE = 'appsettings.json';

/** One deployment target, whichever file it came from. */
export interface Environment extends TargetEnvironment {
  /** Inserted after `B2C_1A_` in the set's PolicyIds; '' for none. */
  policyIdPrefix: string;
  /** deploy, keys, pull: the tenant's Azure cloud (b2c-totp.config.json "cloud"); undefined: global. */
  cloud?: 'global' | 'usgov' | 'usgov-dod' | 'china';
}

export interface BuildSetup {
  /** The file the environments came from. */
  source: { kind: 'b2c-totp' | 'appsettings'; path: string };
  /** b2c-totp.config.json's contents ({} when there is none): rules, ignore, deployedPolicies, xsd. */
  config: Config;
  /** b2c-totp.config.json, when one was found. */
  configPath: string | undefined;
  /** An appsettings.json that was found but not used because b2c-totp.config.json wins. */
  ignoredAppSettings: string | undefined;
  /** The folder of the file that decides `policies`: default source folder, and where `dist/` goes. */
  baseDir: string;
  /** Default source folder: config `policies`, else the config's folder. */
  policiesDir: string;
  environments: Environment[];
  /** Folders never read as sources: the VS Code extension's own build output (EnvironmentsFolder). */
  excludeDirs: string[];
}

const TENANT = /^[A-Za-z0-9.]{3,63}$/;
const ENV_NAME = /^[A-Za-z0-9._-]+$/;

/** The VS Code extension's format; other keys (PoliciesFolder, ...) are allowed and ignored. */
const appSettingsSchema = z.object({
  EnvironmentsFolder: z.optional(z.string().check(z.minLength(1))),
  Environments: z.array(
    z.object({
      Name: z.string().check(z.minLength(1)),
      Tenant: z.string(),
      Production: z.optional(z.boolean()),
      PolicySettings: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
    }),
  ),
});

export interface SetupRequest {
  cwd: string;
  /** The `[dir]` argument: where to look for a config, and the source folder. */
  dir?: string;
  /** `--config`: b2c-totp.config.json or appsettings.json (told apart by content). */
  configPath?: string;
}

/**
 * Finds and loads the environments. b2c-totp.config.json wins over appsettings.json; when it has
 * no `environments`, those of appsettings.json are used with the rest of b2c-totp.config.json.
 */
export function loadBuildSetup(req: SetupRequest): BuildSetup {
  const dir = req.dir === undefined ? undefined : path.resolve(req.cwd, req.dir);
  if (dir !== undefined) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      throw new UsageError(`${req.dir}: no such folder.`);
    }
    if (!st.isDirectory()) throw new UsageError(`${req.dir}: build takes the folder of a policy set, not a file.`);
  }

  let b2cPath: string | undefined;
  let appPath: string | undefined;
  if (req.configPath !== undefined) {
    const explicit = path.resolve(req.cwd, req.configPath);
    if (isAppSettings(explicit, req.cwd)) appPath = explicit;
    else b2cPath = explicit;
  } else {
    for (const start of dir === undefined || dir === req.cwd ? [req.cwd] : [dir, req.cwd]) {
      b2cPath = findUp(start, CONFIG_FILE, () => true);
      appPath = findUp(start, APPSETTINGS_FILE, (f) => isAppSettings(f, req.cwd, true));
      if (b2cPath || appPath) break;
    }
  }
  // A b2c-totp config without environments may still take them from an appsettings.json nearby.
  if (req.configPath !== undefined && b2cPath && !appPath) {
    appPath = findUp(dir ?? path.dirname(b2cPath), APPSETTINGS_FILE, (f) => isAppSettings(f, req.cwd, true));
  }

  const b2c = b2cPath ? loadConfig(req.cwd, b2cPath) : undefined;
  const config: Config = b2c?.config ?? {};
  const app = appPath ? loadAppSettings(appPath, req.cwd) : undefined;
  const excludeDirs = app ? [app.environmentsDir] : [];

  if (b2c && b2c.path && config.environments && config.environments.length > 0) {
    const environments = config.environments.map((e) => ({
      name: e.name,
      tenant: e.tenant,
      production: e.production ?? false,
      policyIdPrefix: e.policyIdPrefix ?? '',
      ...(e.cloud ? { cloud: e.cloud } : {}),
      settings: { ...(config.settings ?? {}), ...(e.settings ?? {}) },
    }));
    checkNames(environments, display(b2c.path, req.cwd));
    return {
      source: { kind: 'b2c-totp', path: b2c.path },
      config,
      configPath: b2c.path,
      ignoredAppSettings: app?.path,
      baseDir: b2c.dir,
      policiesDir: path.resolve(b2c.dir, config.policies ?? '.'),
      environments,
      excludeDirs,
    };
  }
  if (app) {
    const shared = config.settings ?? {};
    const environments = app.environments.map((e) => ({ ...e, settings: { ...shared, ...e.settings } }));
    const baseDir = b2c?.path ? b2c.dir : path.dirname(app.path);
    return {
      source: { kind: 'appsettings', path: app.path },
      config,
      configPath: b2c?.path,
      ignoredAppSettings: undefined,
      baseDir,
      policiesDir: b2c?.path ? path.resolve(b2c.dir, config.policies ?? '.') : path.dirname(app.path),
      environments,
      excludeDirs,
    };
  }
  if (b2c?.path) {
    throw new UsageError(`${display(b2c.path, req.cwd)} has no "environments"; add at least one ({ "name", "tenant", "settings" }) to build.`);
  }
  const where = dir === undefined ? 'this folder' : req.dir;
  throw new UsageError(`No ${CONFIG_FILE} or ${APPSETTINGS_FILE} with environments in ${where} or above; build needs one (or name it with --config).`);
}

/** Picks the environments named with --env (repeatable, comma lists; case-insensitive), or all of them. */
export function selectEnvironments(all: Environment[], names: string[] | undefined, sourceDisplay: string): Environment[] {
  const wanted = (names ?? []).flatMap((n) => n.split(',')).map((n) => n.trim()).filter(Boolean);
  if (wanted.length === 0) return all;
  const picked = new Set<Environment>();
  for (const name of wanted) {
    const env = all.find((e) => e.name === name) ?? all.find((e) => e.name.toLowerCase() === name.toLowerCase());
    if (!env) {
      const names = all.map((e) => e.name);
      throw new UsageError(`Unknown environment '${name}'; ${sourceDisplay} has ${names.join(', ')}.${didYouMean(name, names)}`);
    }
    picked.add(env);
  }
  return all.filter((e) => picked.has(e));
}

interface LoadedAppSettings {
  path: string;
  environments: Environment[];
  environmentsDir: string;
}

/** Reads appsettings.json as the VS Code B2C extension writes it. Errors point at file:line:column. */
export function loadAppSettings(file: string, cwd: string): LoadedAppSettings {
  const shown = display(file, cwd);
  const { raw, text, lines } = readJsonFile(file, shown);
  const parsed = appSettingsSchema.safeParse(raw);
  const fail = (where: Array<string | number>, message: string): never => {
    const at = lines.position(jsonPathOffset(text, where));
    throw new ConfigError(`${shown}:${at.line}:${at.column}: ${where.length ? where.join('.') : '(root)'}: ${message}.`);
  };
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(issue.path as Array<string | number>, issue.message);
  }
  const environments: Environment[] = parsed.data.Environments.map((e, i) => {
    if (!ENV_NAME.test(e.Name)) fail(['Environments', i, 'Name'], `'${e.Name}' cannot be a folder name under dist/: use letters, digits, ".", "_" and "-" only`);
    if (!TENANT.test(e.Tenant)) fail(['Environments', i, 'Tenant'], `'${e.Tenant}' is not a tenant name such as contoso.onmicrosoft.com`);
    const settings: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.PolicySettings ?? {})) settings[k] = String(v);
    return { name: e.Name, tenant: e.Tenant, production: e.Production ?? false, policyIdPrefix: '', settings };
  });
  checkNames(environments, shown);
  return { path: file, environments, environmentsDir: path.resolve(path.dirname(file), parsed.data.EnvironmentsFolder ?? 'Environments') };
}

/** Names become folders: no `.`/`..`, and no two that differ only by case (one folder on Windows and macOS). */
function checkNames(envs: Environment[], shown: string): void {
  const seen = new Map<string, string>();
  for (const e of envs) {
    if (/^\.+$/.test(e.name)) throw new ConfigError(`${shown}: environment name '${e.name}' cannot be a folder name under dist/.`);
    const key = e.name.toLowerCase();
    const prev = seen.get(key);
    if (prev !== undefined) throw new ConfigError(`${shown}: environments '${prev}' and '${e.name}' would share the folder dist/${e.name}; rename one.`);
    seen.set(key, e.name);
  }
}

/** True when the file is in the VS Code extension's format (has `Environments`, not `environments`). */
function isAppSettings(file: string, cwd: string, quiet = false): boolean {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    if (quiet) return false; // some other program's appsettings.json
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${display(file, cwd)}: no such config file.`);
    return false; // loadConfig reports it with a position
  }
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'Environments' in raw && !('environments' in raw);
}

/** The nearest `name` in `start` or above that `accept`s, stopping at a repository root. */
function findUp(start: string, name: string, accept: (file: string) => boolean): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate) && accept(candidate)) return candidate;
    if (existsSync(path.join(dir, '.git'))) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function display(abs: string, cwd: string): string {
  const r = path.relative(cwd, abs);
  return (r === '' ? '.' : r).split(path.sep).join('/');
}
