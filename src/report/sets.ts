import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import { type PolicyGroup, toShown } from '../policy/sets.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Shown relative to the set's folder, so a long tree stays readable. */
function within(g: PolicyGroup, abs: string): string {
  return path.relative(g.dir, abs).split(path.sep).join('/');
}

/** `lint --list-sets`: each set, its files, and the bases it takes from other folders. */
export function formatSets(sets: readonly PolicyGroup[], cwd: string, color: ChalkInstance): string {
  const files = new Set(sets.flatMap((g) => [...g.own, ...g.broken].map((f) => f.absPath))).size;
  const out = [`${plural(sets.length, 'policy set')} in ${plural(files, 'file')}:`];
  for (const g of sets) {
    const n = g.own.length + g.broken.length;
    out.push(`  ${color.bold(g.name)} (${plural(n, 'file')}${g.explicit ? ', from config "sets"' : ''})`);
    for (const p of g.own) out.push(`    ${within(g, p.absPath)}  ${color.dim(p.policyId ?? '(no PolicyId)')}`);
    for (const b of g.broken) out.push(`    ${within(g, b.absPath)}  ${color.dim('(not read as a policy)')}`);
    for (const b of g.borrowed) {
      out.push(`    ${color.dim('builds on')} ${toShown(b.policy.absPath, cwd)} ${color.dim(`(${b.policy.policyId ?? ''}, base of ${within(g, b.by.absPath) || b.by.path}), from another folder`)}`);
    }
  }
  if (sets.length > 1) out.push(color.dim('Files are grouped by folder and BasePolicy chain; name sets in b2c-totp.config.json "sets" to group them otherwise.'));
  return `${out.join('\n')}\n`;
}

export function setsJson(sets: readonly PolicyGroup[], cwd: string) {
  return {
    version: 1,
    sets: sets.map((g) => ({
      name: g.name,
      folder: toShown(g.dir, cwd),
      explicit: g.explicit,
      files: [...g.own.map((p) => ({ file: p.path, policyId: p.policyId ?? null })), ...g.broken.map((b) => ({ file: b.path, policyId: null }))],
      borrowed: g.borrowed.map((b) => ({ file: b.policy.path, policyId: b.policy.policyId ?? null, baseOf: b.by.path })),
    })),
  };
}
