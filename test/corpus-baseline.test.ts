import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findRule } from '../src/rules/index.js';

const read = (f: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`./corpus/${f}`, import.meta.url)), 'utf8'));
const verdicts = read('verdicts.json') as { classes: Array<{ id: string; rule: string; message?: string; path?: string; verdict: string; why: string; evidence: string }> };
const baseline = read('baseline.json') as { errors: Array<{ rule: string; message: string; verdict: string; repo: string; file: string }>; warnings: unknown[] };

/** `npm run corpus -- --check` (in .ci/run) compares a corpus run with the baseline; this checks the reviewed files themselves. */
describe('the reviewed corpus baseline', () => {
  it('every verdict class names an existing rule, a known verdict, a reason and its evidence; ids are unique', () => {
    const ids = new Set<string>();
    for (const c of verdicts.classes) {
      expect(findRule(c.rule), c.id).toBeDefined();
      expect(['rejects', 'runtime', 'template', 'incomplete'], c.id).toContain(c.verdict);
      expect(c.why.length, c.id).toBeGreaterThan(40);
      expect(c.evidence.length, c.id).toBeGreaterThan(20);
      expect(ids.has(c.id), c.id).toBe(false);
      ids.add(c.id);
      if (c.message) expect(() => new RegExp(c.message!), c.id).not.toThrow();
    }
  });

  it('every error in the baseline carries a verdict class that covers it (rule, message, path), and is an error of a rule that reports errors', () => {
    const byId = new Map(verdicts.classes.map((c) => [c.id, c]));
    expect(baseline.errors.length).toBeGreaterThan(0);
    for (const e of baseline.errors) {
      const c = byId.get(e.verdict);
      const where = `${e.repo}/${e.file} ${e.rule}`;
      expect(c, where).toBeDefined();
      expect(c!.rule, where).toBe(e.rule);
      if (c!.message) expect(e.message, where).toMatch(new RegExp(c!.message));
      if (c!.path) expect(`${e.repo}/${e.file}`, where).toMatch(new RegExp(c!.path));
    }
  });
});
