import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Files } from './policy-set.js';

const CONTOSO = fileURLToPath(new URL('../fixtures/contoso/', import.meta.url));
export const CASES = fileURLToPath(new URL('../fixtures/inject/', import.meta.url));
export const CASE_GOLDEN = fileURLToPath(new URL('../golden/inject/', import.meta.url));

function readDir(dir: string): Files {
  const files: Files = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.xml')).sort()) files[f] = readFileSync(path.join(dir, f), 'utf8');
  return files;
}

/**
 * One inject case: the contoso fixture's Base.xml and Extensions.xml, with the case folder's files
 * added or put in their place (its relying parties replace contoso's); `alone`: the case folder only.
 */
export function caseFiles(name: string, opts: { alone?: boolean } = {}): Files {
  const own = readDir(path.join(CASES, name));
  if (opts.alone) return own;
  const contoso = readDir(CONTOSO);
  return { 'Base.xml': contoso['Base.xml']!, 'Extensions.xml': contoso['Extensions.xml']!, ...own };
}

/** The reviewed output of a case: file name → text. */
export function caseGolden(name: string): Files {
  return readDir(path.join(CASE_GOLDEN, name));
}
