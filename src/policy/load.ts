import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { LineIndex } from '../xml/lines.js';
import { type Decoded, decodeUtf8, parseXmlText } from '../xml/read.js';
import { globMatcher, globToRegExp } from '../util/glob.js';
import { Policy } from './policy.js';
import { type BrokenFile, PolicySet } from './set.js';
import { groupPolicySets, type PolicyGroup } from './sets.js';

export { UsageError };

export interface InputFile {
  absPath: string;
  /** Found by scanning a folder, not named explicitly. */
  scanned: boolean;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

/**
 * Expands the user's paths into XML files: named files as given, folders scanned for `*.xml`.
 * `ignore` applies to what is found, not to a path named here: `lint dist/Production` reads the
 * build output even though init's config ignores dist/ (patterns that do not cover it still apply below it).
 */
export function collectFiles(inputs: string[], cwd: string, ignore: string[] = []): InputFile[] {
  const out: InputFile[] = [];
  const seen = new Set<string>();
  const rel = (abs: string) => toDisplayPath(abs, cwd);
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    const named = rel(abs);
    const isIgnored = globMatcher(ignore.filter((g) => !globToRegExp(g).test(named)));
    const add = (absPath: string, scanned: boolean) => {
      if (seen.has(absPath) || isIgnored(rel(absPath))) return;
      seen.add(absPath);
      out.push({ absPath, scanned });
    };
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw new UsageError(`${input}: symbolic link loop.`);
      throw new UsageError(`${input}: no such file or folder.`);
    }
    if (st.isDirectory()) {
      const before = out.length;
      walk(abs, new Set(), (f) => add(f, true), isIgnored, rel);
      if (out.length === before) throw new UsageError(`${input}: no *.xml policy files in this folder.`);
    } else {
      add(abs, false);
    }
  }
  return out;
}

function walk(dir: string, visited: Set<string>, onFile: (f: string) => void, isIgnored: (p: string) => boolean, rel: (p: string) => string): void {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return; // a dangling or looping link: nothing to read below it
  }
  if (visited.has(real)) return;
  visited.add(real);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (isIgnored(rel(full))) continue;
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const st = statSync(full);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        continue;
      }
    }
    if (isDir) {
      if (!SKIP_DIRS.has(e.name)) walk(full, visited, onFile, isIgnored, rel);
    } else if (isFile && e.name.toLowerCase().endsWith('.xml')) {
      onFile(full);
    }
  }
}

export function toDisplayPath(abs: string, cwd: string): string {
  const r = path.relative(cwd, abs);
  return (r === '' ? path.basename(abs) : r).split(path.sep).join('/');
}

/** Reads and parses files into one policy set. Problems inside files become broken entries, never exceptions. */
export function loadPolicySet(files: InputFile[], cwd: string, deployed: readonly string[] = []): PolicySet {
  const { policies, broken } = loadFiles(files, cwd);
  return new PolicySet(policies, broken, deployed);
}

/**
 * Reads a tree of files and groups them into the policy sets it holds (src/policy/sets.ts).
 * `sets` are the config's explicit sets, with globs relative to `configDir`.
 */
export function loadPolicySets(
  files: InputFile[],
  cwd: string,
  opts: { deployed?: readonly string[]; sets?: ReadonlyArray<{ name: string; files: string[] }>; configDir?: string } = {},
): PolicyGroup[] {
  const { policies, broken } = loadFiles(files, cwd);
  const configDir = opts.configDir ?? cwd;
  const explicit = (opts.sets ?? []).map((s) => {
    const match = globMatcher(s.files.map((g) => g.replace(/^\.\//, '')));
    return { name: s.name, includes: (abs: string) => match(path.relative(configDir, abs).split(path.sep).join('/')) };
  });
  return groupPolicySets(policies, broken, { cwd, deployed: opts.deployed, explicit });
}

function loadFiles(files: InputFile[], cwd: string): { policies: Policy[]; broken: BrokenFile[] } {
  const policies: Policy[] = [];
  const broken: BrokenFile[] = [];
  for (const f of files) {
    const display = toDisplayPath(f.absPath, cwd);
    const decoded = readDecoded(f.absPath);
    if ('code' in decoded) {
      broken.push({
        path: display,
        absPath: f.absPath,
        problem: { kind: 'unreadable', message: `Cannot read file (${decoded.code}).`, start: 0, end: 0 },
        lines: new LineIndex(''),
        text: '',
        bom: false,
        scanned: f.scanned,
      });
      continue;
    }
    const loaded = policyFromDecoded(decoded, display, f.absPath, f.scanned);
    if (loaded instanceof Policy) policies.push(loaded);
    else broken.push(loaded);
  }
  return { policies, broken };
}

/**
 * Reads and decodes a file in its own call, so its bytes are garbage before the text is parsed:
 * a large file's bytes and its tree are never held at the same time.
 */
function readDecoded(absPath: string): Decoded | { code: string } {
  try {
    return decodeUtf8(readFileSync(absPath));
  } catch (e) {
    return { code: (e as NodeJS.ErrnoException).code ?? 'error' };
  }
}

/** Turns one file's bytes into a Policy, or says why it is not one. */
export function policyFromBytes(buf: Uint8Array, display: string, absPath: string, scanned: boolean): Policy | BrokenFile {
  return policyFromDecoded(decodeUtf8(buf), display, absPath, scanned);
}

function policyFromDecoded(decoded: Decoded, display: string, absPath: string, scanned: boolean): Policy | BrokenFile {
  const bom = decoded.bom;
  if ('problem' in decoded) {
    return { path: display, absPath, problem: decoded.problem, lines: new LineIndex(decoded.text), text: decoded.text, bom, scanned };
  }
  const read = parseXmlText(decoded.text, { ascii: decoded.ascii, bom, bytes: decoded.bytes });
  if (!read.ok) return { path: display, absPath, problem: read.problem, lines: read.lines, text: read.text, bom, scanned };
  const root = read.source.root;
  if (root.name !== 'TrustFrameworkPolicy') {
    return {
      path: display,
      absPath,
      problem: {
        kind: 'not-a-policy',
        message: `Root element is <${root.name}>, not <TrustFrameworkPolicy>: not a B2C policy file.`,
        start: root.start + 1,
        end: root.start + 1 + root.name.length,
      },
      lines: read.source.lines,
      text: read.source.text,
      bom,
      scanned,
    };
  }
  return new Policy(display, absPath, read.source);
}
