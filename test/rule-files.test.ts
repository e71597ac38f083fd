import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Severity } from '../src/report/diagnostic.js';
import { RULES } from '../src/rules/index.js';
import type { Rule, RuleCategory } from '../src/rules/types.js';
import {
  END_MARKER,
  PAGE_HEADINGS,
  planDocs,
  readmeSection,
  replaceSection,
  rulePage,
  staleFiles,
  START_MARKER,
  writeDocs,
} from '../scripts/gen-docs.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEST_DIR = path.join(ROOT, 'test');
const RULES_SRC = path.join(ROOT, 'src', 'rules');

// Records, so that adding a category or severity to the types fails to compile until it is listed here.
const CATEGORIES: Record<RuleCategory, true> = {
  xml: true,
  chain: true,
  reference: true,
  duplicate: true,
  journey: true,
  structure: true,
  azuremfa: true,
  totp: true,
  placeholder: true,
  environment: true,
  profile: true,
  content: true,
  flow: true,
  limit: true,
};
const SEVERITIES: Record<Severity, true> = { error: true, warning: true, info: true };

/** Every *.ts under a folder, recursively. */
function tsFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

function isRule(x: unknown): x is Rule {
  return typeof x === 'object' && x !== null && 'meta' in x && 'check' in x && typeof (x as Rule).check === 'function';
}

describe('rule metadata', () => {
  it('has at least one rule', () => {
    expect(RULES.length).toBeGreaterThan(0);
  });

  it.each(RULES.map((r) => [r.meta.id, r] as const))('%s: id, name, category, severity and every docs field', (_id, rule) => {
    const m = rule.meta;
    expect(m.id).toMatch(/^[A-Z]+-\d{3}$/);
    expect(m.name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(Object.hasOwn(CATEGORIES, m.category), `category ${m.category}`).toBe(true);
    expect(Object.hasOwn(SEVERITIES, m.severity), `severity ${m.severity}`).toBe(true);
    for (const field of ['summary', 'description', 'source'] as const) expect(m[field].trim(), field).not.toBe('');
    expect(m.examples.bad.trim(), 'examples.bad').not.toBe('');
    expect(m.examples.good.trim(), 'examples.good').not.toBe('');
    expect(m.examples.bad, 'the fix differs from the problem').not.toBe(m.examples.good);
  });

  it('ids and names are unique, also against each other (config and disable comments accept both)', () => {
    const keys = RULES.flatMap((r) => [r.meta.id.toUpperCase(), r.meta.name.toUpperCase()]);
    const dupes = keys.filter((k, i) => keys.indexOf(k) !== i);
    expect(dupes).toEqual([]);
  });

  it('RULES is sorted by id', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(ids).toEqual([...ids].sort());
  });
});

describe('rule files', () => {
  it('every rule module under src/rules is registered in src/rules/index.ts', async () => {
    const unregistered: string[] = [];
    let modules = 0;
    for (const file of tsFiles(RULES_SRC)) {
      const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
      if (!isRule(mod.default)) continue;
      modules++;
      if (!RULES.includes(mod.default)) unregistered.push(`${path.relative(ROOT, file)} (${mod.default.meta.id})`);
    }
    expect(unregistered).toEqual([]);
    expect(modules).toBeGreaterThan(0);
  });

  it('every rule id is used in at least one test file under test/', () => {
    const self = fileURLToPath(import.meta.url);
    const sources = tsFiles(TEST_DIR)
      .filter((f) => f !== self && !f.includes(`${path.sep}helpers${path.sep}`))
      .map((f) => readFileSync(f, 'utf8'));
    const untested = RULES.map((r) => r.meta.id).filter((id) => {
      // Whole id only: `B2C-REF-001` does not count as `REF-001`.
      const re = new RegExp(`(?<![\\w-])${id}(?![\\w-])`);
      return !sources.some((s) => re.test(s));
    });
    expect(untested, 'rules without a test that names their id').toEqual([]);
  });

  it.each(RULES.map((r) => [r.meta.id] as const))('docs/rules/%s.md has the headings in the fixed order', (id) => {
    const file = path.join(ROOT, 'docs', 'rules', `${id}.md`);
    expect(existsSync(file), `${file} (run npm run docs)`).toBe(true);
    const headings = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l));
    const rule = RULES.find((r) => r.meta.id === id)!;
    expect(headings).toEqual([`# ${id} ${rule.meta.name}`, ...PAGE_HEADINGS]);
  });
});

describe('docs generator (scripts/gen-docs.ts)', () => {
  const temps: string[] = [];
  afterEach(() => {
    for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  function tempRoot(readme?: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'b2c-totp-docs-'));
    temps.push(dir);
    if (readme !== undefined) writeFileSync(path.join(dir, 'README.md'), readme);
    return dir;
  }
  function runGenerator(...args: string[]) {
    return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-docs.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  }

  it('--check finds nothing stale in the repository (run npm run docs after changing a rule)', () => {
    const r = runGenerator('--check');
    expect(r.stdout + r.stderr).not.toMatch(/Stale/);
    expect(r.status).toBe(0);
  }, 30_000);

  it('--check exits 1 and lists missing, changed and orphaned pages, and the README table', () => {
    const root = tempRoot(`# x\n\n${START_MARKER}\n${END_MARKER}\n\nmore\n`);
    writeDocs(root, planDocs(root));
    const first = RULES[0]!.meta.id;
    writeFileSync(path.join(root, 'docs/rules', `${first}.md`), 'edited by hand\n');
    rmSync(path.join(root, 'docs/rules/README.md'));
    writeFileSync(path.join(root, 'docs/rules/ZZZ-999.md'), '# gone\n');
    writeFileSync(path.join(root, 'docs/rules/notes.md'), 'not generated, not ours\n');
    writeFileSync(path.join(root, 'README.md'), `# x\n\n${START_MARKER}\nold table\n${END_MARKER}\n\nmore\n`);
    const r = runGenerator('--check', '--root', root);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`docs/rules/${first}.md`);
    expect(r.stdout).toContain('docs/rules/README.md');
    expect(r.stdout).toContain('docs/rules/ZZZ-999.md (no such rule)');
    expect(r.stdout).toMatch(/^ {2}README\.md$/m);
    expect(r.stdout).not.toContain('notes.md');
  }, 30_000);

  it('writing makes the folder current: stale pages rewritten, orphans deleted, hand-written files kept', () => {
    const root = tempRoot();
    mkdirSync(path.join(root, 'docs/rules'), { recursive: true });
    writeFileSync(path.join(root, 'docs/rules/ZZZ-999.md'), '# gone\n');
    writeFileSync(path.join(root, 'docs/rules/notes.md'), 'keep\n');
    const plan = planDocs(root);
    expect(plan.notes).toEqual(['README.md does not exist; only docs/rules was generated.']);
    const touched = writeDocs(root, plan);
    expect(touched).toContain('docs/rules/ZZZ-999.md');
    expect(existsSync(path.join(root, 'docs/rules/ZZZ-999.md'))).toBe(false);
    expect(readFileSync(path.join(root, 'docs/rules/notes.md'), 'utf8')).toBe('keep\n');
    expect(existsSync(path.join(root, 'README.md'))).toBe(false);
    expect(staleFiles(root, planDocs(root))).toEqual([]);
    expect(writeDocs(root, planDocs(root))).toEqual([]);
  });

  it('replaces only the README section between the markers, and leaves a README without them alone', () => {
    const section = readmeSection(RULES);
    const readme = `# Title\n\nintro\n\n${START_MARKER}\nold\n${END_MARKER}\n\n## After\n`;
    const out = replaceSection(readme, section)!;
    expect(out.startsWith('# Title\n\nintro\n\n<!-- rules:start -->\n')).toBe(true);
    expect(out.endsWith(`${END_MARKER}\n\n## After\n`)).toBe(true);
    expect(out).not.toContain('\nold\n');
    for (const r of RULES) expect(out).toContain(`| [${r.meta.id}](docs/rules/${r.meta.id}.md) | \`${r.meta.name}\` | ${r.meta.severity} |`);
    expect(replaceSection(out, section)).toBe(out);

    expect(replaceSection('# no markers\n', section)).toBeUndefined();
    expect(replaceSection(`${END_MARKER}\n${START_MARKER}\n`, section)).toBeUndefined();
    expect(replaceSection(`${START_MARKER}\n${END_MARKER}\n${START_MARKER}\n${END_MARKER}\n`, section)).toBeUndefined();
    const root = tempRoot('# no markers\n');
    expect(planDocs(root).files.has('README.md')).toBe(false);
    expect(planDocs(root).notes[0]).toMatch(/no single <!-- rules:start -->/);
  });

  it('renders a page from meta: escapes markup in prose, fences examples, documents both config keys and the disable comment', () => {
    const rule: Rule = {
      meta: {
        id: 'TST-001',
        name: 'test-rule',
        category: 'structure',
        severity: 'warning',
        summary: 'The root is <TrustFrameworkPolicy>, not `<Policy>`.',
        description: 'Because | pipes, &nbsp; and <tags> matter.',
        source: 'upload-errors.md §1 #3; MicrosoftDocs#50499',
        examples: { bad: '<A>```</A>', good: '<B/>' },
      },
      check: () => {},
    };
    const page = rulePage(rule);
    expect(page.startsWith('# TST-001 test-rule\n\nSeverity: **warning** · Category: `structure`\n')).toBe(true);
    expect(page).toContain('The root is &lt;TrustFrameworkPolicy>, not `<Policy>`.');
    expect(page).toContain('Because | pipes, &amp;nbsp; and &lt;tags> matter.');
    expect(page).toContain('../shared/reference');
    expect(page).toContain('- `upload-errors.md` §1 #3\n- MicrosoftDocs#50499\n');
    expect(page).toContain('````xml\n<A>```</A>\n````');
    expect(page).toContain('"TST-001": "warning"');
    expect(page).toContain('"test-rule": "off"');
    expect(page).toContain('<!-- b2c-totp-disable-next-line TST-001 -->');
    expect(readmeSection([rule])).toContain('| The root is &lt;TrustFrameworkPolicy>, not `<Policy>`. |');
  });
});
