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
  | { kind: 'ambiguous-base'; policy: Policy }
  | { kind: 'cycle'; policy: Policy }
  | { kind: 'too-deep' };

export interface Found {
  element: XmlElement;
  policy: Policy;
  /** The Id matched with the same case (the service tolerates case differences; we report them as info). */
  exactCase: boolean;
}

/**
 * A set of policies uploaded together. Files become policies by PolicyId; each policy's chain runs
 * upward through BasePolicy, and references resolve upward only, as the service does.
 */
export class PolicySet {
  readonly byId = new Map<string, Policy[]>();
  private readonly chains = new Map<Policy, { chain: Policy[]; status: ChainStatus }>();
  private childMap: Map<Policy, Policy[]> | undefined;

  constructor(
    readonly policies: Policy[],
    readonly broken: BrokenFile[] = [],
    /** PolicyIds already deployed to the tenant: a BasePolicy may point at them. */
    readonly deployed: readonly string[] = [],
  ) {
    for (const p of policies) {
      if (!p.policyId) continue;
      const key = p.policyId.toUpperCase();
      const list = this.byId.get(key);
      if (list) list.push(p);
      else this.byId.set(key, [p]);
    }
  }

  /** The policy this one inherits from, when it is in the set and unambiguous. */
  parent(p: Policy): Policy | undefined {
    if (!p.base?.policyId) return undefined;
    const list = this.byId.get(p.base.policyId.toUpperCase());
    return list && list.length === 1 && list[0] !== p ? list[0] : undefined;
  }

  isDeployed(policyId: string): boolean {
    const u = policyId.toUpperCase();
    return this.deployed.some((d) => d.toUpperCase() === u);
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
      const list = this.byId.get(cur.base.policyId.toUpperCase()) ?? [];
      if (list.length === 0) {
        status = this.isDeployed(cur.base.policyId) ? { kind: 'deployed-base', policy: cur } : { kind: 'missing-base', policy: cur };
        break;
      }
      if (list.length > 1) {
        status = { kind: 'ambiguous-base', policy: cur };
        break;
      }
      const next = list[0]!;
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
