/**
 * `npm run bench`: performance report, measured in ONE run and printed as ratios (timings never go in tests).
 *
 *  1. In-process: lint every starter-pack file (per policy set, no XSD) vs a bare @rgrove/parse-xml parse of
 *     the same bytes. Target ≤ 1.5×. Also our own reader against both, and lint with XSD validation (info).
 *  2. One cold `b2c-totp lint --xsd` process vs one `xmllint --noout --schema` process on the same files.
 *     Target ≤ 2.5×. Skipped (with a note) when xmllint is not installed.
 *  3. Cold start: `b2c-totp lint <one set>` vs `node -e 0`. Target ≤ 2.5×.
 *  4. Memory: peak RSS of linting a generated ~15 MB policy. Target < 10× the file size.
 *  5. Pathological input: read time per MB of inputs built to make a reader superlinear (info).
 *
 * `npm run bench -- memory` (or in-process, xmllint, cold-start, pathological) runs only the sections named.
 *
 * Always exits 0: it is a report. Failing targets are printed as FAIL lines and summarised at the end.
 * Fixtures: ../shared/fixtures/starterpack (override with B2C_TOTP_STARTERPACK).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseXml } from '@rgrove/parse-xml';
import * as esbuild from 'esbuild';
import { policyFromBytes, toDisplayPath } from '../src/policy/load.js';
import { Policy } from '../src/policy/policy.js';
import type { BrokenFile } from '../src/policy/set.js';
import { groupPolicySets } from '../src/policy/sets.js';
import { lintSets } from '../src/lint.js';
import { findXsd, loadXsdValidator, patchXsd, XSD_FILE_NAME, type XsdValidator } from '../src/xsd/validate.js';
import { decodeUtf8, parseXmlText } from '../src/xml/read.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'b2c-totp.js');
const DIST = path.join(ROOT, 'dist', 'cli.js');
const STARTER = process.env.B2C_TOTP_STARTERPACK
  ? path.resolve(process.env.B2C_TOTP_STARTERPACK)
  : path.resolve(ROOT, '..', 'shared', 'fixtures', 'starterpack');
const NODE = process.execPath;

const TARGET_LINT_VS_PARSE = 1.5;
const TARGET_VS_XMLLINT = 2.5;
const TARGET_COLD_START = 2.5;
const TARGET_MEMORY = 10;
const BIG_POLICY_BYTES = 15 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Fixtures

interface BenchFile {
  abs: string;
  display: string;
  buf: Buffer;
}
interface BenchSet {
  dir: string;
  files: BenchFile[];
}

function listXml(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listXml(full));
    else if (e.isFile() && e.name.toLowerCase().endsWith('.xml')) out.push(full);
  }
  return out;
}

/** Files grouped by their folder: each starter-pack flavour (and scenario) folder is one policy set. */
function loadSets(): BenchSet[] {
  const byDir = new Map<string, BenchFile[]>();
  for (const abs of listXml(STARTER)) {
    const dir = path.dirname(abs);
    const list = byDir.get(dir) ?? [];
    list.push({ abs, display: toDisplayPath(abs, STARTER), buf: readFileSync(abs) });
    byDir.set(dir, list);
  }
  return [...byDir].map(([dir, files]) => ({ dir, files }));
}

// ---------------------------------------------------------------------------------------------
// Statistics and output

const now = (): bigint => process.hrtime.bigint();
const msSince = (t0: bigint): number => Number(now() - t0) / 1e6;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function fmtMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

function fmtMB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

interface Row {
  name: string;
  value: string;
  ratio?: number;
  target?: number;
  /** Forces the verdict column, e.g. SKIP. */
  verdict?: string;
}

const rows: Row[] = [];
const notes: string[] = [];
const failures: string[] = [];

function row(r: Row): void {
  rows.push(r);
  const line = formatRow(r);
  if (verdictOf(r) === 'FAIL') failures.push(line.trim());
  process.stdout.write(`${line}\n`);
}

function verdictOf(r: Row): string {
  if (r.verdict) return r.verdict;
  if (r.target === undefined || r.ratio === undefined) return 'info';
  return r.ratio <= r.target ? 'PASS' : 'FAIL';
}

const COLS = [64, 26, 9, 9];
function formatRow(r: Row): string {
  const ratio = r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`;
  const target = r.target === undefined ? '' : `≤ ${r.target}×`;
  const v = verdictOf(r);
  const mark = v === 'FAIL' ? '  <== FAIL' : '';
  return `${r.name.padEnd(COLS[0]!)}${r.value.padEnd(COLS[1]!)}${ratio.padStart(COLS[2]!)}${target.padStart(COLS[3]!)}  ${v}${mark}`;
}

function section(title: string): void {
  process.stdout.write(`\n${title}\n`);
}

function note(s: string): void {
  notes.push(s);
  process.stdout.write(`  · ${s}\n`);
}

// ---------------------------------------------------------------------------------------------
// 1. In-process: lint vs bare parse

let sink = 0;

function parsePass(files: BenchFile[]): void {
  for (const f of files) {
    const doc = parseXml(f.buf.toString('utf8'), { includeOffsets: true });
    sink += doc.children.length;
  }
}

/** Our own reader alone on the same bytes: decode (BOM, UTF-8 checks) and strict parse, no Policy index. */
function readerPass(files: BenchFile[]): void {
  for (const f of files) {
    const d = decodeUtf8(f.buf);
    if ('problem' in d) continue;
    const r = parseXmlText(d.text, { ascii: d.ascii, bom: d.bom, bytes: d.bytes });
    sink += r.ok ? r.source.elements.length : 0;
  }
}

interface LintTiming {
  load: number;
  rules: number;
}

/** The CLI's in-memory pipeline per folder: bytes → Policy (decode, parse, index) → policy sets → every rule. */
function lintPass(sets: BenchSet[], xsd: XsdValidator | undefined, timing?: LintTiming): void {
  for (const s of sets) {
    const t0 = now();
    const policies: Policy[] = [];
    const broken: BrokenFile[] = [];
    for (const f of s.files) {
      const p = policyFromBytes(f.buf, f.display, f.abs, true);
      if (p instanceof Policy) policies.push(p);
      else broken.push(p);
    }
    const groups = groupPolicySets(policies, broken, { cwd: s.dir });
    const t1 = now();
    sink += lintSets(groups, { ready: false, xsd }, {}).length;
    if (timing) {
      timing.load += Number(t1 - t0) / 1e6;
      timing.rules += msSince(t1);
    }
  }
}

/** Runs a and b alternately (order swapped every round) and returns the median ms of each. */
function alternate(rounds: number, a: () => void, b: () => void): [number, number] {
  const ta: number[] = [];
  const tb: number[] = [];
  const timeIt = (fn: () => void, into: number[]) => {
    const t0 = now();
    fn();
    into.push(msSince(t0));
  };
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      timeIt(a, ta);
      timeIt(b, tb);
    } else {
      timeIt(b, tb);
      timeIt(a, ta);
    }
  }
  return [median(ta), median(tb)];
}

async function benchInProcess(sets: BenchSet[], allFiles: BenchFile[]): Promise<void> {
  section('1. In-process, all starter-pack files per pass (median ms per pass)');
  const allAsOneSet: BenchSet[] = [{ dir: STARTER, files: allFiles }];
  for (let i = 0; i < 8; i++) {
    parsePass(allFiles);
    lintPass(sets, undefined);
    lintPass(allAsOneSet, undefined);
  }

  // Load (decode + doctype scan + parse + depth check + Policy index) vs rules, timed inside the same passes.
  const loads: number[] = [];
  const ruleTimes: number[] = [];
  const [parseMs, lintMs] = alternate(
    31,
    () => parsePass(allFiles),
    () => {
      const t: LintTiming = { load: 0, rules: 0 };
      lintPass(sets, undefined, t);
      loads.push(t.load);
      ruleTimes.push(t.rules);
    },
  );
  row({ name: 'lint (no XSD) vs bare parseXml, same bytes', value: `${fmtMs(lintMs)} / ${fmtMs(parseMs)}`, ratio: lintMs / parseMs, target: TARGET_LINT_VS_PARSE });
  const loadMs = median(loads);
  const rulesMs = median(ruleTimes);
  row({ name: '  of which load (decode, parse, Policy index) vs parse', value: `${fmtMs(loadMs)} / ${fmtMs(parseMs)}`, ratio: loadMs / parseMs });
  row({ name: '  of which runRules (all rules) vs parse', value: `${fmtMs(rulesMs)} / ${fmtMs(parseMs)}`, ratio: rulesMs / parseMs });

  // The reader that replaced @rgrove/parse-xml in lint: how it compares, and lint against it.
  const [parse4, readerMs] = alternate(15, () => parsePass(allFiles), () => readerPass(allFiles));
  row({ name: '  our reader alone (decode + strict parse) vs parseXml', value: `${fmtMs(readerMs)} / ${fmtMs(parse4)}`, ratio: readerMs / parse4 });
  const [readerMs2, lintMs2] = alternate(15, () => readerPass(allFiles), () => lintPass(sets, undefined));
  row({ name: '  lint (no XSD) vs our reader alone, same bytes', value: `${fmtMs(lintMs2)} / ${fmtMs(readerMs2)}`, ratio: lintMs2 / readerMs2 });

  const [parse2, oneSetMs] = alternate(15, () => parsePass(allFiles), () => lintPass(allAsOneSet, undefined));
  row({ name: 'lint, all files as ONE set (as one CLI run) vs parse', value: `${fmtMs(oneSetMs)} / ${fmtMs(parse2)}`, ratio: oneSetMs / parse2 });

  const xsdPath = path.join(STARTER, XSD_FILE_NAME);
  if (!existsSync(xsdPath)) {
    row({ name: 'lint WITH XSD vs bare parse', value: `no ${XSD_FILE_NAME}`, verdict: 'SKIP' });
    return;
  }
  const xsd = await loadXsdValidator(xsdPath); // once, outside the timing, as one CLI run does
  try {
    for (let i = 0; i < 2; i++) lintPass(sets, xsd);
    const [parse3, lintXsdMs] = alternate(9, () => parsePass(allFiles), () => lintPass(sets, xsd));
    row({ name: 'lint WITH XSD validation vs bare parse (schema pre-loaded)', value: `${fmtMs(lintXsdMs)} / ${fmtMs(parse3)}`, ratio: lintXsdMs / parse3 });
  } finally {
    xsd.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes

interface Run {
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

function spawnTimed(cmd: string, args: string[], cwd: string): Run {
  const t0 = now();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = msSince(t0);
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Cmd {
  label: string;
  cmd: string;
  args: string[];
  /** Exit codes that mean "ran normally". */
  ok: number[];
}

/** Runs every command once per round, rotating the order, and returns the median wall ms of each. */
function medianSpawns(cmds: Cmd[], rounds: number, cwd: string): number[] {
  const times: number[][] = cmds.map(() => []);
  for (const [i, c] of cmds.entries()) {
    // Warm-up (file cache, and a sanity check that the command does what we think).
    const r = spawnTimed(c.cmd, c.args, cwd);
    if (!c.ok.includes(r.status ?? -1)) {
      throw new Error(`${c.label}: exit ${r.status}\n${(r.stderr || r.stdout).split('\n').slice(0, 5).join('\n')}`);
    }
    void i;
  }
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cmds.length; k++) {
      const i = (k + round) % cmds.length;
      const c = cmds[i]!;
      times[i]!.push(spawnTimed(c.cmd, c.args, cwd).ms);
    }
  }
  return times.map(median);
}

function hasXmllint(): string | undefined {
  const r = spawnSync('which', ['xmllint'], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  const direct = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  return direct.error ? undefined : 'xmllint';
}

// ---------------------------------------------------------------------------------------------
// 2. xmllint

function benchXmllint(sets: BenchSet[], allFiles: BenchFile[], tmp: string): void {
  section('2. One cold process each over all starter-pack files (median wall ms, 9 alternating runs)');
  const xsdPath = path.join(STARTER, XSD_FILE_NAME);
  if (!existsSync(xsdPath)) {
    row({ name: 'lint --xsd vs xmllint --schema', value: `no ${XSD_FILE_NAME}`, verdict: 'SKIP' });
    return;
  }
  const xmllint = hasXmllint();
  if (!xmllint) {
    row({ name: 'lint --xsd vs xmllint --schema', value: 'xmllint not found', verdict: 'SKIP' });
    note('xmllint is not installed: `apt-get install libxml2-utils` (Debian/Ubuntu) or `brew install libxml2` to measure this.');
    return;
  }
  // Not named TrustFrameworkPolicy_0.3.0.0.xsd: the cold-start set below must not find it above itself.
  mkdirSync(path.join(tmp, 'xsd'), { recursive: true });
  const patched = path.join(tmp, 'xsd', 'patched-for-xmllint.xsd');
  writeFileSync(patched, patchXsd(readFileSync(xsdPath, 'utf8')));
  const files = allFiles.map((f) => f.abs);
  const dirs = sets.map((s) => s.dir);
  const cmds: Cmd[] = [
    { label: 'xmllint', cmd: xmllint, args: ['--noout', '--schema', patched, ...files], ok: [0, 3, 4] },
    { label: 'lint --xsd', cmd: NODE, args: [BIN, 'lint', ...dirs, '--xsd', xsdPath], ok: [0, 1] },
    { label: 'lint --no-xsd', cmd: NODE, args: [BIN, 'lint', ...dirs, '--no-xsd'], ok: [0, 1] },
  ];
  const [xl, withXsd, noXsd] = medianSpawns(cmds, 9, tmp) as [number, number, number];
  const version = spawnSync(xmllint, ['--version'], { encoding: 'utf8' });
  const xmllintVersion = `${version.stderr ?? ''}${version.stdout ?? ''}`.split('\n')[0]?.trim();
  row({ name: `lint --xsd (1 process, ${dirs.length} folders) vs xmllint --schema`, value: `${fmtMs(withXsd)} / ${fmtMs(xl)}`, ratio: withXsd / xl, target: TARGET_VS_XMLLINT });
  row({ name: 'lint --no-xsd (1 process) vs xmllint --schema', value: `${fmtMs(noXsd)} / ${fmtMs(xl)}`, ratio: noXsd / xl });
  note(
    `${xmllintVersion || 'xmllint'}; patched XSD for xmllint (libraries.md §3), the shipped one for lint (patched in memory). ` +
      `One process each over the same ${files.length} files (fairest: one schema compile and one start-up each). Linting all ` +
      'flavours at once makes PolicyIds collide across sets (POL-005 errors, ambiguous chains); the in-process ' +
      '"ONE set" line above shows what that does to lint cost.',
  );
}

// ---------------------------------------------------------------------------------------------
// 3. Cold start

function benchColdStart(tmp: string): number | undefined {
  section('3. Cold start (median wall ms, 21 alternating runs)');
  const src = path.join(STARTER, 'SocialAndLocalAccounts');
  if (!existsSync(src)) {
    row({ name: 'cold lint vs node -e 0', value: 'no SocialAndLocalAccounts', verdict: 'SKIP' });
    return undefined;
  }
  // A copy in a temp folder, so no XSD is found beside or above the files.
  const setDir = path.join(tmp, 'cold', 'SocialAndLocalAccounts');
  mkdirSync(path.dirname(setDir), { recursive: true });
  cpSync(src, setDir, { recursive: true });
  const found = findXsd([setDir]);
  if (found) note(`WARNING: ${found} is above the temp copy, so the "no XSD" lint below validates too.`);
  const xsdPath = path.join(STARTER, XSD_FILE_NAME);
  const cmds: Cmd[] = [
    { label: 'node -e 0', cmd: NODE, args: ['-e', '0'], ok: [0] },
    { label: '--version', cmd: NODE, args: [BIN, '--version'], ok: [0] },
    { label: 'lint', cmd: NODE, args: [BIN, 'lint', setDir], ok: [0, 1] },
  ];
  if (existsSync(xsdPath)) cmds.push({ label: 'lint --xsd', cmd: NODE, args: [BIN, 'lint', setDir, '--xsd', xsdPath], ok: [0, 1] });
  const [nodeMs, versionMs, lintMs, lintXsdMs] = medianSpawns(cmds, 21, tmp) as [number, number, number, number | undefined];
  row({ name: 'b2c-totp lint <SocialAndLocalAccounts> vs node -e 0', value: `${fmtMs(lintMs)} / ${fmtMs(nodeMs)}`, ratio: lintMs / nodeMs, target: TARGET_COLD_START });
  row({ name: 'b2c-totp --version vs node -e 0', value: `${fmtMs(versionMs)} / ${fmtMs(nodeMs)}`, ratio: versionMs / nodeMs });
  if (lintXsdMs !== undefined) {
    row({ name: 'b2c-totp lint --xsd (lazy libxml2-wasm) vs node -e 0', value: `${fmtMs(lintXsdMs)} / ${fmtMs(nodeMs)}`, ratio: lintXsdMs / nodeMs });
  }
  return nodeMs;
}

// ---------------------------------------------------------------------------------------------
// 4. Memory

/** Inflates the SocialAndLocalAccounts base to ~15 MB with distinct ClaimTypes and TechnicalProfiles that use them. */
function makeBigSet(tmp: string): { dir: string; bigFile: string; bytes: number; units: number } | undefined {
  const src = path.join(STARTER, 'SocialAndLocalAccounts');
  const basePath = path.join(src, 'TrustFrameworkBase.xml');
  if (!existsSync(basePath)) return undefined;
  const dir = path.join(tmp, 'mem', 'SocialAndLocalAccounts');
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(src, dir, { recursive: true });
  const base = readFileSync(basePath, 'utf8');
  const schemaEnd = base.indexOf('</ClaimsSchema>');
  const providersEnd = base.indexOf('</ClaimsProviders>');
  if (schemaEnd < 0 || providersEnd < schemaEnd) return undefined;
  const eol = base.includes('\r\n') ? '\r\n' : '\n';
  const claim = (i: number) =>
    [
      `      <ClaimType Id="benchClaim${i}">`,
      `        <DisplayName>Bench claim ${i}</DisplayName>`,
      '        <DataType>string</DataType>',
      `        <UserHelpText>Generated claim ${i} for the memory benchmark.</UserHelpText>`,
      '      </ClaimType>',
      '',
    ].join(eol);
  const provider = (i: number) =>
    [
      '    <ClaimsProvider>',
      `      <DisplayName>Bench provider ${i}</DisplayName>`,
      '      <TechnicalProfiles>',
      `        <TechnicalProfile Id="Bench-ClaimsTransformation-${i}">`,
      `          <DisplayName>Bench technical profile ${i}</DisplayName>`,
      '          <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.ClaimsTransformationProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />',
      '          <InputClaims>',
      '            <InputClaim ClaimTypeReferenceId="email" />',
      '          </InputClaims>',
      '          <OutputClaims>',
      `            <OutputClaim ClaimTypeReferenceId="benchClaim${i}" DefaultValue="value-${i}" />`,
      '            <OutputClaim ClaimTypeReferenceId="objectId" />',
      '          </OutputClaims>',
      '          <UseTechnicalProfileForSessionManagement ReferenceId="SM-Noop" />',
      '        </TechnicalProfile>',
      '      </TechnicalProfiles>',
      '    </ClaimsProvider>',
      '',
    ].join(eol);
  const perUnit = Buffer.byteLength(claim(100000) + provider(100000));
  const units = Math.max(1, Math.ceil((BIG_POLICY_BYTES - Buffer.byteLength(base)) / perUnit));
  const claims: string[] = [];
  const providers: string[] = [];
  for (let i = 1; i <= units; i++) {
    claims.push(claim(i));
    providers.push(provider(i));
  }
  const text =
    base.slice(0, schemaEnd) + claims.join('') + base.slice(schemaEnd, providersEnd) + providers.join('') + base.slice(providersEnd);
  const bigFile = path.join(dir, 'TrustFrameworkBase.xml');
  writeFileSync(bigFile, text);
  return { dir, bigFile, bytes: statSync(bigFile).size, units };
}

/**
 * A probe's own peak RSS in KB. On Linux getrusage's maxrss survives exec, so a child spawned by a
 * bench process that is larger than the child reports the bench's size; VmHWM belongs to the new
 * address space. Elsewhere, maxrss.
 */
const PEAK_KB = `() => {
  try {
    const fs = process.getBuiltinModule?.('node:fs');
    const m = fs && /VmHWM:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
}`;

/** Runs the bundled CLI's lint in a fresh process; reports its own peak RSS and lint time. */
const MEMORY_PROBE = `
const { run } = await import(process.argv[1]);
let out = 0;
const t0 = process.hrtime.bigint();
const code = await run(['lint', process.argv[2], ...(process.argv[4] ? ['--xsd', process.argv[4]] : ['--no-xsd'])], {
  cwd: process.argv[3],
  stdout: { write(s) { out += s.length; return true; }, isTTY: false },
  stderr: { write(s) { process.stderr.write(s); return true; } },
  env: {},
});
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ code, ms, out, maxRssKb: (${PEAK_KB})() }));
`;

/** @rgrove/parse-xml alone on that file (the parser lint used before its own reader): read, parseXml with offsets. */
const PARSE_PROBE = `
const { parseXml } = await import(process.argv[1]);
const { readFileSync } = await import('node:fs');
const doc = parseXml(readFileSync(process.argv[2]).toString('utf8'), { includeOffsets: true });
process.stdout.write(JSON.stringify({ n: doc.children.length, maxRssKb: (${PEAK_KB})() }));
`;

/** Our reader alone on that file (bundled as the CLI is): read, decode and parse, nothing else. */
const READER_PROBE = `
const { decodeUtf8, parseXmlText } = await import(process.argv[1]);
const { readFileSync } = await import('node:fs');
const d = decodeUtf8(readFileSync(process.argv[2]));
const r = parseXmlText(d.text, { ascii: d.ascii, bom: d.bom, bytes: d.bytes });
process.stdout.write(JSON.stringify({ n: r.ok ? r.source.elements.length : -1, maxRssKb: (${PEAK_KB})() }));
`;

function bundleReader(tmp: string): string {
  const out = path.join(tmp, 'reader.mjs');
  esbuild.buildSync({
    stdin: { contents: "export { decodeUtf8, parseXmlText } from './src/xml/read.ts';", resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: out,
    logLevel: 'silent',
  });
  return pathToFileURL(out).href;
}

function benchMemory(tmp: string): void {
  section('4. Memory: lint of a generated ~15 MB policy (fresh process each, 3 runs)');
  const big = makeBigSet(tmp);
  if (!big) {
    row({ name: 'peak RSS / policy size', value: 'no starter-pack base to inflate', verdict: 'SKIP' });
    return;
  }
  const results: Array<{ code: number; ms: number; out: number; maxRssKb: number }> = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnTimed(NODE, ['--input-type=module', '-e', MEMORY_PROBE, pathToFileURL(DIST).href, big.dir, tmp], tmp);
    if (r.status !== 0) throw new Error(`memory probe: exit ${r.status}\n${r.stderr.slice(0, 2000)}`);
    results.push(JSON.parse(r.stdout) as { code: number; ms: number; out: number; maxRssKb: number });
  }
  const peak = Math.max(...results.map((r) => r.maxRssKb * 1024));
  const lintMs = median(results.map((r) => r.ms));
  row({
    name: `peak RSS / size, lint of ${fmtMB(big.bytes)} TrustFrameworkBase (max of 3)`,
    value: `${fmtMB(peak)} / ${fmtMB(big.bytes)}`,
    ratio: peak / big.bytes,
    target: TARGET_MEMORY,
  });
  row({ name: '  lint time of that set (in the probe, after start-up)', value: fmtMs(lintMs) });
  // With the XSD: the big file itself is not schema-validated (SCH-002 says so), the other files are.
  const xsdPath = path.join(STARTER, XSD_FILE_NAME);
  if (existsSync(xsdPath)) {
    const r = spawnTimed(NODE, ['--input-type=module', '-e', MEMORY_PROBE, pathToFileURL(DIST).href, big.dir, tmp, xsdPath], tmp);
    if (r.status === 0) {
      const x = JSON.parse(r.stdout) as { maxRssKb: number };
      row({ name: '  the same with --xsd (libxml2-wasm loaded for the other files)', value: `${fmtMB(x.maxRssKb * 1024)} / ${fmtMB(big.bytes)}`, ratio: (x.maxRssKb * 1024) / big.bytes });
    }
  }
  const parseRss: number[] = [];
  const readerRss: number[] = [];
  const emptyRss: number[] = [];
  const readerUrl = bundleReader(tmp);
  const parseXmlUrl = pathToFileURL(createRequire(path.join(ROOT, 'package.json')).resolve('@rgrove/parse-xml')).href;
  for (let i = 0; i < 3; i++) {
    const p = spawnTimed(NODE, ['--input-type=module', '-e', PARSE_PROBE, parseXmlUrl, big.bigFile], tmp);
    if (p.status === 0) parseRss.push((JSON.parse(p.stdout) as { maxRssKb: number }).maxRssKb * 1024);
    const q = spawnTimed(NODE, ['--input-type=module', '-e', READER_PROBE, readerUrl, big.bigFile], tmp);
    if (q.status === 0) readerRss.push((JSON.parse(q.stdout) as { maxRssKb: number }).maxRssKb * 1024);
    const e = spawnTimed(NODE, ['--input-type=module', '-e', `process.stdout.write(String((${PEAK_KB})()))`], tmp);
    if (e.status === 0) emptyRss.push(Number(e.stdout) * 1024);
  }
  if (parseRss.length) {
    const floor = Math.max(...parseRss);
    row({ name: '  floor: bare parseXml of that file (max of 3) / size', value: `${fmtMB(floor)} / ${fmtMB(big.bytes)}`, ratio: floor / big.bytes });
  }
  if (readerRss.length) {
    const floor = Math.max(...readerRss);
    row({ name: '  floor: our reader alone on that file (max of 3) / size', value: `${fmtMB(floor)} / ${fmtMB(big.bytes)}`, ratio: floor / big.bytes });
  }
  if (emptyRss.length) row({ name: '  floor: node -e 0 peak RSS / size', value: `${fmtMB(median(emptyRss))} / ${fmtMB(big.bytes)}`, ratio: median(emptyRss) / big.bytes });
  const first = results[0]!;
  note(
    `${big.units} generated ClaimTypes + TechnicalProfiles in the base of a full SocialAndLocalAccounts set; ` +
      `lint exit ${first.code}, ${first.out} chars of report. RSS = getrusage maxrss of the whole node process (baseline included).`,
  );

  // Cross-check with /usr/bin/time on the real bin, when GNU time is there.
  if (existsSync('/usr/bin/time')) {
    const r = spawnSync('/usr/bin/time', ['-f', '%M', NODE, BIN, 'lint', big.dir, '--no-xsd'], { cwd: tmp, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    const kb = Number(/(\d+)\s*$/.exec(r.stderr ?? '')?.[1]);
    if (Number.isFinite(kb) && kb > 0) {
      row({ name: '  cross-check: /usr/bin/time, node bin/b2c-totp.js lint', value: `${fmtMB(kb * 1024)} / ${fmtMB(big.bytes)}`, ratio: (kb * 1024) / big.bytes });
    }
    // The README's tip for very large sets: a smaller young generation (a supported start-up flag).
    const small = spawnSync('/usr/bin/time', ['-f', '%M', NODE, '--max-semi-space-size=1', BIN, 'lint', big.dir, '--no-xsd'], { cwd: tmp, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    const kb2 = Number(/(\d+)\s*$/.exec(small.stderr ?? '')?.[1]);
    if (Number.isFinite(kb2) && kb2 > 0) {
      row({ name: '  the same with node --max-semi-space-size=1', value: `${fmtMB(kb2 * 1024)} / ${fmtMB(big.bytes)}`, ratio: (kb2 * 1024) / big.bytes });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Pathological input

/**
 * Inputs built to hit a reader's weak spots (a search repeated per reference or per tag, a quadratic
 * merge): each 2 MB. Reading time per MB against the starter packs' own rate shows anything superlinear.
 */
function benchPathological(allFiles: BenchFile[]): void {
  section('5. Pathological input: read time per MB, 2 MB each, against the starter packs');
  const N = 2 * 1024 * 1024;
  const cases: Record<string, string> = {
    'references in text': `<a>${'&amp;'.repeat(N / 5)}</a>`,
    'references in an attribute': `<a b="${'&#65;'.repeat(N / 5)}"/>`,
    'comments between text': `<a>${'x<!--c-->'.repeat(N / 9)}</a>`,
    'CDATA sections': `<a>${'<![CDATA[x]]>'.repeat(N / 13)}</a>`,
    'processing instructions': `<a>${'x<?p d?>'.repeat(N / 8)}</a>`,
    'siblings': `<a>${'<b/>'.repeat(N / 4)}</a>`,
    'attributes on one element': `<a ${Array.from({ length: N / 12 }, (_, i) => `x${i}="v"`).join(' ')}/>`,
    'lone CRs': `<a>${'\r'.repeat(N)}</a>`,
  };
  const mb = (t: string) => t.length / 1048576;
  const starterMb = allFiles.reduce((n, f) => n + f.buf.length, 0) / 1048576;
  const [baseMs] = alternate(9, () => readerPass(allFiles), () => {});
  const baseRate = baseMs / starterMb;
  let worst = 0;
  for (const [name, text] of Object.entries(cases)) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = now();
      sink += parseXmlText(text).ok ? 1 : 0;
      times.push(msSince(t0));
    }
    const rate = median(times) / mb(text);
    worst = Math.max(worst, rate / baseRate);
    row({ name: `  ${name}`, value: `${fmtMs(rate)} / MB`, ratio: rate / baseRate });
  }
  row({ name: 'worst pathological read rate vs the starter packs', value: `${fmtMs(baseRate)} / MB for the packs`, ratio: worst });
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = now();
  if (!existsSync(STARTER) || !statSync(STARTER).isDirectory()) {
    process.stdout.write(
      `bench: starter-pack fixtures not found at ${STARTER}.\n` +
        'bench: nothing measured. Put the starter packs there (../shared/fixtures/starterpack) or set B2C_TOTP_STARTERPACK.\n',
    );
    return;
  }
  if (!existsSync(DIST)) {
    process.stdout.write(`bench: ${path.relative(ROOT, DIST)} is missing; run \`npm run build\` first (npm run bench does).\n`);
    return;
  }
  const sets = loadSets();
  const allFiles = sets.flatMap((s) => s.files);
  if (allFiles.length === 0) {
    process.stdout.write(`bench: no *.xml files under ${STARTER}; nothing measured.\n`);
    return;
  }
  const bytes = allFiles.reduce((n, f) => n + f.buf.length, 0);
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  process.stdout.write(
    `b2c-totp bench: node ${process.version}, ${os.platform()} ${os.arch()}, ${os.cpus().length} CPUs (${cpu}), ${fmtMB(os.totalmem())} RAM\n` +
      `fixtures: ${allFiles.length} files, ${(bytes / 1024).toFixed(0)} KB, ${sets.length} sets under ${STARTER}\n\n` +
      `${'name'.padEnd(COLS[0]!)}${'median (ours / baseline)'.padEnd(COLS[1]!)}${'ratio'.padStart(COLS[2]!)}${'target'.padStart(COLS[3]!)}  result\n`,
  );

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'b2c-totp-bench-'));
  const step = async (name: string, fn: () => void | Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      row({ name, value: 'error', verdict: 'ERROR' });
      note(`${name}: ${(e as Error).message}`);
    }
  };
  // `npm run bench -- memory` (or any section names) runs only those sections.
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const want = (name: string) => only.length === 0 || only.includes(name);
  try {
    if (want('in-process')) await step('in-process', () => benchInProcess(sets, allFiles));
    if (want('xmllint')) await step('xmllint', () => benchXmllint(sets, allFiles, tmp));
    if (want('cold-start')) await step('cold start', () => void benchColdStart(tmp));
    if (want('memory')) await step('memory', () => benchMemory(tmp));
    if (want('pathological')) await step('pathological', () => benchPathological(allFiles));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  process.stdout.write(`\n${rows.filter((r) => r.target !== undefined).length} targets, ${failures.length} FAIL; bench took ${(msSince(started) / 1000).toFixed(1)} s (sink ${sink % 10}).\n`);
  for (const f of failures) process.stdout.write(`FAIL: ${f.replace(/\s+<== FAIL$/, '')}\n`);
}

await main();
