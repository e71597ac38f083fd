import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, type Config, ConfigError, configSchema, environmentSchema, loadConfig } from '../config/config.js';
import { collectFiles, loadPolicySet, policyFromBytes, toDisplayPath, UsageError } from '../policy/load.js';
import { Policy } from '../policy/policy.js';
import { type BrokenFile, PolicySet } from '../policy/set.js';
import { type InjectPlan, planInjection } from '../totp/inject.js';
import { globMatcher } from '../util/glob.js';
import { type PlannedWrite, writeFilesTransaction } from '../util/write-set.js';
import { findXsd } from '../xsd/validate.js';
import { type PortalTodo, portalTodo, settingsReferenced } from './next-steps.js';
import { InitError, type StarterPack, downloadStarterPack, readStarterPackFrom } from './source.js';
import { DEFAULT_FLAVOUR, FLAVOURS, STARTERPACK_BASE_URL, STARTERPACK_URL_ENV, XSD_FILE, resolveFlavour } from './starterpack-manifest.js';

/**
 * `build` writes dist/<env>/ beside the config; lint of the config's folder must not read it back in
 * (every PolicyId twice). A pattern with a `/` is relative to the config's folder (src/util/glob.ts).
 */
export const BUILD_OUTPUT_IGNORE = 'dist/';

/** Where the config's `$schema` points: the schema shipped in the package, found through node_modules. */
export const SCHEMA_IN_PACKAGE = 'node_modules/b2c-totp/schema/b2c-totp.config.schema.json';

export const IEF_SETTINGS = ['IdentityExperienceFrameworkAppId', 'ProxyIdentityExperienceFrameworkAppId'] as const;
/** The setting build puts in place of the starter pack's facebook_clientid (the VS Code extension's name for it). */
export const FACEBOOK_SETTING = 'FacebookAppId';

export interface InitRequest {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The policy folder, relative to cwd. */
  folder: string;
  tenant?: string;
  pack?: string;
  issuer?: string;
  from?: string;
  /** Environment names (comma lists allowed). */
  envs?: string[];
  force?: boolean;
  onDownloadStart?: (flavour: string, files: number, url: string) => void;
  onProgress?: (done: number, total: number, bytes: number) => void;
}

export interface InitResult {
  /** scaffold: a starter pack was written; existing: the folder's own set got TOTP. */
  mode: 'scaffold' | 'existing';
  flavour: string | undefined;
  /** How the pack was obtained. */
  source: 'download' | 'from' | undefined;
  /** Display path of the policy folder. */
  folder: string;
  /** Display paths of the files written, config last. */
  written: string[];
  /** Display paths of existing files replaced (only with --force). */
  replaced: string[];
  plan: InjectPlan;
  config: Config;
  configPath: string;
  tenant: string;
  issuer: string;
  todo: PortalTodo;
  warnings: string[];
}

interface NewFile {
  absPath: string;
  text: string;
}

/**
 * `init`: checks everything (options, the files it would overwrite, the download's hashes, the
 * injection plan) before it writes anything, then writes all-or-nothing.
 */
export async function runInit(req: InitRequest): Promise<InitResult> {
  const display = (abs: string) => toDisplayPath(abs, req.cwd);
  const warnings: string[] = [];
  const target = path.resolve(req.cwd, req.folder);
  const folder = target === path.resolve(req.cwd) ? '.' : display(target);
  const envNames = parseEnvironments(req.envs);
  const configPath = path.join(req.cwd, CONFIG_FILE);
  const configDisplay = display(configPath);
  const existingConfig = existsSync(configPath) ? readFileSync(configPath, 'utf8') : undefined;
  if (existingConfig !== undefined && !req.force) {
    throw new InitError(`${configDisplay} already exists; nothing was written. Use --force to update it, or 'b2c-totp inject --write' to only add TOTP.`);
  }

  // What is in the folder decides the mode.
  let targetExists = false;
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new UsageError(`${req.folder}: exists and is not a folder.`);
    targetExists = true;
  }
  const cfg = safeConfig(req.cwd);
  const existingSet = targetExists ? readExistingSet(target, req.cwd, cfg) : undefined;
  const mode = existingSet ? 'existing' : 'scaffold';

  let flavour: string | undefined;
  let set: PolicySet;
  const newFiles: NewFile[] = [];
  if (mode === 'existing') {
    if (req.pack || req.from) warnings.push(`${folder} already holds a policy set: ${[req.pack && '--pack', req.from && '--from'].filter(Boolean).join(' and ')} ignored; TOTP is added to the files there.`);
    set = existingSet!;
  } else {
    flavour = resolveFlavour(req.pack ?? DEFAULT_FLAVOUR);
    if (!flavour) throw new UsageError(`--pack ${req.pack}: unknown starter pack; use one of ${Object.keys(FLAVOURS).map((f) => `'${f}'`).join(', ')}.`);
    const tenant = parseTenant(req.tenant);
    if (!tenant) throw new UsageError(`--tenant is required to start a new policy set, e.g. --tenant contoso.onmicrosoft.com.`);
    // Refuse before any download when files would be overwritten.
    const names = [...Object.keys(FLAVOURS[flavour]!), XSD_FILE];
    if (targetExists && !req.force) {
      const clash = names.filter((n) => existsSync(path.join(target, n)));
      if (clash.length) throw new InitError(`${folder} already has ${clash.join(', ')}; nothing was written. Use --force to overwrite.`);
    }
    let pack: StarterPack;
    if (req.from) {
      pack = readStarterPackFrom(path.resolve(req.cwd, req.from), flavour, req.from);
    } else {
      const base = req.env[STARTERPACK_URL_ENV] || STARTERPACK_BASE_URL;
      req.onDownloadStart?.(flavour, names.length, base);
      pack = await downloadStarterPack(flavour, { baseUrl: base, onProgress: req.onProgress });
    }
    warnings.push(...pack.warnings);
    for (const f of pack.files) newFiles.push({ absPath: path.join(target, f.name), text: f.text });
    if (pack.xsd) newFiles.push({ absPath: path.join(target, XSD_FILE), text: pack.xsd.text });
    set = inMemorySet(newFiles.filter((f) => f.absPath.toLowerCase().endsWith('.xml')), req.cwd, cfg.deployedPolicies ?? []);
  }

  const tenant = parseTenant(req.tenant) ?? realTenant(set) ?? (cfg.tenant ? parseTenant(cfg.tenant) : undefined);
  if (!tenant) throw new UsageError(`--tenant is required: the policies in ${folder} name no tenant yet (e.g. --tenant contoso.onmicrosoft.com).`);
  const issuer = req.issuer ?? cfg.issuer ?? tenant.split('.')[0]!;
  if (!issuer.trim()) throw new UsageError('--issuer must not be empty.');

  const plan = planInjection(set, { mode: 'layer', issuer });
  // inject protects what it can and says why it skips the rest: init goes ahead when at least one
  // relying party ends up protected, and lists the skipped ones as warnings.
  const skipped = plan.relyingParties.filter((r) => r.status === 'skipped').map((r) => `${r.path}: ${r.reason ?? ''}`);
  if (plan.problems.length || !plan.relyingParties.some((r) => r.status !== 'skipped')) {
    const why = [...plan.problems, ...skipped, ...(plan.problems.length || skipped.length ? [] : plan.notes)];
    throw new InitError(`TOTP cannot be added; nothing was written:\n${why.map((p) => `  ${p}`).join('\n')}`);
  }
  for (const s of skipped) warnings.push(`TOTP not added to ${s}`);
  for (const c of plan.changes) newFiles.push({ absPath: c.absPath, text: c.after });

  // The set as it will be: for the next steps (keys, upload order, settings).
  const finalSet = mergeSet(set, plan);
  const todo = portalTodo(finalSet, plan.notes);

  // The config.
  const xsdAbs = newFiles.some((f) => path.basename(f.absPath) === XSD_FILE) ? path.join(target, XSD_FILE) : targetExists ? findXsdBelow(target) : undefined;
  const settingNames = new Set<string>(settingsReferenced(finalSet));
  if (todo.appIds) for (const s of IEF_SETTINGS) settingNames.add(s);
  if (todo.facebook) settingNames.add(FACEBOOK_SETTING);
  const first: string[] = [...IEF_SETTINGS, FACEBOOK_SETTING].filter((n) => settingNames.has(n));
  const settings = [...first, ...[...settingNames].filter((n) => !first.includes(n))];
  const config = buildConfig({
    cwd: req.cwd,
    target,
    xsd: xsdAbs,
    tenant,
    issuer,
    environments: envNames,
    settings,
  });
  const { text: configText, warning } = mergeConfig(existingConfig, config);
  if (warning) warnings.push(warning);

  // Write: a new folder is staged beside the target and renamed into place; into an existing
  // folder, every file goes through one transaction (temp files, then renames, rolled back on failure).
  const configWrite: PlannedWrite = { absPath: configPath, before: existingConfig, after: configText };
  const writes: PlannedWrite[] = newFiles.map((f) => ({ absPath: f.absPath, before: existsSync(f.absPath) ? readFileSync(f.absPath, 'utf8') : undefined, after: f.text }));
  const replaced = writes.filter((w) => w.before !== undefined).map((w) => display(w.absPath));
  if (replaced.length && !req.force) throw new InitError(`${replaced.join(', ')} already exist${replaced.length === 1 ? 's' : ''}; nothing was written. Use --force to overwrite.`);
  if (existingConfig !== undefined) replaced.push(configDisplay);
  if (!targetExists) {
    stageFolder(target, newFiles);
    try {
      writeFilesTransaction([configWrite], display);
    } catch (e) {
      rmSync(target, { recursive: true, force: true });
      throw e;
    }
  } else {
    writeFilesTransaction([...writes, configWrite], display);
  }
  const written = [...newFiles.map((f) => display(f.absPath)), configDisplay];

  return {
    mode,
    flavour,
    source: mode === 'scaffold' ? (req.from ? 'from' : 'download') : undefined,
    folder,
    written,
    replaced,
    plan,
    config: JSON.parse(configText) as Config,
    configPath: configDisplay,
    tenant,
    issuer,
    todo,
    warnings,
  };
}

/** "contoso" → contoso.onmicrosoft.com; anything else must pass the environment schema's tenant check. */
function parseTenant(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim().toLowerCase();
  const full = t.includes('.') ? t : `${t}.onmicrosoft.com`;
  if (!environmentSchema.shape.tenant.safeParse(full).success) {
    throw new UsageError(`--tenant ${raw}: not a tenant name; use the form contoso.onmicrosoft.com (letters, digits and dots, 3 to 63).`);
  }
  if (/^yourtenant\b/.test(full)) throw new UsageError(`--tenant ${raw}: that is the starter pack's placeholder; give your own tenant.`);
  return full;
}

/** The tenant an existing set already names, unless it is the starter-pack placeholder. */
function realTenant(set: PolicySet): string | undefined {
  const t = set.policies.map((p) => p.tenantId).find((id) => id && !/yourtenant|\{/i.test(id));
  return t?.toLowerCase();
}

function parseEnvironments(list: string[] | undefined): string[] {
  const names = (list ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) return ['Development'];
  const seen = new Set<string>();
  for (const n of names) {
    if (!environmentSchema.shape.name.safeParse(n).success) throw new UsageError(`--env ${n}: environment names use letters, digits, ".", "_" and "-" only, and start with a letter or digit.`);
    if (seen.has(n.toLowerCase())) throw new UsageError(`--env ${n}: named twice.`);
    seen.add(n.toLowerCase());
  }
  return names;
}

/** The config in effect (for ignore and deployedPolicies of an existing set); a broken one is not init's concern. */
function safeConfig(cwd: string): Config {
  try {
    return loadConfig(cwd).config;
  } catch (e) {
    if (e instanceof ConfigError) return {};
    throw e;
  }
}

/** The folder's own policy set, or undefined when it holds no policy file (then it is scaffolded). */
function readExistingSet(target: string, cwd: string, cfg: Config): PolicySet | undefined {
  let files;
  try {
    files = collectFiles([target], cwd, cfg.ignore ?? []);
  } catch (e) {
    if (e instanceof UsageError) return undefined; // no *.xml in it
    throw e;
  }
  const set = loadPolicySet(files, cwd, cfg.deployedPolicies ?? []);
  const policyLike = set.broken.filter((b) => b.problem.kind !== 'not-a-policy');
  return set.policies.length || policyLike.length ? new PolicySet(set.policies, policyLike, set.deployed) : undefined;
}

function inMemorySet(files: NewFile[], cwd: string, deployed: readonly string[]): PolicySet {
  const policies: Policy[] = [];
  const broken: BrokenFile[] = [];
  for (const f of files) {
    const p = policyFromBytes(Buffer.from(f.text, 'utf8'), toDisplayPath(f.absPath, cwd), f.absPath, true);
    if (p instanceof Policy) policies.push(p);
    else broken.push(p);
  }
  return new PolicySet(policies, broken, deployed);
}

/** The set with the plan's new and changed files in it. */
function mergeSet(set: PolicySet, plan: InjectPlan): PolicySet {
  const byPath = new Map(set.policies.map((p) => [p.absPath, p]));
  for (const c of plan.changes) {
    const p = policyFromBytes(Buffer.from(c.after, 'utf8'), c.path, c.absPath, true);
    if (p instanceof Policy) byPath.set(c.absPath, p);
  }
  return new PolicySet([...byPath.values()], set.broken, set.deployed);
}

function findXsdBelow(target: string): string | undefined {
  const found = findXsd([target]);
  return found && (found === path.join(target, XSD_FILE) || found.startsWith(target + path.sep)) ? found : undefined;
}

const posix = (p: string) => p.split(path.sep).join('/');

/**
 * `$schema` is a path relative to the config file: into the nearest node_modules/b2c-totp above
 * it when the package is installed (a dev dependency), else ./node_modules/b2c-totp/…, which is
 * right once it is.
 */
export function schemaReference(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, 'node_modules', 'b2c-totp', 'package.json'))) {
      const rel = posix(path.relative(cwd, path.join(dir, SCHEMA_IN_PACKAGE)));
      return rel.startsWith('.') ? rel : `./${rel}`;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return `./${SCHEMA_IN_PACKAGE}`;
    dir = parent;
  }
}

function buildConfig(o: { cwd: string; target: string; xsd: string | undefined; tenant: string; issuer: string; environments: string[]; settings: string[] }): Config {
  const rel = (abs: string) => posix(path.relative(o.cwd, abs)) || '.';
  const config: Config = { $schema: schemaReference(o.cwd) };
  if (path.resolve(o.target) !== path.resolve(o.cwd)) config.policies = rel(o.target);
  if (o.xsd) config.xsd = rel(o.xsd);
  config.tenant = o.tenant;
  config.issuer = o.issuer;
  config.environments = o.environments.map((name) => ({
    name,
    tenant: o.tenant,
    ...(/^prod/i.test(name) ? { production: true } : {}),
    ...(o.settings.length ? { settings: Object.fromEntries(o.settings.map((s) => [s, ''])) } : {}),
  }));
  config.ignore = [BUILD_OUTPUT_IGNORE];
  const checked = configSchema.safeParse(config);
  if (!checked.success) throw new Error(`internal: the config init writes does not pass its own schema: ${checked.error.issues[0]?.message}`);
  return config;
}

/**
 * The config text to write. Over an existing config (--force) the keys init sets are replaced,
 * environments it names are added when missing (an existing one keeps its values), and every
 * other key is kept. An existing file that is not a valid config is replaced whole.
 */
function mergeConfig(existing: string | undefined, ours: Config): { text: string; warning?: string } {
  const text = (c: unknown) => `${JSON.stringify(c, null, 2)}\n`;
  if (existing === undefined) return { text: text(ours) };
  let old: unknown;
  try {
    old = JSON.parse(existing.replace(/^\uFEFF/, ''));
  } catch {
    old = undefined;
  }
  const parsed = configSchema.safeParse(old);
  if (!parsed.success) return { text: text(ours), warning: `${CONFIG_FILE} was not a valid config; --force replaced it whole.` };
  const prev = parsed.data;
  const envs = [...(prev.environments ?? [])];
  for (const e of ours.environments ?? []) if (!envs.some((p) => p.name.toLowerCase() === e.name.toLowerCase())) envs.push(e);
  const merged: Config = { ...prev, $schema: prev.$schema ?? ours.$schema, tenant: ours.tenant, issuer: ours.issuer, environments: envs };
  if (ours.policies) merged.policies = ours.policies;
  if (ours.xsd) merged.xsd = ours.xsd;
  // Added to the user's own patterns unless one of them already covers the build output.
  if (!globMatcher(prev.ignore ?? [])('dist/env/policy.xml')) merged.ignore = [...(prev.ignore ?? []), BUILD_OUTPUT_IGNORE];
  return { text: text(merged) };
}

/**
 * Writes a new folder whole: into a temp folder beside it, then one rename. Nothing is left
 * behind on failure, and the folder is never seen half-written.
 */
function stageFolder(target: string, files: NewFile[]): void {
  const parent = path.dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = path.join(parent, `.${path.basename(target)}.b2c-totp-init-${process.pid}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging);
    for (const f of files) {
      const abs = path.join(staging, path.relative(target, f.absPath));
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, f.text, 'utf8');
    }
    // Created meanwhile but still empty is fine; anything in it is not ours to replace.
    if (existsSync(target) && readdirSync(target).length === 0) rmdirSync(target);
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
