/**
 * Runs `inject` on every policy folder of ../shared/corpus and classifies the outcome (throwaway measurement,
 * until the lead's `npm run corpus` covers it). A set = the XML files of one folder, plus files of ancestor
 * folders (nearest first) that supply missing BasePolicy ids.
 * Usage: node --import tsx scripts/inject-corpus.ts [--inline] [--json out.json]
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadPolicySet, type InputFile } from '../src/policy/load.js';
import { Policy } from '../src/policy/policy.js';
import { policyFromBytes } from '../src/policy/load.js';
import { PolicySet } from '../src/policy/set.js';
import { runRules } from '../src/rules/engine.js';
import { RULES } from '../src/rules/index.js';
import { planInjection, type InjectPlan } from '../src/totp/inject.js';

const CORPUS = path.resolve(process.argv.includes('--corpus') ? process.argv[process.argv.indexOf('--corpus') + 1]! : '../shared/corpus');
const mode = process.argv.includes('--inline') ? 'inline' : 'layer';
const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : undefined;

function xmlIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.xml') && statSync(path.join(dir, f)).isFile()).map((f) => path.join(dir, f));
}
function dirs(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    out.push(d);
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory() && e.name !== '.git') walk(path.join(d, e.name));
  };
  walk(root);
  return out;
}

function setFor(repo: string, dir: string): PolicySet {
  const own = loadPolicySet(xmlIn(dir).map((absPath): InputFile => ({ absPath, scanned: true })), CORPUS);
  let set = own;
  // Missing bases: look in ancestor folders, nearest first.
  for (let d = path.dirname(dir); d.startsWith(repo); d = path.dirname(d)) {
    const missing = set.policies.filter((p) => set.chainStatus(p).kind === 'missing-base');
    if (!missing.length) break;
    const extra = loadPolicySet(xmlIn(d).map((absPath): InputFile => ({ absPath, scanned: true })), CORPUS);
    const have = new Set(set.policies.map((p) => p.policyId?.toUpperCase()));
    const add = extra.policies.filter((p) => p.policyId && !have.has(p.policyId.toUpperCase()) && !p.relyingParty);
    if (add.length) set = new PolicySet([...set.policies, ...add], set.broken, []);
    if (d === repo) break;
  }
  return set;
}

// As inject's own check: an error copied with a relying party (same rule and message once generated names read as the originals) is the input's.
const errKey = (d: { ruleId: string; file: string; message: string }) => `${d.ruleId}\0${d.message.replace(/_TOTP\d*/g, '').replace(/\b(Orders?|step|steps|line) [\d, ]+/g, '$1 N')}`;
function errors(set: PolicySet): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of runRules(RULES, set, { ready: false })) if (d.severity === 'error') m.set(errKey(d), (m.get(errKey(d)) ?? 0) + 1);
  return m;
}
function applied(set: PolicySet, plan: InjectPlan): PolicySet {
  const changed = new Map(plan.changes.map((c) => [c.absPath, c]));
  const ps: Policy[] = set.policies.filter((p) => !changed.has(p.absPath));
  for (const c of plan.changes) {
    const p = policyFromBytes(Buffer.from(c.after, 'utf8'), c.path, c.absPath, true);
    if (p instanceof Policy) ps.push(p);
  }
  return new PolicySet(ps, set.broken, set.deployed);
}

/** `<X></X>` on one line, expanded to hold children: its bytes stay, split around them. */
function emptyExpanded(line: string, after: string): boolean {
  const m = /^\s*(<(\w+)[^>]*>)(<\/\2>)\s*$/.exec(line);
  return !!m && after.includes(m[1]!) && after.includes(m[3]!);
}

interface Row {
  set: string;
  uploads: boolean;
  rps: number;
  signIn: number;
  protectedRps: number;
  already: number;
  skipped: Array<{ rp: string; reason: string; signIn: boolean }>;
  problems: string[];
  broken: string[];
  gotTotp: boolean;
}
const rows: Row[] = [];
const repos = readdirSync(CORPUS).filter((r) => statSync(path.join(CORPUS, r)).isDirectory()).sort();
for (const r of repos) {
  const repo = path.join(CORPUS, r);
  for (const dir of dirs(repo)) {
    if (!xmlIn(dir).length) continue;
    const set = setFor(repo, dir);
    const rpList = set.policies.filter((p) => p.relyingParty);
    if (!rpList.length) continue;
    const uploads = set.broken.filter((b) => b.problem.kind !== 'not-a-policy').length === 0 && rpList.every((p) => p.defaultUserJourney && set.isComplete(p));
    let plan: InjectPlan;
    try {
      plan = planInjection(set, { mode, issuer: 'Corpus' });
    } catch (e) {
      rows.push({ set: path.relative(CORPUS, dir), uploads, rps: rpList.length, signIn: 0, protectedRps: 0, already: 0, skipped: [], problems: [`CRASH ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`], broken: [`crash`], gotTotp: false });
      continue;
    }
    const rpsOut = (plan as { relyingParties?: Array<{ path: string; status: string; reason?: string; signIn: boolean }> }).relyingParties;
    const broken: string[] = [];
    if (plan.changes.length) {
      const after = applied(set, plan);
      const before = errors(set);
      for (const [k] of errors(after)) if (!before.has(k)) broken.push(`new lint error ${k.replace(/\0/g, ' | ')}`);
      const again = planInjection(after, { mode, issuer: 'Corpus' });
      if (again.changes.length) broken.push(`second run changes ${again.changes.map((c) => c.path).join(', ')}`);
      if (again.problems.length) broken.push(`second run problems: ${again.problems[0]}`);
      for (const c of plan.changes) {
        if (c.before === undefined) continue;
        // Untouched bytes stay: every line of the original is in the result, in order.
        // Step Order values may move (inline mode renumbers in place); whitespace may be added between tags.
        const norm = (s: string) => s.replace(/Order="\d+"/g, 'Order=""');
        const a = norm(c.before).split('\n');
        const b = norm(c.after).split('\n');
        const flat = norm(c.after).replace(/\s+/g, '');
        let j = 0;
        for (const line of a) {
          while (j < b.length && b[j] !== line) j++;
          if (j === b.length) {
            if (!/ReferenceId=|PolicyId|PublicPolicyUri/.test(line) && !flat.includes(line.replace(/\s+/g, '')) && !emptyExpanded(line, c.after)) broken.push(`${c.path}: original line lost: ${line.trim().slice(0, 80)}`);
            j = 0;
          }
        }
      }
    }
    rows.push({
      set: path.relative(CORPUS, dir),
      uploads,
      rps: rpList.length,
      signIn: rpsOut ? rpsOut.filter((x) => x.signIn).length : -1,
      protectedRps: rpsOut ? rpsOut.filter((x) => x.status === 'protected').length : plan.protected.length,
      already: rpsOut ? rpsOut.filter((x) => x.status === 'already-protected').length : plan.alreadyProtected.length,
      skipped: rpsOut ? rpsOut.filter((x) => x.status === 'skipped').map((x) => ({ rp: x.path, reason: x.reason ?? '', signIn: x.signIn })) : [],
      problems: plan.problems,
      broken,
      gotTotp: plan.problems.length === 0 && (plan.protected.length > 0 || plan.alreadyProtected.length > 0),
    });
  }
}
const sum = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0);
const signInSets = rows.filter((r) => r.uploads && (r.signIn > 0 || r.signIn === -1));
console.log(`mode ${mode}: ${rows.length} sets with a relying party; ${rows.filter((r) => r.uploads).length} upload; ${signInSets.length} uploading sets${rows[0]?.signIn === -1 ? '' : ' with a sign-in RP'}`);
console.log(`sets that got TOTP (protected or already): ${signInSets.filter((r) => r.gotTotp).length} / ${signInSets.length}`);
console.log(`RPs: ${sum((r) => r.rps)}; protected ${sum((r) => r.protectedRps)}; already ${sum((r) => r.already)}; skipped ${sum((r) => r.skipped.length)}`);
console.log(`broken results: ${rows.filter((r) => r.broken.length).length}`);
const reasons = new Map<string, number>();
for (const r of rows) for (const s of r.skipped) {
  const k = `${s.signIn ? 'sign-in' : 'other'}: ${s.reason.replace(/[^ ]*:\d+:\d+: /g, '').replace(/'[^']*'/g, "'…'").replace(/\b[A-Za-z0-9_]*B2C_1A_\w+/gi, 'ID').slice(0, 120)}`;
  reasons.set(k, (reasons.get(k) ?? 0) + 1);
}
for (const r of rows) for (const p of r.problems) {
  const k = `problem: ${p.replace(/^[^ ]*:\d+:\d+: /, '').replace(/'[^']*'/g, "'…'").replace(/\([^)]*\)/g, '(…)').replace(/\d+/g, 'N').slice(0, 110)}`;
  reasons.set(k, (reasons.get(k) ?? 0) + 1);
}
for (const [k, n] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(4)} ${k}`);
for (const r of rows.filter((r) => r.broken.length)) console.log(`BROKEN ${r.set}: ${r.broken.slice(0, 3).join(' || ')}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 1));
