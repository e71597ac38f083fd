/**
 * A tree of policy files holds one or more policy sets: one folder per environment (full copies), one
 * per scenario, built copies beside their templates. This module groups the files as a user sees
 * them, so each set is checked on its own: a PolicyId repeated in two sets is normal, within one set
 * it is an error (POL-005).
 *
 * 1. Files of one folder that are linked by BasePolicy (directly or through a shared base) form a
 *    group; unrelated files in one folder (a folder of stand-alone tutorial policies) stay apart.
 * 2. A base that a group lacks is taken from the nearest folder that has it (PolicySet resolves a
 *    BasePolicy that way), and the group joins that base's group, unless that would put two files
 *    with one PolicyId into one set: then the group stays a set of its own that borrows the base.
 * 3. Sets named in b2c-totp.config.json "sets" hold exactly the files they name.
 */
import path from 'node:path';
import { type Policy } from './policy.js';
import { type BrokenFile, PolicySet, tenantPolicyKey } from './set.js';

export interface PolicyGroup {
  /** How the set is shown: its folder relative to the working folder, or the config's name for it. */
  name: string;
  /** The folder that holds the set's own files (their common folder). */
  dir: string;
  /** The set's own files. */
  own: Policy[];
  /** Files of other sets this set builds on, with the file that needs each. */
  borrowed: Array<{ policy: Policy; by: Policy }>;
  broken: BrokenFile[];
  /** Own and borrowed policies together: what the rules check. */
  set: PolicySet;
  /** Named in the config's "sets". */
  explicit: boolean;
}

export interface ExplicitSet {
  name: string;
  /** Whether a file (absolute path) belongs to the set. */
  includes: (absPath: string) => boolean;
}

export interface GroupOptions {
  cwd: string;
  deployed?: readonly string[];
  explicit?: readonly ExplicitSet[];
}

/** Groups loaded files into policy sets, in a stable order (by folder, then first file). */
export function groupPolicySets(policies: Policy[], broken: BrokenFile[], opts: GroupOptions): PolicyGroup[] {
  const deployed = opts.deployed ?? [];
  const universe = new PolicySet(policies, [], deployed);
  const groups: PolicyGroup[] = [];
  const taken = new Set<Policy | BrokenFile>();

  for (const ex of opts.explicit ?? []) {
    const own = policies.filter((p) => !taken.has(p) && ex.includes(p.absPath));
    const bad = broken.filter((b) => !taken.has(b) && ex.includes(b.absPath));
    for (const f of [...own, ...bad]) taken.add(f);
    if (own.length + bad.length === 0) continue;
    groups.push({ name: ex.name, dir: commonDir([...own, ...bad]), own, borrowed: [], broken: bad, set: new PolicySet(own, bad, deployed), explicit: true });
  }

  // 1. Per folder: files linked by BasePolicy, including ambiguous same-folder candidates (so two copies
  //    of one policy in one folder end up in one set, where POL-005 reports them).
  const rest = policies.filter((p) => !taken.has(p));
  const uf = new UnionFind<Policy>();
  for (const p of rest) {
    uf.add(p);
    if (!p.base?.policyId) continue;
    for (const q of universe.withId(p.base.policyId)) {
      if (q !== p && !taken.has(q) && path.dirname(q.absPath) === path.dirname(p.absPath)) uf.union(p, q);
    }
  }

  // 2. Join the group of a base borrowed from another folder, unless a PolicyId would repeat.
  const byPath = (a: Policy, b: Policy) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0);
  const keysOf = (members: Policy[]) => new Set(members.flatMap((m) => (m.policyId ? [tenantPolicyKey(m.policyId)] : [])));
  for (let changed = true; changed; ) {
    changed = false;
    for (const members of uf.groups(rest, byPath)) {
      for (const p of members) {
        const base = universe.baseOf(p);
        if (!base || Array.isArray(base) || taken.has(base) || uf.same(p, base)) continue;
        const target = uf.members(base, rest);
        const keys = keysOf(target);
        if (members.some((m) => m.policyId && keys.has(tenantPolicyKey(m.policyId)))) continue;
        uf.union(p, base);
        changed = true;
        break;
      }
      if (changed) break;
    }
  }

  const auto: PolicyGroup[] = [];
  for (const own of uf.groups(rest, byPath)) {
    const ownSet = new Set(own);
    const borrowed: Array<{ policy: Policy; by: Policy }> = [];
    const extra = new Set<Policy>();
    for (const p of own) {
      let cur: Policy = p;
      for (let depth = 0; depth < 32; depth++) {
        const base = universe.baseOf(cur);
        if (!base) break;
        if (Array.isArray(base)) {
          // Equally near candidates: all of them come along, so the set sees the same ambiguity.
          for (const q of base) if (!ownSet.has(q)) extra.add(q);
          break;
        }
        // An own base is walked from itself; a borrowed one was walked when it was added.
        if (ownSet.has(base) || extra.has(base)) break;
        extra.add(base);
        borrowed.push({ policy: base, by: cur });
        cur = base;
      }
    }
    const all = [...own, ...[...extra].sort(byPath)];
    auto.push({ name: '', dir: commonDir(own), own, borrowed, broken: [], set: new PolicySet(all, [], deployed, { borrowed: extra }), explicit: false });
  }

  // Broken files join a set of their own folder; a folder with only broken files is a set of its own.
  for (const b of broken) {
    if (taken.has(b)) continue;
    const dir = path.dirname(b.absPath);
    const home = auto.find((g) => g.own.some((p) => path.dirname(p.absPath) === dir));
    if (home) home.broken.push(b);
    else {
      const g = auto.find((x) => x.own.length === 0 && x.dir === dir);
      if (g) g.broken.push(b);
      else auto.push({ name: '', dir, own: [], borrowed: [], broken: [b], set: new PolicySet([], [], deployed), explicit: false });
    }
  }
  for (const g of auto) {
    if (g.broken.length) g.set = new PolicySet(g.set.policies, g.broken, deployed, { borrowed: g.set.borrowed });
  }

  auto.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : firstPath(a) < firstPath(b) ? -1 : 1));
  const perDir = new Map<string, number>();
  for (const g of auto) perDir.set(g.dir, (perDir.get(g.dir) ?? 0) + 1);
  for (const g of auto) {
    const folder = toShown(g.dir, opts.cwd);
    g.name = (perDir.get(g.dir) ?? 0) > 1 ? `${folder}/${path.basename(firstPath(g))}` : folder;
  }
  return [...groups, ...auto];
}

function firstPath(g: PolicyGroup): string {
  return [...g.own, ...g.broken].map((f) => f.absPath).sort()[0] ?? g.dir;
}

function commonDir(files: Array<{ absPath: string }>): string {
  let root = files.length ? path.dirname(files[0]!.absPath) : '';
  for (const f of files) {
    const d = path.dirname(f.absPath);
    while (!(d === root || d.startsWith(root + path.sep)) && path.dirname(root) !== root) root = path.dirname(root);
  }
  return root;
}

/** A folder relative to the working folder, `/` separators, `.` for the working folder itself. */
export function toShown(abs: string, cwd: string): string {
  const r = path.relative(cwd, abs).split(path.sep).join('/');
  return r === '' ? '.' : r;
}

class UnionFind<T> {
  private readonly up = new Map<T, T>();
  add(x: T): void {
    if (!this.up.has(x)) this.up.set(x, x);
  }
  find(x: T): T {
    let r = x;
    while (this.up.get(r) !== r) r = this.up.get(r)!;
    for (let c = x; c !== r; ) {
      const n = this.up.get(c)!;
      this.up.set(c, r);
      c = n;
    }
    return r;
  }
  union(a: T, b: T): void {
    this.add(a);
    this.add(b);
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.up.set(rb, ra);
  }
  same(a: T, b: T): boolean {
    return this.up.has(a) && this.up.has(b) && this.find(a) === this.find(b);
  }
  members(x: T, among: readonly T[]): T[] {
    const r = this.find(x);
    return among.filter((y) => this.find(y) === r);
  }
  groups(among: readonly T[], order: (a: T, b: T) => number): T[][] {
    const map = new Map<T, T[]>();
    for (const x of among) {
      const r = this.find(x);
      const list = map.get(r);
      if (list) list.push(x);
      else map.set(r, [x]);
    }
    return [...map.values()].map((g) => g.sort(order)).sort((a, b) => order(a[0]!, b[0]!));
  }
}
