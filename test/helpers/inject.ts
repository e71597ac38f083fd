import { planInjection, type InjectOptions, type InjectPlan } from '../../src/totp/inject.js';
import { buildSet, type Files } from './policy-set.js';

/** Runs the planner on in-memory files (named like paths) and returns the plan and the resulting files. */
export function injectFiles(files: Files, opts: Partial<InjectOptions> = {}): { plan: InjectPlan; result: Files } {
  const plan = planInjection(buildSet(files), { mode: 'layer', issuer: 'Contoso', ...opts });
  const result: Files = { ...files };
  for (const c of plan.changes) result[c.path] = c.after;
  return { plan, result };
}
