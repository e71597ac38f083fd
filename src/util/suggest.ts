import { quote } from './quote.js';

/** Levenshtein distance with an early exit once it exceeds `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The candidate nearest to `id` (case-insensitive), if it is close enough to be a likely typo. */
export function nearest(id: string, candidates: Iterable<string>): string | undefined {
  const target = id.toLowerCase();
  const max = Math.max(2, Math.floor(target.length / 3));
  let best: string | undefined;
  let bestD = max + 1;
  for (const c of candidates) {
    const d = distance(target, c.toLowerCase(), Math.min(max, bestD));
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** ` Did you mean 'X'?` or ''. */
export function didYouMean(id: string, candidates: Iterable<string>): string {
  const n = nearest(id, candidates);
  return n ? ` Did you mean ${quote(n)}?` : '';
}
