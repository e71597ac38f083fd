import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { mapBack, prefixed, substitutions } from '../src/build/substitute.js';
import { emptySetting, lookup } from '../src/policy/settings.js';
import type { Environment } from '../src/build/environments.js';
import { lint } from '../src/lint.js';
import { findRule, RULES } from '../src/rules/index.js';
import { findPlaceholders } from '../src/rules/placeholder/patterns.js';
import { applyEdits } from '../src/xml/edit.js';
import { parseXmlText } from '../src/xml/read.js';
import { loadXsdValidator } from '../src/xsd/validate.js';
import { describeShared, HAVE_SHARED, STARTER, XSD_PATH } from './helpers/shared.js';

const FIX = fileURLToPath(new URL('./fixtures/build/', import.meta.url));
const SET = path.join(FIX, 'set');
const EXPECTED = path.join(FIX, 'expected');
const FILES = ['B2C_1A_signup_signin.xml', 'TrustFrameworkBase.xml', 'TrustFrameworkExtensions.xml'];
const ENVS = ['Development', 'Production'];

const DEV = { tenant: 'contosodev.onmicrosoft.com', ief: '6f0e1c2d-3b4a-4c5d-8e6f-7a8b9c0d1e01', proxy: '6f0e1c2d-3b4a-4c5d-8e6f-7a8b9c0d1e02' };
const PROD = { tenant: 'contoso.onmicrosoft.com', ief: 'a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c01', proxy: 'a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c02' };
const APP_INSIGHTS = '0c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e';

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'b2c-totp-build-'));
  temps.push(dir);
  return dir;
}

type Json = Record<string, any>;

/**
 * A VS Code-style workspace in a temp folder: the three policies at its root, plus appsettings.json
 * and/or b2c-totp.config.json (the fixture's, or edited), as a team would have it.
 */
function workspace(opts: { appsettings?: boolean | ((j: Json) => void); config?: boolean | ((j: Json) => void); edit?: Record<string, (t: string) => string>; omit?: string[] } = { appsettings: true }): string {
  const dir = tempDir();
  for (const f of FILES) {
    if (opts.omit?.includes(f)) continue;
    const edit = opts.edit?.[f];
    if (edit) writeFileSync(path.join(dir, f), edit(readFileSync(path.join(SET, f), 'utf8')));
    else cpSync(path.join(SET, f), path.join(dir, f));
  }
  for (const [key, name] of [['appsettings', 'appsettings.json'], ['config', 'b2c-totp.config.json']] as const) {
    const o = opts[key];
    if (!o) continue;
    const json = JSON.parse(readFileSync(path.join(FIX, name), 'utf8')) as Json;
    if (typeof o === 'function') o(json);
    writeFileSync(path.join(dir, name), `${JSON.stringify(json, null, 2)}\n`);
  }
  return dir;
}

const cli = runCli;

const bytes = (file: string) => readFileSync(file).toString('latin1');
const listDir = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

/** 1-based line:column of `needle` (the n-th occurrence) in a fixture source, BOM not counted. */
function pos(file: string, needle: string, nth = 1): string {
  const text = readFileSync(path.join(SET, file), 'utf8');
  let i = -1;
  for (let k = 0; k < nth; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`not found in ${file}: ${needle}`);
  const before = text.slice(0, i);
  const line = before.split(/\r\n|\r|\n/).length;
  const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
  const column = i - lineStart + 1 - (lineStart === 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0);
  return `${line}:${column}`;
}

/** Stylish finding lines of one file: positions padded to the widest, as formatStylish aligns them. */
function rows(items: Array<[string, string]>): string[] {
  const width = Math.max(...items.map(([p]) => p.length));
  return items.map(([p, rest]) => `  ${p.padEnd(width)}  error    ${rest}`);
}

function expectGolden(ws: string, out = path.join(ws, 'dist')): void {
  for (const env of ENVS) {
    expect(listDir(path.join(out, env)), env).toEqual([...FILES, 'upload-order.json'].sort());
    for (const f of [...FILES, 'upload-order.json']) {
      expect(bytes(path.join(out, env, f)), `${env}/${f}`).toBe(bytes(path.join(EXPECTED, env, f)));
    }
  }
}

describe('b2c-totp build: the fixture set', () => {
  it('builds both environments of a VS Code appsettings.json, byte for byte', async () => {
    const ws = workspace({ appsettings: true });
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'Environments from appsettings.json (VS Code B2C extension format); policies from ./ (3 files).',
        '',
        '✔ Development: 3 policies → dist/Development/ (tenant contosodev.onmicrosoft.com; order in upload-order.json)',
        '✔ Production: 3 policies → dist/Production/ (tenant contoso.onmicrosoft.com; order in upload-order.json)',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
    expectGolden(ws);
    // dist/ sits inside the source folder: a second build does not read it back as sources.
    const again = await cli(['build', '--no-xsd'], ws);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('(3 files)');
    expectGolden(ws);
  });

  it('builds the same bytes from b2c-totp.config.json (top-level settings under each environment\'s own)', async () => {
    const ws = workspace({ config: true });
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Environments from b2c-totp.config.json; policies from ./ (3 files).');
    expectGolden(ws);
  });

  it('b2c-totp.config.json wins over appsettings.json, and says so', async () => {
    const ws = workspace({
      config: true,
      appsettings: (j) => {
        j.Environments[0].Tenant = 'otherdev.onmicrosoft.com';
      },
    });
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      'Environments from b2c-totp.config.json; policies from ./ (3 files).',
      '(appsettings.json is not used: b2c-totp.config.json wins.)',
    ]);
    expectGolden(ws);
  });

  it('takes the environments from appsettings.json when b2c-totp.config.json has none', async () => {
    const ws = workspace({
      appsettings: true,
      config: (j) => {
        delete j.environments;
        delete j.settings;
      },
    });
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Environments from appsettings.json (VS Code B2C extension format), with the rest of b2c-totp.config.json; policies from ./ (3 files).');
    expectGolden(ws);
  });

  it('the golden files are the sources with exactly the expected tokens replaced', () => {
    const replacements = (e: typeof DEV, env: string, devMode: boolean): Record<string, Array<[string, string]>> => ({
      'TrustFrameworkBase.xml': [
        ['yourtenant.onmicrosoft.com', e.tenant],
        ['{Settings:Environment}', env],
      ],
      'TrustFrameworkExtensions.xml': [
        ['{Settings:Tenant}', e.tenant],
        ['{Settings:ProxyIdentityExperienceFrameworkAppId}', e.proxy],
        ['{Settings:IdentityExperienceFrameworkAppId}', e.ief],
        ['"ProxyIdentityExperienceFrameworkAppId"', `"${e.proxy}"`],
        ['"IdentityExperienceFrameworkAppId"', `"${e.ief}"`],
      ],
      'B2C_1A_signup_signin.xml': [
        ['yourtenant.onmicrosoft.com', e.tenant],
        ['{Settings:PolicyFilename}', 'signup_signin'],
        ['{Settings:Filename}', 'B2C_1A_signup_signin'],
        ['{Settings:DeploymentMode}', devMode ? 'Development' : 'Production'],
        ['{Settings:DeveloperMode}', devMode ? 'true' : 'false'],
        ['{Settings:AppInsightsKey}', APP_INSIGHTS],
      ],
    });
    for (const [env, e, devMode] of [['Development', DEV, true], ['Production', PROD, false]] as const) {
      const table = replacements(e, env, devMode);
      for (const f of FILES) {
        let text = readFileSync(path.join(SET, f), 'utf8');
        for (const [from, to] of table[f]!) text = text.split(from).join(to);
        expect(readFileSync(path.join(EXPECTED, env, f), 'utf8'), `${env}/${f}`).toBe(text);
      }
    }
  });

  it('keeps each file\'s BOM and line endings (BOM+CRLF, LF, CRLF)', () => {
    for (const env of ENVS) {
      const base = readFileSync(path.join(EXPECTED, env, 'TrustFrameworkBase.xml'));
      expect([...base.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(base.toString('latin1')).not.toMatch(/[^\r]\n/);
      const ext = readFileSync(path.join(EXPECTED, env, 'TrustFrameworkExtensions.xml'), 'latin1');
      expect(ext.startsWith('<?xml')).toBe(true);
      expect(ext).not.toContain('\r');
      const rp = readFileSync(path.join(EXPECTED, env, 'B2C_1A_signup_signin.xml'), 'latin1');
      expect(rp.startsWith('<?xml')).toBe(true);
      expect(rp).not.toMatch(/[^\r]\n/);
    }
  });

  it('writes upload-order.json: base first, with the sha256 of the bytes written', async () => {
    const ws = workspace({ appsettings: true });
    expect((await cli(['build', '--no-xsd'], ws)).code).toBe(0);
    for (const env of ENVS) {
      const dir = path.join(ws, 'dist', env);
      const sha = (f: string) => createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex');
      const text = readFileSync(path.join(dir, 'upload-order.json'), 'utf8');
      const expected = [
        { policyId: 'B2C_1A_TrustFrameworkBase', file: 'TrustFrameworkBase.xml', sha256: sha('TrustFrameworkBase.xml'), base: null },
        { policyId: 'B2C_1A_TrustFrameworkExtensions', file: 'TrustFrameworkExtensions.xml', sha256: sha('TrustFrameworkExtensions.xml'), base: 'B2C_1A_TrustFrameworkBase' },
        { policyId: 'B2C_1A_signup_signin', file: 'B2C_1A_signup_signin.xml', sha256: sha('B2C_1A_signup_signin.xml'), base: 'B2C_1A_TrustFrameworkExtensions' },
      ];
      expect(text).toBe(`${JSON.stringify(expected, null, 2)}\n`);
    }
  });

  it('--env picks environments (repeatable, comma lists, any case); an unknown one is exit 2', async () => {
    const ws = workspace({ appsettings: true });
    const one = await cli(['build', '--no-xsd', '--env', 'production'], ws);
    expect(one.code).toBe(0);
    expect(listDir(path.join(ws, 'dist'))).toEqual(['Production']);

    const ws2 = workspace({ appsettings: true });
    expect((await cli(['build', '--no-xsd', '--env', 'Production,Development'], ws2)).code).toBe(0);
    expect(listDir(path.join(ws2, 'dist'))).toEqual(ENVS);
    const ws3 = workspace({ appsettings: true });
    expect((await cli(['build', '.', '--env', 'Development', '--env', 'Production', '--no-xsd'], ws3)).code).toBe(0);
    expectGolden(ws3);

    const bad = await cli(['build', '--no-xsd', '--env', 'Prodution'], ws);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: "b2c-totp: Unknown environment 'Prodution'; appsettings.json has Development, Production. Did you mean 'Production'?\n" });
  });

  it('never reads the VS Code extension\'s own output (EnvironmentsFolder) as sources', async () => {
    const ws = workspace({ appsettings: true });
    for (const env of ENVS) {
      mkdirSync(path.join(ws, 'Environments', env), { recursive: true });
      for (const f of FILES) cpSync(path.join(SET, f), path.join(ws, 'Environments', env, f));
    }
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(3 files)');
    expectGolden(ws);
  });

  it('--out and [dir] place the output and read the sources elsewhere', async () => {
    const ws = tempDir();
    mkdirSync(path.join(ws, 'policies'));
    for (const f of FILES) cpSync(path.join(SET, f), path.join(ws, 'policies', f));
    cpSync(path.join(FIX, 'b2c-totp.config.json'), path.join(ws, 'b2c-totp.config.json'));
    const r = await cli(['build', 'policies', '--out', 'build/out', '--no-xsd'], ws);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✔ Production: 3 policies → build/out/Production/');
    expectGolden(ws, path.join(ws, 'build', 'out'));
  });
});

describe('b2c-totp build: failures write nothing', () => {
  /** Something already in dist/<env> from an earlier build. */
  function earlierOutput(ws: string): void {
    for (const env of ENVS) {
      mkdirSync(path.join(ws, 'dist', env), { recursive: true });
      writeFileSync(path.join(ws, 'dist', env, 'earlier.txt'), 'from the last good build\n');
    }
  }
  const untouched = (ws: string) => {
    for (const env of ENVS) expect(listDir(path.join(ws, 'dist', env)), env).toEqual(['earlier.txt']);
    expect(listDir(path.join(ws, 'dist'))).toEqual(ENVS);
  };

  it('hostile input: a DOCTYPE with an entity bomb is one XML-002 error, nothing expanded, nothing written', async () => {
    const bomb = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n';
    const ws = workspace({ appsettings: true, edit: { 'TrustFrameworkExtensions.xml': (t) => t.replace(/^(\uFEFF?<\?xml[^>]*\?>\r?\n)/, `$1${bomb}`) } });
    earlierOutput(ws);
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/TrustFrameworkExtensions\.xml\n {2}2:1 +error +DOCTYPE declarations are not allowed/);
    expect(r.stdout).not.toContain('lollol');
    untouched(ws);
  });

  it('a leftover placeholder fails with file:line:column and leaves dist/<env> as it was', async () => {
    const ws = workspace({
      appsettings: (j) => {
        delete j.Environments[1].PolicySettings.AppInsightsKey;
        delete j.Environments[1].PolicySettings.ProxyIdentityExperienceFrameworkAppId;
      },
    });
    earlierOutput(ws);
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code).toBe(1);
    const rp = 'B2C_1A_signup_signin.xml';
    const ext = 'TrustFrameworkExtensions.xml';
    expect(r.stdout).toBe(
      [
        'Environments from appsettings.json (VS Code B2C extension format); policies from ./ (3 files).',
        '',
        'Production (contoso.onmicrosoft.com, production)',
        rp,
        ...rows([[pos(rp, '{Settings:AppInsightsKey}'), "Environment 'Production' has no setting 'AppInsightsKey' for '{Settings:AppInsightsKey}'.  ENV-004"]]),
        '',
        ext,
        ...rows([
          [
            pos(ext, '{Settings:ProxyIdentityExperienceFrameworkAppId}'),
            "Environment 'Production' has no setting 'ProxyIdentityExperienceFrameworkAppId' for '{Settings:ProxyIdentityExperienceFrameworkAppId}'. Did you mean 'IdentityExperienceFrameworkAppId'?  ENV-004",
          ],
          [pos(ext, 'ProxyIdentityExperienceFrameworkAppId" />'), "Environment 'Production' has no setting 'ProxyIdentityExperienceFrameworkAppId' to replace the starter-pack placeholder 'ProxyIdentityExperienceFrameworkAppId'.  ENV-004"],
        ]),
        '',
        '✖ 3 problems (3 errors, 0 warnings, 0 infos) in 3 files',
        '',
        '  Development: no errors; not written because another environment failed.',
        '✖ Production: 3 errors; dist/Production/ not written.',
        '✖ Build failed: nothing was written; existing output under dist/ is unchanged.',
        '',
      ].join('\n'),
    );
    untouched(ws);
  });

  it('any other placeholder left (a pipeline token) fails every environment with file:line:column (ENV-001)', async () => {
    const base = 'TrustFrameworkBase.xml';
    const ws = workspace({ appsettings: true, edit: { [base]: (t) => t.replace('DefaultValue="00000000-0000-0000-0000-000000000000"', 'DefaultValue="#{SeedObjectId}#"') } });
    earlierOutput(ws);
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code).toBe(1);
    const at = pos(base, 'DefaultValue="00000000').replace(/\d+$/, (c) => String(Number(c) + 'DefaultValue="'.length));
    for (const env of ['Development (contosodev.onmicrosoft.com)', 'Production (contoso.onmicrosoft.com, production)']) {
      expect(r.stdout).toContain(`${env}\n${base}\n  ${at}  error    Placeholder '#{SeedObjectId}#' (pipeline token) must be replaced before upload.  ENV-001\n`);
    }
    expect(r.stdout).toContain('✖ Development: 1 error; dist/Development/ not written.\n✖ Production: 1 error; dist/Production/ not written.\n');
    untouched(ws);
  });

  it('fails an environment marked production that has DeploymentMode="Development" or DeveloperMode="true" (ENV-002); others may', async () => {
    const ws = workspace({
      appsettings: (j) => {
        Object.assign(j.Environments[1].PolicySettings, { DeploymentMode: 'Development', DeveloperMode: 'true' });
      },
    });
    earlierOutput(ws);
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code).toBe(1);
    const rp = 'B2C_1A_signup_signin.xml';
    expect(r.stdout).toContain(
      [
        'Production (contoso.onmicrosoft.com, production)',
        rp,
        ...rows([
          [pos(rp, 'DeploymentMode='), 'DeploymentMode="Development" in environment \'Production\', which is marked production: use Production (or leave it out).  ENV-002'],
          [pos(rp, 'DeveloperMode='), 'JourneyInsights DeveloperMode="true" in environment \'Production\', which is marked production: use false.  ENV-002'],
        ]),
      ].join('\n'),
    );
    expect(r.stdout).not.toContain('Development (contosodev');
    expect(r.stdout).toContain('  Development: no errors; not written because another environment failed.');
    untouched(ws);
  });

  it('fails when a TenantId or BasePolicy/TenantId is not the environment\'s tenant (ENV-003)', async () => {
    const ext = 'TrustFrameworkExtensions.xml';
    const ws = workspace({
      appsettings: true,
      edit: { [ext]: (t) => t.replace('TenantId="{Settings:Tenant}"', 'TenantId="contosodev.onmicrosoft.com"').replace('<TenantId>{Settings:Tenant}</TenantId>', '<TenantId>contosodev.onmicrosoft.com</TenantId>') },
    });
    earlierOutput(ws);
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`  ${pos(ext, 'TenantId=')}   error    TenantId 'contosodev.onmicrosoft.com' is not the tenant of environment 'Production' (contoso.onmicrosoft.com).  ENV-003`);
    expect(r.stdout).toMatch(/  6:15 +error +BasePolicy TenantId 'contosodev\.onmicrosoft\.com' is not the tenant of environment 'Production' \(contoso\.onmicrosoft\.com\)\.  ENV-003/);
    expect(r.stdout).toContain('✖ Production: ');
    expect(r.stdout).not.toContain("environment 'Development'");
    untouched(ws);
  });

  it('an empty or whitespace-only setting is not set: ENV-004 names it, nothing empty is written (ENV-001 not repeated)', async () => {
    const ext = 'TrustFrameworkExtensions.xml';
    // As init leaves them for the user to fill in.
    const ws = workspace({
      config: (j) => {
        j.environments[0].settings.IdentityExperienceFrameworkAppId = '';
        j.environments[0].settings.ProxyIdentityExperienceFrameworkAppId = '  ';
      },
    });
    earlierOutput(ws);
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code).toBe(1);
    const proxy = 'ProxyIdentityExperienceFrameworkAppId';
    const ief = 'IdentityExperienceFrameworkAppId';
    expect(r.stdout).toContain(
      [
        'Development (contosodev.onmicrosoft.com)',
        ext,
        ...rows([
          [pos(ext, `{Settings:${proxy}}`), `Environment 'Development' has no value for setting '${proxy}' to replace '{Settings:${proxy}}' (it is empty).  ENV-004`],
          [pos(ext, `{Settings:${ief}}`), `Environment 'Development' has no value for setting '${ief}' to replace '{Settings:${ief}}' (it is empty).  ENV-004`],
          [pos(ext, `${proxy}" />`), `Environment 'Development' has no value for setting '${proxy}' to replace the starter-pack placeholder '${proxy}' (it is empty).  ENV-004`],
          [pos(ext, `${ief}" />`, 2), `Environment 'Development' has no value for setting '${ief}' to replace the starter-pack placeholder '${ief}' (it is empty).  ENV-004`],
        ]),
        '',
      ].join('\n'),
    );
    expect(r.stdout).not.toContain('ENV-001');
    expect(r.stdout).toContain('✖ Development: 4 errors; dist/Development/ not written.');
    expect(r.stdout).toContain('  Production: no errors; not written because another environment failed.');
    untouched(ws);

    // From appsettings.json alike; a setting that is only empty does not suggest itself.
    const app = workspace({
      appsettings: (j) => {
        j.Environments[1].PolicySettings.AppInsightsKey = '';
      },
    });
    const r2 = await cli(['build', '--no-xsd', '--env', 'Production'], app);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toContain(`  ${pos('B2C_1A_signup_signin.xml', '{Settings:AppInsightsKey}')}  error    Environment 'Production' has no value for setting 'AppInsightsKey' to replace '{Settings:AppInsightsKey}' (it is empty).  ENV-004\n`);
  });

  it('config "rules" names the environment rules like any other (by id or name), in build and in lint', async () => {
    const ws = workspace({
      config: (j) => {
        j.environments[1].settings.DeploymentMode = 'Development';
        j.rules = { 'production-settings': 'warning' };
      },
    });
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(`  ${pos('B2C_1A_signup_signin.xml', 'DeploymentMode=')}  warning  DeploymentMode="Development" in environment 'Production', which is marked production: use Production (or leave it out).  ENV-002\n`);
    expect(r.stdout).toContain('✔ Production: 3 policies → dist/Production/ (tenant contoso.onmicrosoft.com, 1 warning;');

    // ENV-004 off: the leftover token is still an error, reported by ENV-001 instead.
    const off = workspace({
      config: (j) => {
        delete j.settings.AppInsightsKey;
        j.rules = { 'ENV-004': 'off' };
      },
    });
    const r2 = await cli(['build', '--no-xsd', '--env', 'Production'], off);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toContain(`  ${pos('B2C_1A_signup_signin.xml', '{Settings:AppInsightsKey}')}  error    Placeholder '{Settings:AppInsightsKey}' (VS Code B2C extension setting) must be replaced before upload.  ENV-001\n`);
    expect(r2.stdout).not.toContain('ENV-004');

    // Plain lint accepts the same config; it has no environment, so the rules report nothing.
    const { result } = await lint({ paths: [ws], cwd: ws, xsd: false, ready: true, version: 'test' });
    expect(result.diagnostics.filter((d) => /^ENV-00[234]$/.test(d.ruleId))).toEqual([]);
    expect(result.rules.map((x) => x.id)).toEqual(expect.arrayContaining(['ENV-002', 'ENV-003', 'ENV-004']));
  });

  it('an output folder that would replace the sources or the config is exit 2', async () => {
    const ws = tempDir();
    mkdirSync(path.join(ws, 'Production'));
    for (const f of FILES) cpSync(path.join(SET, f), path.join(ws, 'Production', f));
    writeFileSync(path.join(ws, 'b2c-totp.config.json'), JSON.stringify({ policies: 'Production', environments: [{ name: 'Production', tenant: 'contoso.onmicrosoft.com' }] }));
    const r = await cli(['build', '--out', '.', '--no-xsd'], ws);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'b2c-totp: Output folder Production would replace the policy folder; choose another --out.\n' });
  });

  it('reports appsettings.json problems at file:line:column (exit 2)', async () => {
    const ws = workspace({
      appsettings: (j) => {
        j.Environments[1].Tenant = 'https://contoso';
      },
    });
    const r = await cli(['build'], ws);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("b2c-totp: appsettings.json:20:7: Environments.1.Tenant: 'https://contoso' is not a tenant name such as contoso.onmicrosoft.com.\n");

    const dots = workspace({
      appsettings: (j) => {
        j.Environments[0].Name = '..';
      },
    });
    expect((await cli(['build'], dots)).stderr).toBe("b2c-totp: appsettings.json: environment name '..' cannot be a folder name under dist/.\n");

    // In b2c-totp.config.json the schema itself refuses it, at file:line:column.
    const configDots = workspace({
      config: (j) => {
        j.environments[1].name = '..';
      },
    });
    expect(await cli(['build'], configDots)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'b2c-totp: b2c-totp.config.json:19:7: environments.1.name: a letter or digit first, then letters, digits, ".", "_" and "-" only.\n',
    });
  });

  it('a relying party in a subfolder is part of the set its base is in, and keeps its place in dist/<env>', async () => {
    const ws = workspace({ config: true, omit: ['B2C_1A_signup_signin.xml'] });
    mkdirSync(path.join(ws, 'apps'));
    cpSync(path.join(SET, 'B2C_1A_signup_signin.xml'), path.join(ws, 'apps', 'B2C_1A_signup_signin.xml'));
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code, r.stdout).toBe(0);
    const order = JSON.parse(readFileSync(path.join(ws, 'dist', 'Development', 'upload-order.json'), 'utf8')) as Array<{ file: string }>;
    expect(order.map((e) => e.file)).toEqual(['TrustFrameworkBase.xml', 'TrustFrameworkExtensions.xml', 'apps/B2C_1A_signup_signin.xml']);
  });

  it('a source folder holding two policy sets that share PolicyIds is exit 2, naming both files', async () => {
    const ws = workspace({ config: true });
    mkdirSync(path.join(ws, 'old'));
    cpSync(path.join(SET, 'B2C_1A_signup_signin.xml'), path.join(ws, 'old', 'B2C_1A_signup_signin.xml'));
    earlierOutput(ws);
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "b2c-totp: The source folder holds several policy sets that share PolicyId 'B2C_1A_signup_signin' (B2C_1A_signup_signin.xml and old/B2C_1A_signup_signin.xml); build one set at a time: point \"policies\" in the config (or the build argument) at its folder. `b2c-totp lint --list-sets` shows the sets.\n",
    );
    untouched(ws);
  });

  it('no config with environments is exit 2', async () => {
    const ws = workspace({ config: (j) => delete j.environments });
    mkdirSync(path.join(ws, '.git'));
    const r = await cli(['build'], ws);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'b2c-totp: b2c-totp.config.json has no "environments"; add at least one ({ "name", "tenant", "settings" }) to build.\n' });
  });
});

describe('b2c-totp build: PolicyId prefix', () => {
  it('prefixes PolicyId, BasePolicy/PolicyId and PublicPolicyUri alike, nothing else; the output lints clean', async () => {
    const ws = workspace({
      config: (j) => {
        j.environments[0].policyIdPrefix = 'DEV_';
      },
    });
    const r = await cli(['build', '--no-xsd'], ws);
    expect(r.code).toBe(0);
    const dev = path.join(ws, 'dist', 'Development');
    for (const f of FILES) {
      const out = readFileSync(path.join(dev, f), 'latin1');
      // Taking the prefix out gives the unprefixed build back, byte for byte.
      expect(out.split('B2C_1A_DEV_').join('B2C_1A_')).toBe(bytes(path.join(EXPECTED, 'Development', f)));
    }
    const text = (f: string) => readFileSync(path.join(dev, f), 'utf8');
    expect(text('TrustFrameworkBase.xml')).toContain('PolicyId="B2C_1A_DEV_TrustFrameworkBase" PublicPolicyUri="http://contosodev.onmicrosoft.com/B2C_1A_DEV_TrustFrameworkBase"');
    expect(text('TrustFrameworkExtensions.xml')).toContain('PolicyId="B2C_1A_DEV_TrustFrameworkExtensions" PublicPolicyUri="http://contosodev.onmicrosoft.com/B2C_1A_DEV_TrustFrameworkExtensions"');
    expect(text('TrustFrameworkExtensions.xml')).toContain('<PolicyId>B2C_1A_DEV_TrustFrameworkBase</PolicyId>');
    expect(text('B2C_1A_signup_signin.xml')).toContain('PolicyId="B2C_1A_DEV_signup_signin" PublicPolicyUri="http://contosodev.onmicrosoft.com/B2C_1A_DEV_signup_signin"');
    expect(text('B2C_1A_signup_signin.xml')).toContain('<PolicyId>B2C_1A_DEV_TrustFrameworkExtensions</PolicyId>');
    expect(text('B2C_1A_signup_signin.xml')).toContain('DefaultValue="B2C_1A_signup_signin"'); // {Settings:Filename} is a file name, not a PolicyId
    const order = JSON.parse(text('upload-order.json')) as Array<{ policyId: string; base: string | null }>;
    expect(order.map((o) => [o.policyId, o.base])).toEqual([
      ['B2C_1A_DEV_TrustFrameworkBase', null],
      ['B2C_1A_DEV_TrustFrameworkExtensions', 'B2C_1A_DEV_TrustFrameworkBase'],
      ['B2C_1A_DEV_signup_signin', 'B2C_1A_DEV_TrustFrameworkExtensions'],
    ]);
    // Production has no prefix.
    for (const f of FILES) expect(bytes(path.join(ws, 'dist', 'Production', f))).toBe(bytes(path.join(EXPECTED, 'Production', f)));

    const { result } = await lint({ paths: [dev], cwd: ws, ready: true, xsd: HAVE_SHARED ? XSD_PATH : false, version: 'test' });
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('a base listed in deployedPolicies keeps its id (it is deployed under it); the set\'s own ids are prefixed', async () => {
    const ws = workspace({
      omit: ['TrustFrameworkBase.xml'],
      config: (j) => {
        j.deployedPolicies = ['B2C_1A_TrustFrameworkBase'];
        j.environments[0].policyIdPrefix = 'DEV_';
      },
    });
    const r = await cli(['build', '--no-xsd', '--env', 'Development'], ws);
    expect(r.code).toBe(0);
    const dev = path.join(ws, 'dist', 'Development');
    expect(readFileSync(path.join(dev, 'TrustFrameworkExtensions.xml'), 'utf8')).toContain('<PolicyId>B2C_1A_TrustFrameworkBase</PolicyId>');
    const order = JSON.parse(readFileSync(path.join(dev, 'upload-order.json'), 'utf8')) as Array<{ policyId: string; file: string; base: string | null }>;
    expect(order.map((o) => [o.policyId, o.file, o.base])).toEqual([
      ['B2C_1A_DEV_TrustFrameworkExtensions', 'TrustFrameworkExtensions.xml', 'B2C_1A_TrustFrameworkBase'],
      ['B2C_1A_DEV_signup_signin', 'B2C_1A_signup_signin.xml', 'B2C_1A_DEV_TrustFrameworkExtensions'],
    ]);
  });

  it('prefixed() inserts after B2C_1A_ only', () => {
    expect(prefixed('B2C_1A_X', 'P_')).toBe('B2C_1A_P_X');
    expect(prefixed('b2c_1a_X', 'P_')).toBe('b2c_1a_P_X');
    expect(prefixed('Other', 'P_')).toBe('Other');
    expect(prefixed('B2C_1A_X', '')).toBe('B2C_1A_X');
  });
});

describe('b2c-totp build: substitution', () => {
  const env: Environment = {
    name: 'Test',
    tenant: 'contoso.onmicrosoft.com',
    production: false,
    policyIdPrefix: '',
    settings: { 'a.b': 'DOT', 'a+': 'PLUS', Money: '$& $1 $$', Loop: '{Settings:Money}', Foo: 'foo', FOO: 'FOO', Mixed: 'mixed', FacebookAppId: 'fb-app' },
  };
  const sub = (text: string, fileName = 'B2C_1A_Sign_In.xml') => applyEdits(text, substitutions(text, env, fileName));

  it('matches keys literally: regex characters in keys are not special (unlike the VS Code extension)', () => {
    expect(sub('{Settings:a.b} {Settings:aXb} {Settings:a+} {Settings:aa}')).toBe('DOT {Settings:aXb} PLUS {Settings:aa}');
  });

  it('inserts values literally ($& and $1 are not replacement patterns) and never expands a value again', () => {
    expect(sub('<x>{Settings:Money}</x>')).toBe('<x>$& $1 $$</x>');
    expect(sub('<x>{Settings:Loop}</x>')).toBe('<x>{Settings:Money}</x>');
  });

  it('matches "Settings" and keys ignoring case as the extension does; an exact key wins, an ambiguous one is left', () => {
    expect(sub('{settings:TENANT} {SETTINGS:mixed} {Settings:Foo} {Settings:FOO} {Settings:foo}')).toBe('contoso.onmicrosoft.com mixed foo FOO {Settings:foo}');
  });

  it('fills Filename, PolicyFilename and Environment from the file and the environment', () => {
    expect(sub('{Settings:Filename}|{Settings:PolicyFilename}|{Settings:Environment}')).toBe('B2C_1A_Sign_In|Sign_In|Test');
  });

  it('replaces the starter pack\'s placeholders from the tenant and settings, and leaves B2C claim resolvers alone', () => {
    const resolvers = '{Context:CorrelationId} {OIDC:ClientId} {Policy:TenantObjectId} {RelyingPartyTenantId} {tenant} {Culture:LanguageName}';
    expect(sub(`yourtenant.onmicrosoft.com YourTenant.onmicrosoft.com https://yourtenant.b2clogin.com facebook_clientid ${resolvers}`)).toBe(
      `contoso.onmicrosoft.com contoso.onmicrosoft.com https://contoso.b2clogin.com fb-app ${resolvers}`,
    );
    // Without a value the placeholder stays, for the lint to fail the build.
    expect(sub('ProxyIdentityExperienceFrameworkAppId IdentityExperienceFrameworkAppId')).toBe('ProxyIdentityExperienceFrameworkAppId IdentityExperienceFrameworkAppId');
    // Case matters for the app-id words, as in the placeholder catalogue.
    const withIds = { ...env, settings: { ProxyIdentityExperienceFrameworkAppId: 'P', IdentityExperienceFrameworkAppId: 'I', facebook_clientid: 'F', FacebookAppId: 'G' } };
    const text = 'ProxyIdentityExperienceFrameworkAppId IdentityExperienceFrameworkAppId identityexperienceframeworkappid facebook_clientid {Settings:IdentityExperienceFrameworkAppId}';
    expect(applyEdits(text, substitutions(text, withIds, 'x.xml'))).toBe('P I identityexperienceframeworkappid F I');
  });

  it('an empty or whitespace-only value counts as not set: the token stays for ENV-004, another spelling with a value is used', () => {
    const blank: Environment = { ...env, settings: { Empty: '', Blank: ' \t', IdentityExperienceFrameworkAppId: '', Twice: '', TWICE: 'two' } };
    const text = '{Settings:Empty} {Settings:Blank} IdentityExperienceFrameworkAppId {Settings:Twice} {Settings:twice}';
    expect(applyEdits(text, substitutions(text, blank, 'x.xml'))).toBe('{Settings:Empty} {Settings:Blank} IdentityExperienceFrameworkAppId two two');
    expect(lookup(blank.settings, 'Empty')).toBeUndefined();
    expect(lookup(blank.settings, 'Twice')).toBe('two');
    expect(emptySetting(blank.settings, 'empty')).toBe('Empty');
    expect(emptySetting(blank.settings, 'Blank')).toBe('Blank');
    expect(emptySetting(blank.settings, 'Missing')).toBeUndefined();
    expect(emptySetting(blank.settings, 'TWICE')).toBeUndefined();
  });

  it('maps offsets in the output back to the source', () => {
    const src = 'ab{Settings:Money}cd';
    const edits = substitutions(src, env, 'x.xml');
    const out = applyEdits(src, edits);
    expect(out).toBe('ab$& $1 $$cd');
    expect(mapBack(edits, 1)).toBe(1);
    expect(mapBack(edits, 2)).toBe(2); // start of the value → start of the token
    expect(mapBack(edits, 5)).toBe(2);
    expect(mapBack(edits, 5, 'end')).toBe(18);
    expect(mapBack(edits, out.indexOf('cd'))).toBe(src.indexOf('cd'));
    const insert = [{ start: 3, end: 3, text: 'P_' }];
    expect(mapBack(insert, 3)).toBe(3);
    expect(mapBack(insert, 6)).toBe(4);
  });

  it('the environment rules (ENV-002, ENV-003, ENV-004) are ordinary rules in RULES, found by id and by name', () => {
    for (const [id, name] of [
      ['ENV-002', 'production-settings'],
      ['ENV-003', 'environment-tenant'],
      ['ENV-004', 'unknown-setting'],
    ] as const) {
      const rule = findRule(id);
      expect(rule, id).toBeDefined();
      expect(RULES).toContain(rule);
      expect(findRule(name)).toBe(rule);
      expect(rule!.meta.category).toBe('environment');
    }
  });
});

describeShared('b2c-totp build: XSD', () => {
  it('build --env <name> of the fixture gives XSD-valid files with no placeholder left', async () => {
    const ws = workspace({ appsettings: true });
    const r = await cli(['build', '--env', 'Production', '--xsd', XSD_PATH], ws);
    expect(r.code).toBe(0);
    const xsd = await loadXsdValidator(XSD_PATH);
    try {
      for (const f of FILES) {
        const text = readFileSync(path.join(ws, 'dist', 'Production', f), 'utf8');
        expect(findPlaceholders(text), f).toEqual([]);
        const parsed = parseXmlText(text);
        if (!parsed.ok) throw new Error(`${f}: ${parsed.problem.message}`);
        expect(xsd.validate(text, parsed.source.doc), f).toEqual([]);
      }
    } finally {
      xsd.dispose();
    }
  });
});

describeShared('b2c-totp build: the starter pack (SocialAndLocalAccounts, read in place)', () => {
  const FLAVOUR = path.join(STARTER, 'SocialAndLocalAccounts');
  const IDS = { IdentityExperienceFrameworkAppId: '0b7f3a1e-9c2d-4e5f-8a6b-7c8d9e0f1a21', ProxyIdentityExperienceFrameworkAppId: '0b7f3a1e-9c2d-4e5f-8a6b-7c8d9e0f1a22' };
  const TENANT = 'contosob2c.onmicrosoft.com';
  const ORDER = ['B2C_1A_TrustFrameworkBase', 'B2C_1A_TrustFrameworkLocalization', 'B2C_1A_TrustFrameworkExtensions', 'B2C_1A_PasswordReset', 'B2C_1A_ProfileEdit', 'B2C_1A_signup_signin'];

  function configIn(dir: string, environments: Json[]): string {
    const file = path.join(dir, 'b2c-totp.config.json');
    writeFileSync(file, JSON.stringify({ settings: IDS, environments }, null, 2));
    return file;
  }

  it('builds with no placeholder left, every file XSD-valid, in the upload order Base, Localization, Extensions, relying parties', async () => {
    const ws = tempDir();
    // facebook_clientid is filled from the FacebookAppId setting (the VS Code extension's name for it).
    configIn(ws, [{ name: 'Test', tenant: TENANT, settings: { FacebookAppId: '1234567890123456' } }]);
    const r = await cli(['build', FLAVOUR, '--out', 'dist'], ws);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`XSD: ${path.relative(ws, XSD_PATH).split(path.sep).join('/')}`);
    expect(r.stdout).toContain('✔ Test: 6 policies → dist/Test/');
    const out = path.join(ws, 'dist', 'Test');
    const order = JSON.parse(readFileSync(path.join(out, 'upload-order.json'), 'utf8')) as Array<{ policyId: string; file: string; sha256: string; base: string | null }>;
    expect(order.map((o) => o.policyId)).toEqual(ORDER);
    expect(order.map((o) => o.base)).toEqual([null, 'B2C_1A_TrustFrameworkBase', 'B2C_1A_TrustFrameworkLocalization', 'B2C_1A_TrustFrameworkExtensions', 'B2C_1A_TrustFrameworkExtensions', 'B2C_1A_TrustFrameworkExtensions']);

    const xsd = await loadXsdValidator(XSD_PATH);
    try {
      for (const o of order) {
        const buf = readFileSync(path.join(out, o.file));
        expect(createHash('sha256').update(buf).digest('hex')).toBe(o.sha256);
        const text = buf.toString('utf8');
        expect(findPlaceholders(text), o.file).toEqual([]);
        const parsed = parseXmlText(text);
        if (!parsed.ok) throw new Error(`${o.file}: ${parsed.problem.message}`);
        expect(xsd.validate(text, parsed.source.doc), o.file).toEqual([]);
        // Textual: the source bytes (BOM included) with only the placeholders replaced.
        const source = readFileSync(path.join(FLAVOUR, o.file), 'utf8')
          .split('yourtenant.onmicrosoft.com').join(TENANT)
          .split('ProxyIdentityExperienceFrameworkAppId').join(IDS.ProxyIdentityExperienceFrameworkAppId)
          .split('IdentityExperienceFrameworkAppId').join(IDS.IdentityExperienceFrameworkAppId)
          .split('facebook_clientid').join('1234567890123456');
        expect(text, o.file).toBe(source);
        expect(buf[0]).toBe(0xef);
      }
    } finally {
      xsd.dispose();
    }
  });

  it('a production environment with a prefix builds and lints clean; without a Facebook app id it fails at the placeholder', async () => {
    const ws = tempDir();
    configIn(ws, [
      { name: 'Prod', tenant: TENANT, production: true, policyIdPrefix: 'CT_', settings: { facebook_clientid: '6543210987654321' } },
      { name: 'NoFacebook', tenant: TENANT },
    ]);
    const ok = await cli(['build', FLAVOUR, '--out', 'dist', '--env', 'Prod'], ws);
    expect(ok.code).toBe(0);
    const out = path.join(ws, 'dist', 'Prod');
    const order = JSON.parse(readFileSync(path.join(out, 'upload-order.json'), 'utf8')) as Array<{ policyId: string }>;
    expect(order.map((o) => o.policyId)).toEqual(ORDER.map((id) => prefixed(id, 'CT_')));
    const { result } = await lint({ paths: [out], cwd: ws, ready: true, xsd: XSD_PATH, version: 'test' });
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);

    const bad = await cli(['build', FLAVOUR, '--out', 'dist', '--env', 'NoFacebook'], ws);
    expect(bad.code).toBe(1);
    const shown = path.relative(ws, path.join(FLAVOUR, 'TrustFrameworkExtensions.xml')).split(path.sep).join('/');
    expect(bad.stdout).toContain(
      `${shown}\n  26:35  error    Environment 'NoFacebook' has no setting 'facebook_clientid' or 'FacebookAppId' to replace the starter-pack placeholder 'facebook_clientid'.  ENV-004\n`,
    );
    expect(listDir(path.join(ws, 'dist'))).toEqual(['Prod']);
  });
});
