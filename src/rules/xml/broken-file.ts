import type { BrokenFile } from '../../policy/set.js';
import type { Rule, RuleMeta } from '../types.js';

/** Rules whose findings come from the reader: each reports the broken files of its kind. */
export function readProblemRule(meta: RuleMeta, kinds: ReadonlyArray<BrokenFile['problem']['kind']>, only?: (f: BrokenFile) => boolean): Rule {
  return {
    meta,
    check({ set, report }) {
      for (const f of set.broken) {
        if (!kinds.includes(f.problem.kind) || (only && !only(f))) continue;
        report({ file: f, at: { span: { start: f.problem.start, end: f.problem.end } }, message: f.problem.message });
      }
    },
  };
}
