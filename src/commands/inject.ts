import path from 'node:path';
import { loadConfig } from '../config/config.js';
import { collectFiles, loadPolicySets, toDisplayPath, UsageError } from '../policy/load.js';
import { PolicySet } from '../policy/set.js';
import type { PolicyGroup } from '../policy/sets.js';
import { type PageVersion, SELFASSERTED_PAGE, compareVersions, formatVersion } from '../totp/catalogue.js';
import { type InjectPlan, isGenerated, NOT_A_SIGN_IN, NOT_SELECTED, planInjection, type RelyingPartyOutcome } from '../totp/inject.js';
import { colorFor } from '../util/color.js';
import { unifiedDiff } from '../util/diff.js';
import { fileText } from '../xml/read.js';
import { replaceFolder, writeFilesTransaction } from '../util/write-set.js';
import type { Io } from './io.js';

export interface InjectCommandOptions {
  write?: boolean;
  out?: string;
  journey?: string[];
  identifier?: string[];
  issuer?: string;
  inline?: boolean;
  layer?: boolean;
  pageVersion?: string;
  format: string;
  config?: string;
  regenerate?: boolean;
  replacePhone?: boolean;
  strict?: boolean;
}

/** `b2c-totp inject`: plan, show, and (with --write or --out) apply. Returns the exit code. */
export async function injectCommand(paths: string[], opts: InjectCommandOptions, io: Io): Promise<number> {
  if (opts.inline && opts.layer) throw new UsageError('Choose one of --inline and --layer.');
  if (opts.write && opts.out) throw new UsageError('Choose one of --write and --out.');
  if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`Unknown format '${opts.format}'; use text or json.`);
  const pageVersion = parseVersion(opts.pageVersion);
  const { config, dir: configDir } = loadConfig(io.cwd, opts.config);
  const inputs = paths.length ? paths : ['.'];
  const files = collectFiles(inputs, io.cwd, config.ignore ?? []);
  // A tree may hold several policy sets (one per environment or scenario): each is planned on its own,
  // and each gets its own layer beside its files.
  const setOptions = { deployed: config.deployedPolicies ?? [], sets: config.sets, configDir };
  // Files an earlier run generated are grouped with nothing: the sets are the user's own files, and
  // every plan sees the generated files (to compare what it would write with what is there).
  const all = loadPolicySets(files, io.cwd, setOptions);
  const generated = all.flatMap((g) => g.own).filter(isGenerated);
  const generatedPaths = new Set(generated.map((p) => p.absPath));
  const groups = (generated.length ? loadPolicySets(files.filter((f) => !generatedPaths.has(f.absPath)), io.cwd, setOptions) : all).map((g) =>
    generated.length ? { ...g, set: new PolicySet([...g.set.policies, ...generated], g.set.broken, g.set.deployed, { borrowed: g.set.borrowed }) } : g,
  );
  const set = new PolicySet(all.flatMap((g) => g.own), all.flatMap((g) => g.broken), config.deployedPolicies ?? []);
  const issuer = opts.issuer ?? config.issuer ?? defaultIssuer(set);
  const mode = opts.inline ? 'inline' : 'layer';
  const options = { mode, issuer, pageVersion, journeys: split(opts.journey), identifiers: split(opts.identifier), regenerate: opts.regenerate, replacePhone: opts.replacePhone } as const;
  // Sets without a relying party (a folder of shared bases) have nothing to protect.
  const withRp = groups.filter((g) => g.own.some((p) => p.relyingParty) || g.broken.some((b) => /<RelyingParty[\s>]/.test(b.text)));
  // --journey names journeys across the tree: each set is given those its relying parties use.
  const uses = (g: PolicyGroup, j: string) => g.own.some((p) => (p.defaultUserJourney?.attributes.ReferenceId ?? '').toLowerCase() === j.toLowerCase());
  const plans = (withRp.length ? withRp : groups.slice(0, 1)).map((g) => ({
    name: g.name,
    plan: planInjection(g.set, { ...options, journeys: options.journeys?.filter((j) => uses(g, j)) }),
  }));
  const plan = mergePlans(plans, mode, plans.length > 1);
  for (const j of options.journeys ?? []) {
    if (!groups.some((g) => uses(g, j))) plan.problems.push(`--journey ${j}: no relying party in the set uses this journey as its DefaultUserJourney.`);
  }
  if (plan.problems.length) plan.changes = [];
  if (!opts.issuer && !config.issuer) plan.notes.push(`Issuer (the name the authenticator app shows) defaulted to '${issuer}'; set it with --issuer or "issuer" in b2c-totp.config.json.`);

  let outDir: string | undefined;
  if (opts.out) {
    outDir = path.resolve(io.cwd, opts.out);
    for (const input of inputs) {
      const abs = path.resolve(io.cwd, input);
      if (outDir === abs || outDir.startsWith(abs + path.sep)) throw new UsageError(`--out ${opts.out} is inside the input ${input}; choose a folder outside it.`);
    }
  }

  const outcome = verdict(plan, !!opts.strict);
  if (outcome.ok) {
    if (opts.write) {
      writeFilesTransaction(plan.changes, (abs) => toDisplayPath(abs, io.cwd));
    } else if (outDir) {
      const root = commonRoot(set, plan, inputs, io.cwd);
      const contents = new Map<string, string>(set.policies.map((p) => [p.absPath, fileText(p)]));
      for (const c of plan.changes) contents.set(c.absPath, c.after);
      replaceFolder(outDir, [...contents].map(([abs, content]) => ({ rel: path.relative(root, abs), content })));
    }
  }

  if (opts.format === 'json') io.stdout.write(`${JSON.stringify(planJson(plan, issuer, outcome), null, 2)}\n`);
  else io.stdout.write(renderPlan(plan, issuer, { write: !!opts.write, out: opts.out }, outcome, colorFor(io.stdout, io.env), plans.length > 1));
  return outcome.ok ? 0 : 1;
}

interface Verdict {
  ok: boolean;
  /** Why the run failed, one line (no file written). */
  failure?: string;
}

/**
 * Exit codes for CI: 1 when the run cannot go ahead (problems), when no relying party ends up
 * protected (nothing to show for the run), or with --strict when a relying party that signs users in,
 * or one inject could not analyse (a file that does not parse, an incomplete chain), is skipped.
 * Skipping journeys that sign no directory user in is never a failure.
 */
function verdict(plan: InjectPlan, strict: boolean): Verdict {
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  if (plan.problems.length) return { ok: false, failure: `inject stopped: ${n(plan.problems.length, 'problem')}; no file was written.` };
  const done = plan.relyingParties.filter((r) => r.status !== 'skipped');
  if (done.length === 0) {
    return { ok: false, failure: plan.relyingParties.length ? 'no relying party was protected; see the reasons above. Nothing was written.' : 'no relying party in the input; nothing was written.' };
  }
  const strictFails = plan.relyingParties.filter(mustProtect);
  if (strict && strictFails.length) return { ok: false, failure: `--strict: ${strictFails.length === 1 ? '1 relying party was' : `${strictFails.length} relying parties were`} skipped that sign users in or could not be analysed; no file was written.` };
  return { ok: true };
}

/** A skipped relying party that signs users in, or that could not be analysed far enough to know. */
function mustProtect(r: RelyingPartyOutcome): boolean {
  return r.status === 'skipped' && (r.signIn || ![NOT_A_SIGN_IN, NOT_SELECTED].some((w) => r.reason?.includes(w)));
}

/** One plan for several sets: lists concatenated, notes marked with their set when there are several. */
function mergePlans(plans: Array<{ name: string; plan: InjectPlan }>, mode: 'layer' | 'inline', several: boolean): InjectPlan {
  const out: InjectPlan = { mode, changes: [], protected: [], alreadyProtected: [], relyingParties: [], identifiers: [], upnOverrides: [], notes: [], problems: [], generatedFrom: {} };
  for (const { name, plan } of plans) {
    out.changes.push(...plan.changes);
    out.protected.push(...plan.protected);
    out.alreadyProtected.push(...plan.alreadyProtected);
    out.relyingParties.push(...plan.relyingParties);
    out.identifiers = [...new Set([...out.identifiers, ...plan.identifiers])];
    out.upnOverrides = [...new Set([...out.upnOverrides, ...plan.upnOverrides])].sort();
    // Each set chooses its own identifiers and profiles: with several sets, each says its own.
    if (several && plan.changes.length) {
      out.notes.push(`[${name}] ${identifierLine(plan.identifiers)}`);
      if (plan.upnOverrides.length) out.notes.push(`[${name}] ${upnLine(plan.upnOverrides)}`);
    }
    for (const n of plan.notes) if (!(several && n.startsWith('TOTP is already present'))) out.notes.push(several ? `[${name}] ${n}` : n);
    out.problems.push(...plan.problems);
    Object.assign(out.generatedFrom, plan.generatedFrom);
  }
  if (out.problems.length) out.changes = [];
  if (several && out.changes.length === 0 && out.problems.length === 0 && out.relyingParties.length && out.relyingParties.every((r) => r.status !== 'skipped')) {
    out.notes = ['TOTP is already present: nothing to change.'];
  }
  return out;
}

function split(list: string[] | undefined): string[] | undefined {
  const out = (list ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  return out.length ? out : undefined;
}

function parseVersion(v: string | undefined): PageVersion | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  if (!m) throw new UsageError(`--page-version takes a version such as 2.1.26, not '${v}'.`);
  const version: PageVersion = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (compareVersions(version, SELFASSERTED_PAGE.recommended) < 0) {
    throw new UsageError(`--page-version ${v} is too old for TOTP: use ${formatVersion(SELFASSERTED_PAGE.recommended)} or newer.`);
  }
  return version;
}

/** The tenant's short name ("contoso" for contoso.onmicrosoft.com), as a starting point. */
function defaultIssuer(set: PolicySet): string {
  const tenant = set.policies.find((p) => p.tenantId)?.tenantId ?? '';
  return tenant.split('.')[0] || 'B2C';
}

/** The folder that holds every input file, so --out keeps the layout below it. */
function commonRoot(set: PolicySet, plan: InjectPlan, inputs: string[], cwd: string): string {
  const dirs = [...set.policies.map((p) => path.dirname(p.absPath)), ...plan.changes.map((c) => path.dirname(c.absPath))];
  for (const i of inputs) dirs.push(path.resolve(cwd, i));
  let root = dirs[0] ?? cwd;
  for (const d of dirs) while (!(d === root || d.startsWith(root + path.sep))) root = path.dirname(root);
  return root;
}

function planJson(plan: InjectPlan, issuer: string, outcome: Verdict) {
  return {
    version: 1,
    mode: plan.mode,
    issuer,
    ok: outcome.ok,
    ...(outcome.failure ? { failure: outcome.failure } : {}),
    relyingParties: plan.relyingParties,
    protected: plan.protected.map((p) => ({ relyingParty: p.relyingParty.path, policyId: p.relyingParty.policyId, journey: p.journeyId, copy: p.copyId, insertedBefore: p.beforeWhat })),
    alreadyProtected: plan.alreadyProtected,
    identifiers: plan.identifiers,
    userPrincipalNameAddedTo: plan.upnOverrides,
    files: plan.changes.map((c) => ({ path: c.path, status: c.before === undefined ? 'new' : 'changed', diff: unifiedDiff(c.before, c.after, c.path, c.path) })),
    notes: plan.notes,
    problems: plan.problems,
  };
}

const identifierLine = (ids: string[]) => `totpIdentifier from: ${ids.join(', ')} (first one the user has)`;
const upnLine = (ids: string[]) => `userPrincipalName output added to: ${ids.join(', ')}`;

function renderPlan(plan: InjectPlan, issuer: string, how: { write: boolean; out?: string }, outcome: Verdict, color: ReturnType<typeof colorFor>, several: boolean): string {
  const out: string[] = [];
  if (plan.problems.length) {
    for (const p of plan.problems) out.push(`${color.red('error')} ${p}`);
    out.push(color.red(`✖ ${outcome.failure}`));
    return `${out.join('\n')}\n`;
  }
  const rpLines = plan.relyingParties.map((r) => {
    const label = `${r.path} (${r.journey ?? 'no journey'})`;
    if (r.status === 'already-protected') return `  already protected ${label}: the journey already verifies an authenticator code`;
    if (r.status === 'skipped') return `  ${color.yellow('skip')} ${label}: ${r.reason ?? ''}`;
    const p = plan.protected.find((x) => x.relyingParty.path === r.path)!;
    return `  protect ${label}: TOTP before ${p.beforeWhat}, in journey ${p.copyId}`;
  });
  if (plan.changes.length === 0) {
    // Nothing to write: say so first, then what was skipped and why.
    const present = 'TOTP is already present: nothing to change.';
    if (outcome.ok) out.push(present);
    out.push(...rpLines.filter((_, i) => plan.relyingParties[i]!.status === 'skipped'));
    for (const n of plan.notes) if (n !== present && !/\bUpload order:/.test(n)) out.push(n);
    if (!outcome.ok) out.push(color.red(`✖ ${outcome.failure}`));
    return `${out.join('\n')}\n`;
  }
  out.push(color.bold(`TOTP plan (${plan.mode} mode, issuer '${issuer}')`));
  out.push(...rpLines);
  if (!several) {
    out.push(`  ${identifierLine(plan.identifiers)}`);
    if (plan.upnOverrides.length) out.push(`  ${upnLine(plan.upnOverrides)}`);
  }
  for (const n of plan.notes) out.push(`  ${n}`);
  out.push('');
  for (const c of plan.changes) {
    const diff = unifiedDiff(c.before, c.after, c.path, c.path);
    out.push(color.level > 0 ? colourDiff(diff, color) : diff.replace(/\n$/, ''));
  }
  out.push('');
  if (!outcome.ok) {
    out.push(color.red(`✖ ${outcome.failure}`));
    return `${out.join('\n')}\n`;
  }
  const files = plan.changes.map((c) => `${c.path}${c.before === undefined ? ' (new)' : ''}`).join(', ');
  if (how.write) out.push(color.green(`✔ wrote ${files}`));
  else if (how.out) out.push(color.green(`✔ wrote the whole set with TOTP to ${how.out}`));
  else out.push(`Nothing written. Apply with --write, or write the whole set elsewhere with --out <dir>.`);
  return `${out.join('\n')}\n`;
}

function colourDiff(diff: string, color: ReturnType<typeof colorFor>): string {
  return diff
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l.startsWith('+') && !l.startsWith('+++') ? color.green(l) : l.startsWith('-') && !l.startsWith('---') ? color.red(l) : l.startsWith('@@') ? color.cyan(l) : l))
    .join('\n');
}
