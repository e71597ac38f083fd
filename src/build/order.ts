import type { Policy } from '../policy/policy.js';
import type { PolicySet } from '../policy/set.js';

/** One line of upload-order.json. */
export interface UploadEntry {
  policyId: string;
  /** Path inside dist/<env>/, `/` separators. */
  file: string;
  /** sha256 (hex) of the file's bytes as written. */
  sha256: string;
  /** BasePolicy/PolicyId, or null for a root policy. */
  base: string | null;
}

/**
 * Upload order: every policy after its base. Policies are taken level by level (a level can be
 * uploaded in parallel), and by PolicyId within a level (ignoring case, then exact), so the
 * order is stable. A base outside the set (already deployed) counts as level -1.
 */
export function uploadOrder(set: PolicySet, fileOf: (p: Policy) => { file: string; sha256: string }): UploadEntry[] {
  const level = (p: Policy) => set.chain(p).length - 1;
  const key = (p: Policy) => p.policyId ?? '';
  const sorted = [...set.policies].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const la = ka.toUpperCase();
    const lb = kb.toUpperCase();
    return level(a) - level(b) || (la < lb ? -1 : la > lb ? 1 : 0) || (ka < kb ? -1 : ka > kb ? 1 : 0) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  });
  return sorted.map((p) => ({ policyId: key(p), ...fileOf(p), base: p.base?.policyId || null }));
}
