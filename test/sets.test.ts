import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/lint.js';
import { runCli } from './helpers/cli.js';

const MINIMAL = fileURLToPath(new URL('./fixtures/minimal/', import.meta.url));
const BASE = readFileSync(path.join(MINIMAL, 'Base.xml'), 'utf8');
const RP = readFileSync(path.join(MINIMAL, 'RelyingParty.xml'), 'utf8');

/** Our minimal base or relying party with other PolicyIds: `rp('B2C_1A_X', 'B2C_1A_Base')`. */
const base = (id: string) => BASE.replaceAll('B2C_1A_MiniBase', id);
const rp = (id: string, baseId: string) => RP.replaceAll('B2C_1A_MiniRP', id).replace('<PolicyId>B2C_1A_MiniBase</PolicyId>', `<PolicyId>${baseId}</PolicyId>`);

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'b2c-sets-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

async function sets(root: string, extra: Partial<Parameters<typeof lint>[0]> = {}) {
  const out = await lint({ paths: ['.'], cwd: root, xsd: false, version: 'test', ...extra });
  return {
    groups: out.sets.map((g) => ({ name: g.name, own: g.own.map((p) => p.path), borrowed: g.borrowed.map((b) => b.policy.path) })),
    errors: out.result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.column} ${d.ruleId}`),
    diagnostics: out.result.diagnostics,
  };
}

describe('policy sets in a tree', () => {
  it('one folder per environment: two sets, a PolicyId in both is no error', async () => {
    const root = tree({
      'Dev/Base.xml': base('B2C_1A_MiniBase'),
      'Dev/SignIn.xml': rp('B2C_1A_MiniRP', 'B2C_1A_MiniBase'),
      'Prod/Base.xml': base('B2C_1A_MiniBase'),
      'Prod/SignIn.xml': rp('B2C_1A_MiniRP', 'B2C_1A_MiniBase'),
    });
    const r = await sets(root);
    expect(r.groups).toEqual([
      { name: 'Dev', own: ['Dev/Base.xml', 'Dev/SignIn.xml'], borrowed: [] },
      { name: 'Prod', own: ['Prod/Base.xml', 'Prod/SignIn.xml'], borrowed: [] },
    ]);
    expect(r.errors).toEqual([]);
  });

  it('relying parties in subfolders join the set of the base they build on', async () => {
    const root = tree({
      'Base.xml': base('B2C_1A_MiniBase'),
      'sub1/SignIn.xml': rp('B2C_1A_MiniRP', 'B2C_1A_MiniBase'),
      'sub1/sub2/Other.xml': rp('B2C_1A_OtherRP', 'B2C_1A_MiniBase'),
    });
    const r = await sets(root);
    expect(r.groups).toEqual([{ name: '.', own: ['Base.xml', 'sub1/SignIn.xml', 'sub1/sub2/Other.xml'], borrowed: [] }]);
    expect(r.errors).toEqual([]);
  });

  it('a variant folder whose PolicyId clashes stays a set of its own that borrows the base', async () => {
    const root = tree({
      'Base.xml': base('B2C_1A_MiniBase'),
      'SignIn.xml': rp('B2C_1A_MiniRP', 'B2C_1A_MiniBase'),
      'old/SignIn.xml': rp('B2C_1A_MiniRP', 'B2C_1A_MiniBase'),
    });
    const r = await sets(root);
    expect(r.groups).toEqual([
      { name: '.', own: ['Base.xml', 'SignIn.xml'], borrowed: [] },
      { name: 'old', own: ['old/SignIn.xml'], borrowed: ['Base.xml'] },
    ]);
    expect(r.errors).toEqual([]);
    const list = await runCli(['lint', '--list-sets'], root);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(
      [
        '2 policy sets in 3 files:',
        '  . (2 files)',
        '    Base.xml  B2C_1A_MiniBase',
        '    SignIn.xml  B2C_1A_MiniRP',
        '  old (1 file)',
        '    SignIn.xml  B2C_1A_MiniRP',
        '    builds on Base.xml (B2C_1A_MiniBase, base of SignIn.xml), from another folder',
        'Files are grouped by folder and BasePolicy chain; name sets in b2c-totp.config.json "sets" to group them otherwise.',
        '',
      ].join('\n'),
    );
  });

  it('lint --verbose prints the sets to stderr before the report; the report itself is unchanged', async () => {
    const root = tree({
      'Base.xml': base('B2C_1A_MiniBase'),
      'SignIn.xml': rp('B2C_1A_MiniRP', 'B2C_1A_MiniBase'),
      'old/SignIn.xml': rp('B2C_1A_MiniRP', 'B2C_1A_MiniBase'),
    });
    const plain = await runCli(['lint', '-q'], root);
    const verbose = await runCli(['lint', '-q', '--verbose'], root);
    expect(verbose.code).toBe(plain.code);
    expect(verbose.stdout).toBe(plain.stdout);
    expect(plain.stderr).toBe('');
    expect(verbose.stderr.split('\n').slice(0, 2)).toEqual(['2 policy sets in 3 files:', '  . (2 files)']);
    expect(verbose.stderr).toContain('    builds on Base.xml (B2C_1A_MiniBase, base of SignIn.xml), from another folder\n');
  });

  it('two copies of one policy in one folder are one set, and POL-005 reports both', async () => {
    const root = tree({
      'Base.xml': base('B2C_1A_MiniBase'),
      'SignIn.xml': rp('B2C_1A_MiniRP', 'B2C_1A_MiniBase'),
      'SignIn-copy.xml': rp('B2C_1A_MiniRP', 'B2C_1A_MiniBase'),
    });
    const r = await sets(root);
    expect(r.groups.map((g) => g.own)).toEqual([['Base.xml', 'SignIn-copy.xml', 'SignIn.xml']]);
    expect(r.errors).toEqual(['SignIn-copy.xml:4:38 POL-005', 'SignIn.xml:4:38 POL-005']);
  });

  it('stand-alone policies with one PolicyId in one folder (tutorial steps) are separate sets', async () => {
    const root = tree({ 'Step1.xml': base('B2C_1A_Tutorial'), 'Step2.xml': base('B2C_1A_Tutorial') });
    const r = await sets(root);
    expect(r.groups.map((g) => g.name)).toEqual(['./Step1.xml', './Step2.xml']);
    expect(r.errors).toEqual([]);
  });

  it('a base found in two folders equally near is reported once, as a warning naming both', async () => {
    const root = tree({
      'a/Base.xml': base('B2C_1A_MiniBase'),
      'b/Base.xml': base('B2C_1A_MiniBase'),
      'c/SignIn.xml': rp('B2C_1A_MiniRP', 'B2C_1A_MiniBase'),
    });
    const r = await sets(root);
    const pol004 = r.diagnostics.filter((d) => d.ruleId === 'POL-004');
    expect(pol004.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity}`)).toEqual(['c/SignIn.xml:7:15 warning']);
    expect(pol004[0]!.message).toContain('a/Base.xml, b/Base.xml');
  });

  it('the base may be named with or without the B2C_1A_ prefix the service adds', async () => {
    const root = tree({ 'Base.xml': base('MiniBase'), 'SignIn.xml': rp('B2C_1A_MiniRP', 'B2C_1A_MiniBase') });
    const r = await sets(root);
    expect(r.groups.map((g) => g.own)).toEqual([['Base.xml', 'SignIn.xml']]);
    expect(r.errors.filter((e) => e.includes('POL-004'))).toEqual([]);
  });

  it('config "sets" names the files of a set explicitly', async () => {
    const root = tree({
      'b2c-totp.config.json': JSON.stringify({ sets: [{ name: 'mine', files: ['x/**', 'y/SignIn.xml'] }] }),
      'x/Base.xml': base('B2C_1A_MiniBase'),
      'y/SignIn.xml': rp('B2C_1A_MiniRP', 'B2C_1A_MiniBase'),
      'y/Other.xml': base('B2C_1A_Other'),
    });
    const r = await sets(root);
    expect(r.groups).toEqual([
      { name: 'mine', own: ['x/Base.xml', 'y/SignIn.xml'], borrowed: [] },
      { name: 'y', own: ['y/Other.xml'], borrowed: [] },
    ]);
    const json = JSON.parse((await runCli(['lint', '--list-sets', '--format', 'json'], root)).stdout);
    expect(json.sets[0]).toEqual({ name: 'mine', folder: '.', explicit: true, files: [{ file: 'x/Base.xml', policyId: 'B2C_1A_MiniBase' }, { file: 'y/SignIn.xml', policyId: 'B2C_1A_MiniRP' }], borrowed: [] });
  });
});
