import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { policyFromBytes } from '../../src/policy/load.js';
import { Policy } from '../../src/policy/policy.js';
import { type BrokenFile, PolicySet } from '../../src/policy/set.js';
import type { Diagnostic, Severity } from '../../src/report/diagnostic.js';
import { runRules } from '../../src/rules/engine.js';
import { findRule, RULES } from '../../src/rules/index.js';
import type { LintOptions } from '../../src/rules/types.js';
import { flavourDir } from './shared.js';

/** An in-memory policy set: file name → text. Tests edit texts, then build a PolicySet from them. */
export type Files = Record<string, string>;

/** Reads a starter-pack flavour (or any folder) into memory. */
export function readFlavour(flavour: string): Files {
  const dir = path.isAbsolute(flavour) ? flavour : flavourDir(flavour);
  const files: Files = {};
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.xml')).sort()) files[name] = readFileSync(path.join(dir, name), 'utf8');
  return files;
}

/**
 * Seeds a defect: replaces exactly one occurrence of `find` in `file`. Fails if the anchor is
 * missing or ambiguous, so a test can never pass because its edit silently did nothing.
 */
export function seed(files: Files, file: string, find: string, replacement: string): Files {
  const text = files[file];
  if (text === undefined) throw new Error(`no file ${file} in the set`);
  const first = text.indexOf(find);
  if (first < 0) throw new Error(`anchor not found in ${file}: ${find}`);
  if (text.indexOf(find, first + 1) >= 0) throw new Error(`anchor occurs more than once in ${file}: ${find}`);
  return { ...files, [file]: text.slice(0, first) + replacement + text.slice(first + find.length) };
}

export function buildSet(files: Files, deployed: string[] = []): PolicySet {
  const policies: Policy[] = [];
  const broken: BrokenFile[] = [];
  for (const [name, text] of Object.entries(files)) {
    const p = policyFromBytes(Buffer.from(text, 'utf8'), name, `/virtual/${name}`, false);
    if (p instanceof Policy) policies.push(p);
    else broken.push(p);
  }
  return new PolicySet(policies, broken, deployed);
}

/** Runs one rule (by id or name), or all rules when `rule` is undefined. */
export function lintFiles(files: Files, rule?: string, options: Partial<LintOptions> = {}, deployed: string[] = []): Diagnostic[] {
  const rules = rule ? [findRule(rule) ?? fail(`unknown rule ${rule}`)] : RULES;
  return runRules(rules, buildSet(files, deployed), { ready: false, ...options });
}

function fail(msg: string): never {
  throw new Error(msg);
}

export interface Expected {
  file: string;
  line: number;
  column: number;
  severity?: Severity;
  /** A substring the message must contain. */
  message?: string;
  /** When given: exactly these related locations (file, line, column; optionally a substring of their message). */
  related?: Array<{ file: string; line: number; column: number; message?: string }>;
}

/** Asserts the exact set of findings of one rule: file, line, column (and optionally severity, message text). */
export function expectFindings(diagnostics: Diagnostic[], ruleId: string, expected: Expected[]): void {
  const got = diagnostics.filter((d) => d.ruleId === ruleId);
  expect(got.map((d) => `${d.file}:${d.line}:${d.column}`)).toEqual(expected.map((e) => `${e.file}:${e.line}:${e.column}`));
  expected.forEach((e, i) => {
    if (e.severity) expect(got[i]!.severity).toBe(e.severity);
    if (e.message) expect(got[i]!.message).toContain(e.message);
    if (e.related) {
      const rel = got[i]!.related ?? [];
      expect(rel.map((r) => `${r.file}:${r.line}:${r.column}`)).toEqual(e.related.map((r) => `${r.file}:${r.line}:${r.column}`));
      e.related.forEach((r, k) => {
        if (r.message) expect(rel[k]!.message).toContain(r.message);
      });
    }
  });
}

/** Line (1-based) of the first occurrence of `needle` in a file's text: lets tests state positions against the fixture itself. */
export function lineOf(files: Files, file: string, needle: string): number {
  const text = files[file]!;
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`not found in ${file}: ${needle}`);
  return text.slice(0, i).split(/\r\n|\r|\n/).length;
}

/** 1-based column of `needle` on its line (BOM not counted). */
export function columnOf(files: Files, file: string, needle: string): number {
  const text = files[file]!;
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`not found in ${file}: ${needle}`);
  const lineStart = Math.max(text.lastIndexOf('\n', i - 1), text.lastIndexOf('\r', i - 1)) + 1;
  return i - lineStart + 1 - (lineStart === 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0);
}
