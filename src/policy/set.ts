import path from 'node:path';
import type { XmlElement } from '../xml/nodes.js';
import type { LineIndex } from '../xml/lines.js';
import type { ReadProblem } from '../xml/read.js';
import { type DefKind, Policy } from './policy.js';

/** The service allows at most this many levels of inheritance. */
export const MAX_CHAIN_DEPTH = 10;

/** A file that could not become a policy: unreadable, not XML, or not a TrustFrameworkPolicy. */
export interface BrokenFile {
  path: string;
  absPath: string;
  problem: ReadProblem | { kind: 'not-a-policy' | 'unreadable'; message: string; start: number; end: number };
  lines: LineIndex;
  /** The file's text after any byte-order mark; offsets and positions refer to it. */
  text: string;
  bom: boolean;
  /** Found by scanning a folder (not named by the user): a non-policy XML file is then only skipped. */
  scanned: boolean;
}

export type ChainStatus =
  | { kind: 'complete' }
  | { kind: 'missing-base'; policy: Policy }
  | { kind: 'deployed-base'; policy: Policy }
  /** Several files could be the base: `candidates` are the nearest ones (same folder, or equally near). */
  | { kind: 'ambiguous-base'; policy: Policy; candidates: Policy[] }
  | { kind: 'cycle'; policy: Policy }
  | { kind: 'too-deep' };

export interface Found {
  element: XmlElement;
  policy: Policy;
  /** The Id matched with the same case (the service tolerates case differences; we report them as info). */
  exactCase: boolean;
}

/**
 * The id a PolicyId has in the tenant, upper-cased: the service stores a policy's own id with the
 * B2C_1A_ prefix even when the file leaves it out (upload-semantics.md §3), so `X` and `B2C_1A_X` name
 * the same policy. (POL-001 reports the unprefixed spelling where the service rejects it.)
 */
export function tenantPolicyKey(policyId: string): string {
  const u = policyId.trim().toUpperCase();
  return u.startsWith('B2C_1A_') ? u : `B2C_1A_${u}`;
}

/** Folder hops between two files' folders (0: same folder). */
export function folderDistance(a: string, b: string): number {
  const x = path.dirname(a).split(path.sep);
  const y = path.dirname(b).split(path.sep);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.length - i + (y.length - i);
}

export interface PolicySetOptions {
  /** Files of other sets that this set's policies inherit from (their own set checks them for duplicates). */
  borrowed?: ReadonlySet<Policy>;
}

/**
 * A set of policies uploaded together. Files become policies by PolicyId; each policy's chain runs
 * upward through BasePolicy, and references resolve upward only, as the service does.
 *
 * A BasePolicy resolves to the file with that PolicyId in the policy's own folder, else to the nearest
 * one by folder distance (a tree may keep bases in a parent or sibling folder); two equally near
 * candidates leave the chain ambiguous rather than guessed.
 */
export class PolicySet {
  /** Policies by their tenant id (`tenantPolicyKey`). */
  readonly byId = new Map<string, Policy[]>();
  private readonly chains = new Map<Policy, { chain: Policy[]; status: ChainStatus }>();
  private readonly parents = new Map<Policy, Policy | Policy[] | null>();
  private childMap: Map<Policy, Policy[]> | undefined;
  readonly borrowed: ReadonlySet<Policy>;

  constructor(
    readonly policies: Policy[],
    readonly broken: BrokenFile[] = [],
    /** PolicyIds already deployed to the tenant: a BasePolicy may point at them. */
    readonly deployed: readonly string[] = [],
    options: PolicySetOptions = {},
  ) {
    this.borrowed = options.borrowed ?? new Set();
    for (const p of policies) {
      if (!p.policyId) continue;
      const key = tenantPolicyKey(p.policyId);
      const list = this.byId.get(key);
      if (list) list.push(p);
      else this.byId.set(key, [p]);
    }
  }

  /** The policies with this id in the tenant (with or without the B2C_1A_ prefix), in any folder. */
  withId(policyId: string): Policy[] {
    return this.byId.get(tenantPolicyKey(policyId)) ?? [];
  }

  /** The policy this one inherits from, when it is in the set and unambiguous. */
  parent(p: Policy): Policy | undefined {
    const r = this.baseOf(p);
    return r && !Array.isArray(r) ? r : undefined;
  }

  /** The resolved base: a policy, the equally near candidates when ambiguous, or null when none is here. */
  baseOf(p: Policy): Policy | Policy[] | null {
    const hit = this.parents.get(p);
    if (hit !== undefined) return hit;
    const r = this.resolveBase(p);
    this.parents.set(p, r);
    return r;
  }

  private resolveBase(p: Policy): Policy | Policy[] | null {
    if (!p.base?.policyId) return null;
    const all = this.withId(p.base.policyId);
    const candidates = all.filter((q) => q !== p);
    // A policy naming itself is its own base: a cycle (POL-006), not a missing base.
    if (candidates.length === 0) return all.length ? p : null;
    if (candidates.length === 1) return candidates[0]!;
    let best: Policy[] = [];
    let min = Infinity;
    for (const q of candidates) {
      const d = folderDistance(p.absPath, q.absPath);
      if (d < min) (min = d), (best = [q]);
      else if (d === min) best.push(q);
    }
    return best.length === 1 ? best[0]! : best;
  }

  isDeployed(policyId: string): boolean {
    const u = tenantPolicyKey(policyId);
    return this.deployed.some((d) => tenantPolicyKey(d) === u);
  }

  /** The policy followed by its ancestors, nearest first, as far as they can be resolved. */
  chain(p: Policy): Policy[] {
    return this.resolve(p).chain;
  }

  chainStatus(p: Policy): ChainStatus {
    return this.resolve(p).status;
  }

  /** References can be checked only against a chain that is all here. */
  isComplete(p: Policy): boolean {
    return this.resolve(p).status.kind === 'complete';
  }

  private resolve(p: Policy): { chain: Policy[]; status: ChainStatus } {
    const cached = this.chains.get(p);
    if (cached) return cached;
    const chain: Policy[] = [p];
    let status: ChainStatus = { kind: 'complete' };
    let cur = p;
    for (;;) {
      if (!cur.base?.policyId) break;
      const next = this.baseOf(cur);
      if (next === null) {
        status = this.isDeployed(cur.base.policyId) ? { kind: 'deployed-base', policy: cur } : { kind: 'missing-base', policy: cur };
        break;
      }
      if (Array.isArray(next)) {
        status = { kind: 'ambiguous-base', policy: cur, candidates: next };
        break;
      }
      if (chain.includes(next)) {
        status = { kind: 'cycle', policy: cur };
        break;
      }
      chain.push(next);
      if (chain.length > MAX_CHAIN_DEPTH) {
        status = { kind: 'too-deep' };
        break;
      }
      cur = next;
    }
    const r = { chain, status };
    this.chains.set(p, r);
    return r;
  }

  /** Policies whose BasePolicy is `p`. */
  childrenOf(p: Policy): Policy[] {
    if (!this.childMap) {
      this.childMap = new Map();
      for (const q of this.policies) {
        const parent = this.parent(q);
        if (!parent) continue;
        const list = this.childMap.get(parent);
        if (list) list.push(q);
        else this.childMap.set(parent, [q]);
      }
    }
    return this.childMap.get(p) ?? [];
  }

  private readonly found = new Map<Policy, Map<DefKind, Map<string, Found | null>>>();

  /** The nearest definition visible from `from` (itself, then ancestors). Cached: many rules ask the same. */
  find(kind: DefKind, id: string, from: Policy): Found | undefined {
    let perPolicy = this.found.get(from);
    if (!perPolicy) this.found.set(from, (perPolicy = new Map()));
    let perKind = perPolicy.get(kind);
    if (!perKind) perPolicy.set(kind, (perKind = new Map()));
    const hit = perKind.get(id);
    if (hit !== undefined) return hit ?? undefined;
    const result = this.lookup(kind, id, from);
    perKind.set(id, result ?? null);
    return result;
  }

  private lookup(kind: DefKind, id: string, from: Policy): Found | undefined {
    let loose: Found | undefined;
    const key = id.toLowerCase();
    for (const p of this.chain(from)) {
      const defs = p.definition(kind, key);
      if (defs === undefined) continue;
      for (const el of Array.isArray(defs) ? defs : [defs]) {
        if (el.attributes.Id === id) return { element: el, policy: p, exactCase: true };
        loose ??= { element: el, policy: p, exactCase: false };
      }
    }
    return loose;
  }

  /**
   * The nearest policy in `from`'s chain that defines anything of `kind` (else the root): every lookup
   * of that kind sees the same from both, so merged views computed for one serve the other (relying
   * parties rarely define technical profiles or journeys of their own).
   */
  viewFor(kind: DefKind, from: Policy): Policy {
    const chain = this.chain(from);
    for (const p of chain) if (p.definesAny(kind)) return p;
    return chain[chain.length - 1]!;
  }

  /** Every definition visible from `from`, root ancestor first: the layers an override merges. */
  layers(kind: DefKind, id: string, from: Policy): Found[] {
    const out: Found[] = [];
    const chain = this.chain(from);
    for (let i = chain.length - 1; i >= 0; i--) {
      const p = chain[i]!;
      for (const el of p.defined(kind, id)) out.push({ element: el, policy: p, exactCase: el.attributes.Id === id });
    }
    return out;
  }

  /** All Ids of `kind` visible from `from`, for "did you mean" suggestions. */
  visibleIds(kind: DefKind, from: Policy): string[] {
    const out = new Set<string>();
    for (const p of this.chain(from)) for (const el of p.definitions(kind)) out.add(el.attributes.Id!);
    return [...out];
  }

  /** Policies that nothing in the set inherits from: usually the relying parties. */
  leaves(): Policy[] {
    return this.policies.filter((p) => this.childrenOf(p).length === 0);
  }
}
