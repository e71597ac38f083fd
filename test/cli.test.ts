import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { describeShared, XSD_PATH } from './helpers/shared.js';

const MINIMAL = fileURLToPath(new URL('./fixtures/minimal/', import.meta.url));
const temps: string[] = [];

/** A temp working folder holding a copy of the minimal set under policies/. */
function workspace(edit?: (rp: string) => string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'b2c-totp-cli-'));
  temps.push(dir);
  cpSync(MINIMAL, path.join(dir, 'policies'), { recursive: true });
  if (edit) {
    const rp = path.join(dir, 'policies', 'RelyingParty.xml');
    writeFileSync(rp, edit(readFileSync(rp, 'utf8')));
  }
  return dir;
}

const cli = runCli;

const brokenRef = (t: string) => t.replace('<DefaultUserJourney ReferenceId="Mini" />', '<DefaultUserJourney ReferenceId="Mine" />');

afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('b2c-totp lint (CLI)', () => {
  it('exits 0 on a clean set and says how many files it checked', async () => {
    const r = await cli(['lint', 'policies'], workspace());
    expect(r).toEqual({ code: 0, stdout: '✔ 2 files checked, no problems\n', stderr: '' });
  });

  it('exits 1 on an error, with file, line:column, message and rule id', async () => {
    const r = await cli(['lint', 'policies'], workspace(brokenRef));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        'policies/RelyingParty.xml',
        "  10:25  error    DefaultUserJourney ReferenceId 'Mine': no user journey with this Id in this policy or its bases. Did you mean 'Mini'?  REF-007",
        '',
        '✖ 1 problem (1 error, 0 warnings, 0 infos) in 2 files',
        '',
      ].join('\n'),
    );
  });

  it('writes the documented JSON shape, paths relative to the working folder', async () => {
    const r = await cli(['lint', 'policies', '--format', 'json'], workspace(brokenRef));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      version: 1,
      diagnostics: [
        {
          file: 'policies/RelyingParty.xml',
          line: 10,
          column: 25,
          endLine: 10,
          endColumn: 43,
          severity: 'error',
          ruleId: 'REF-007',
          message: "DefaultUserJourney ReferenceId 'Mine': no user journey with this Id in this policy or its bases. Did you mean 'Mini'?",
          policyId: 'B2C_1A_MiniRP',
        },
      ],
      summary: { errors: 1, warnings: 0, infos: 0 },
    });
  });

  it('writes the report to -o atomically and prints a one-line verdict on stderr', async () => {
    const cwd = workspace(brokenRef);
    const r = await cli(['lint', 'policies', '-f', 'sarif', '-o', 'lint.sarif'], cwd);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('b2c-totp: 1 errors, 0 warnings, 0 infos in 2 files; report written to lint.sarif\n');
    const sarif = JSON.parse(readFileSync(path.join(cwd, 'lint.sarif'), 'utf8'));
    expect(sarif.runs[0].results[0].ruleId).toBe('REF-007');
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region).toMatchObject({ startLine: 10, startColumn: 25 });
    expect(readdirSync(cwd).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('prints GitHub annotations and JUnit', async () => {
    const cwd = workspace(brokenRef);
    const gh = await cli(['lint', 'policies', '-f', 'github'], cwd);
    expect(gh.stdout.split('\n')[0]).toBe(
      "::error file=policies/RelyingParty.xml,line=10,endLine=10,col=25,endColumn=43,title=REF-007::DefaultUserJourney ReferenceId 'Mine': no user journey with this Id in this policy or its bases. Did you mean 'Mini'?",
    );
    const junit = await cli(['lint', 'policies', '-f', 'junit'], cwd);
    expect(junit.stdout).toContain('<testcase classname="policies/RelyingParty.xml" name="REF-007"');
    expect(junit.stdout).toContain('failures="1"');
  });

  it('--max-warnings turns too many warnings into exit 1', async () => {
    // A PublicPolicyUri that does not match the PolicyId is a warning (POL-002).
    const edit = (t: string) => t.replace('PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_MiniRP"', 'PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_Old"');
    expect((await cli(['lint', 'policies'], workspace(edit))).code).toBe(0);
    const r = await cli(['lint', 'policies', '--max-warnings', '0'], workspace(edit));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('b2c-totp: 1 warnings exceed --max-warnings 0.\n');
  });

  it('reads rule severities and ignore globs from b2c-totp.config.json', async () => {
    const cwd = workspace(brokenRef);
    writeFileSync(path.join(cwd, 'b2c-totp.config.json'), JSON.stringify({ rules: { 'unknown-user-journey': 'warning' } }));
    const r = await cli(['lint', 'policies', '-f', 'json'], cwd);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toEqual({ errors: 0, warnings: 1, infos: 0 });

    writeFileSync(path.join(cwd, 'b2c-totp.config.json'), JSON.stringify({ rules: { 'REF-007': 'off' }, ignore: ['policies/Base.xml'] }));
    const ignored = await cli(['lint', 'policies', '-f', 'json'], cwd);
    // Without Base.xml the RP's base is missing: the chain rule reports it, and references are not checked.
    expect(JSON.parse(ignored.stdout).diagnostics.map((d: { ruleId: string }) => d.ruleId)).toEqual(['POL-004']);
  });

  it('gives bad config a one-line message with file:line:column, exit 2', async () => {
    const cwd = workspace();
    writeFileSync(path.join(cwd, 'b2c-totp.config.json'), '{\n  "rules": {\n    "REF-001": "loud"\n  }\n}\n');
    expect(await cli(['lint', 'policies'], cwd)).toMatchObject({ code: 2, stdout: '' });
    expect((await cli(['lint', 'policies'], cwd)).stderr).toMatch(/^b2c-totp: b2c-totp\.config\.json:3:5: rules\.REF-001: .+\n$/);

    writeFileSync(path.join(cwd, 'b2c-totp.config.json'), '{\n  "rulez": {}\n}\n');
    expect((await cli(['lint', 'policies'], cwd)).stderr).toBe("b2c-totp: b2c-totp.config.json:2:3: rulez: unknown setting 'rulez'.\n");

    writeFileSync(path.join(cwd, 'b2c-totp.config.json'), '{\n  "rules": { "REF-001": "error", }\n}\n');
    const bad = await cli(['lint', 'policies'], cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^b2c-totp: b2c-totp\.config\.json:2:\d+: invalid JSON: .+\n$/);

    writeFileSync(path.join(cwd, 'b2c-totp.config.json'), '{ "rules": { "REF-999": "error" } }');
    expect((await cli(['lint', 'policies'], cwd)).stderr).toBe(`b2c-totp: Unknown rule 'REF-999' in config "rules".\n`);
  });

  it('accepts already-deployed base policies from --deployed', async () => {
    const cwd = workspace();
    rmSync(path.join(cwd, 'policies', 'Base.xml'));
    expect((await cli(['lint', 'policies'], cwd)).code).toBe(1);
    expect(await cli(['lint', 'policies', '--deployed', 'B2C_1A_MiniBase'], cwd)).toMatchObject({ code: 0 });
  });

  it('honours inline disable comments', async () => {
    const edit = (t: string) => brokenRef(t).replace('    <DefaultUserJourney', '    <!-- b2c-totp-disable-next-line unknown-user-journey -->\n    <DefaultUserJourney');
    expect((await cli(['lint', 'policies'], workspace(edit))).code).toBe(0);
  });

  it('colours only when asked: FORCE_COLOR wins, NO_COLOR and pipes stay plain', async () => {
    const cwd = workspace(brokenRef);
    expect((await cli(['lint', 'policies'], cwd, { NO_COLOR: '1' })).stdout).not.toMatch(/\u001b\[/);
    expect((await cli(['lint', 'policies'], cwd, { NO_COLOR: undefined, FORCE_COLOR: '1' })).stdout).toMatch(/\u001b\[31merror/);
  });

  it('usage problems exit 2 with one line and no stack trace', async () => {
    const cwd = workspace();
    expect(await cli(['lint', 'nope'], cwd)).toEqual({ code: 2, stdout: '', stderr: 'b2c-totp: nope: no such file or folder.\n' });
    const fmt = await cli(['lint', 'policies', '-f', 'xml'], cwd);
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toContain("argument 'xml' is invalid");
    const empty = path.join(cwd, 'empty');
    cpSync(path.join(cwd, 'policies'), empty, { recursive: true, filter: (src) => !src.endsWith('.xml') });
    expect(await cli(['lint', 'empty'], cwd)).toEqual({ code: 2, stdout: '', stderr: 'b2c-totp: empty: no *.xml policy files in this folder.\n' });
    expect((await cli(['lint', 'policies', '--max-warnings', 'x'], cwd)).stderr).toBe("b2c-totp: --max-warnings takes a whole number, not 'x'.\n");
  });

  it('prints the version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(await cli(['--version'], workspace())).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});

describe('paths for GitHub are relative to the repository root', () => {
  it('SARIF and annotations use GITHUB_WORKSPACE (or the git checkout) even when lint runs in a subfolder', async () => {
    const ws = workspace(brokenRef);
    const sub = path.join(ws, 'policies');
    const sarif = JSON.parse((await cli(['lint', '.', '-f', 'sarif'], sub, { GITHUB_WORKSPACE: ws })).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('policies/RelyingParty.xml');
    const gh = (await cli(['lint', '.', '-f', 'github'], sub, { GITHUB_WORKSPACE: ws })).stdout;
    expect(gh.split('\n')[0]).toMatch(/^::error file=policies\/RelyingParty\.xml,line=10,/);
    // Without GITHUB_WORKSPACE, the enclosing git checkout is the root.
    mkdirSync(path.join(ws, '.git'));
    const local = JSON.parse((await cli(['lint', '.', '-f', 'sarif'], sub)).stdout);
    expect(local.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('policies/RelyingParty.xml');
    // Human and JSON output stay relative to the working folder.
    expect(JSON.parse((await cli(['lint', '.', '-f', 'json'], sub, { GITHUB_WORKSPACE: ws })).stdout).diagnostics[0].file).toBe('RelyingParty.xml');
  });
});

describe('lint --quiet', () => {
  it('leaves infos out', async () => {
    // A token in a comment is not a placeholder; the one in the DisplayName is (an info).
    const cwd = workspace((t) => t.replace('<PolicyId>B2C_1A_MiniBase</PolicyId>', '<PolicyId>B2C_1A_MiniBase</PolicyId><!-- {Settings:Note} -->').replace('PolicyProfile</DisplayName>', '{Settings:ProfileName}</DisplayName>'));
    const loud = JSON.parse((await cli(['lint', 'policies', '-f', 'json'], cwd)).stdout);
    expect(loud.diagnostics.map((d: { ruleId: string; severity: string }) => `${d.ruleId} ${d.severity}`)).toEqual(['ENV-001 info']);
    const quiet = await cli(['lint', 'policies', '-q'], cwd);
    expect(quiet).toEqual({ code: 0, stdout: '✔ 2 files checked, no problems\n', stderr: '' });
  });
});

describe('lint edge cases', () => {
  it('a folder with XML but no policy is a usage error, not a green run', async () => {
    const cwd = workspace();
    const other = path.join(cwd, 'other');
    cpSync(path.join(cwd, 'policies'), other, { recursive: true, filter: (src) => !src.endsWith('.xml') });
    writeFileSync(path.join(other, 'app.xml'), '<configuration><add key="a" value="b"/></configuration>\n');
    expect(await cli(['lint', 'other'], cwd)).toEqual({ code: 2, stdout: '', stderr: 'b2c-totp: No TrustFrameworkPolicy files in other (found only other XML).\n' });
  });
});

describeShared('lint with the XSD', () => {
  it('reports a wrong namespace once (XML-004), not once per element', async () => {
    const cwd = workspace((t) => t.replace('xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06"', 'xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/07"'));
    const r = await cli(['lint', 'policies', '--xsd', XSD_PATH, '-f', 'json'], cwd);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).diagnostics.map((d: { ruleId: string; line: number; column: number }) => `${d.ruleId} ${d.line}:${d.column}`)).toEqual(['XML-004 3:3']);
  });
});
