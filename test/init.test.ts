import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { run } from '../src/cli.js';
import { configJsonSchema, docComments, SCHEMA_FILE } from '../scripts/gen-config-schema.js';
import { configSchema, loadConfig } from '../src/config/config.js';
import { lint } from '../src/lint.js';
import { keyHowTo } from '../src/init/next-steps.js';
import { FLAVOURS as MANIFEST, STARTERPACK_COMMIT, STARTERPACK_URL_ENV, XSD_FILE, XSD_SHA256, fileUrl, resolveFlavour } from '../src/init/starterpack-manifest.js';
import { GENERATED_MARKER } from '../src/totp/inject.js';
import { describeShared, FLAVOURS, STARTER, XSD_PATH } from './helpers/shared.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const temps: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'b2c-totp-init-'));
  temps.push(dir);
  return dir;
}

const cli = runCli;

/** Every file below a folder, relative, sorted: to state exactly what a run left behind. */
function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((f) => f.split(path.sep).join('/')).sort();
}

/**
 * Serves ../shared/fixtures/starterpack the way raw.githubusercontent.com serves the repository
 * at the pinned commit: GET /<percent-encoded path>. 127.0.0.1 only, an ephemeral port.
 */
interface PackServer {
  url: string;
  requests: string[];
  /** Repository path → bytes to serve instead of the real file. */
  alter: Map<string, Uint8Array>;
  close(): Promise<void>;
}

async function startPackServer(): Promise<PackServer> {
  const requests: string[] = [];
  const alter = new Map<string, Uint8Array>();
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const rel = decodeURIComponent((req.url ?? '/').split('?')[0]!).replace(/^\/+/, '');
    const file = path.resolve(STARTER, rel);
    if (req.method !== 'GET' || !file.startsWith(STARTER) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    const body = alter.get(rel) ?? readFileSync(file);
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    alter,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describeShared('starter-pack manifest', () => {
  it('pins the commit ../shared holds, and every hash is the sha256 of that file', () => {
    expect(readFileSync(path.join(STARTER, '..', '..', 'README.md'), 'utf8')).toContain(STARTERPACK_COMMIT);
    expect(sha256(readFileSync(XSD_PATH))).toBe(XSD_SHA256);
    for (const [flavour, files] of Object.entries(MANIFEST)) {
      const onDisk = readdirSync(path.join(STARTER, flavour)).filter((f) => f.endsWith('.xml')).sort();
      expect(Object.keys(files).sort(), flavour).toEqual(onDisk);
      for (const [name, hash] of Object.entries(files)) expect(sha256(readFileSync(path.join(STARTER, flavour, name))), `${flavour}/${name}`).toBe(hash);
    }
  });

  it('covers every flavour the tests know, Display Controls ones included', () => {
    expect(Object.keys(MANIFEST).sort()).toEqual([...FLAVOURS].sort());
  });

  it('resolves --pack names loosely and builds percent-encoded URLs', () => {
    expect(resolveFlavour('socialandlocalaccounts')).toBe('SocialAndLocalAccounts');
    expect(resolveFlavour('Display Controls Starterpack/LocalAccounts')).toBe('Display Controls Starterpack/LocalAccounts');
    expect(resolveFlavour('DisplayControls/SocialAndLocalAccountsWithMfa')).toBe('Display Controls Starterpack/SocialAndLocalAccountsWithMfa');
    expect(resolveFlavour('display-controls/localaccounts/')).toBe('Display Controls Starterpack/LocalAccounts');
    expect(resolveFlavour('Local')).toBeUndefined();
    expect(fileUrl('https://example.test/base/', 'Display Controls Starterpack/LocalAccounts/TrustFrameworkBase.xml')).toBe(
      'https://example.test/base/Display%20Controls%20Starterpack/LocalAccounts/TrustFrameworkBase.xml',
    );
  });
});

describeShared('b2c-totp init: download', () => {
  let server: PackServer;
  beforeAll(async () => {
    server = await startPackServer();
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => {
    server.alter.clear();
    server.requests.length = 0;
  });

  it('downloads the flavour and the XSD, verifies them, adds TOTP and writes the config', async () => {
    const cwd = tempDir();
    const r = await cli(['init', 'my-policies', '--tenant', 'contoso.onmicrosoft.com', '--pack', 'SocialAndLocalAccounts', '--issuer', 'Contoso'], cwd, { [STARTERPACK_URL_ENV]: server.url });
    expect(r.stderr).toBe(
      `Downloading the SocialAndLocalAccounts starter pack (7 files) from ${server.url}\nDownloaded 7 files, ${Math.round(sumSizes('SocialAndLocalAccounts') / 1024)} kB, sha256 verified.\n`,
    );
    expect(r.code).toBe(0);
    expect(tree(cwd)).toEqual([
      'b2c-totp.config.json',
      'my-policies',
      'my-policies/PasswordReset.xml',
      'my-policies/PasswordReset_TOTP.xml',
      'my-policies/ProfileEdit.xml',
      'my-policies/ProfileEdit_TOTP.xml',
      'my-policies/SignUpOrSignin.xml',
      'my-policies/SignUpOrSignin_TOTP.xml',
      'my-policies/TrustFrameworkBase.xml',
      'my-policies/TrustFrameworkExtensions.xml',
      'my-policies/TrustFrameworkExtensions_TOTP.xml',
      'my-policies/TrustFrameworkLocalization.xml',
      `my-policies/${XSD_FILE}`,
    ]);
    // The pack's own files are byte for byte what the pinned commit holds.
    for (const name of [...Object.keys(MANIFEST.SocialAndLocalAccounts!)]) {
      expect(readFileSync(path.join(cwd, 'my-policies', name)).equals(readFileSync(path.join(STARTER, 'SocialAndLocalAccounts', name))), name).toBe(true);
    }
    expect(readFileSync(path.join(cwd, 'my-policies', XSD_FILE)).equals(readFileSync(XSD_PATH))).toBe(true);
    const layer = readFileSync(path.join(cwd, 'my-policies', 'TrustFrameworkExtensions_TOTP.xml'), 'utf8');
    expect(layer).toContain(GENERATED_MARKER);
    expect(layer).toContain('Contoso');
    // The source keeps the tenant placeholder; build puts the tenant in per environment.
    expect(layer).toContain('TenantId="yourtenant.onmicrosoft.com"');

    const { config } = loadConfig(cwd);
    expect(config).toEqual({
      $schema: './node_modules/b2c-totp/schema/b2c-totp.config.schema.json',
      policies: 'my-policies',
      xsd: `my-policies/${XSD_FILE}`,
      tenant: 'contoso.onmicrosoft.com',
      issuer: 'Contoso',
      environments: [
        { name: 'Development', tenant: 'contoso.onmicrosoft.com', settings: { IdentityExperienceFrameworkAppId: '', ProxyIdentityExperienceFrameworkAppId: '', FacebookAppId: '' } },
      ],
      ignore: ['dist/'],
    });
    expect(server.requests.sort()).toEqual([...Object.keys(MANIFEST.SocialAndLocalAccounts!).map((f) => `/SocialAndLocalAccounts/${f}`), `/${XSD_FILE}`].sort());
  });

  it('on a terminal, updates one progress line in place', async () => {
    const cwd = tempDir();
    let stderr = '';
    const code = await run(['init', 'p', '--tenant', 'contoso'], {
      cwd,
      env: { NO_COLOR: '1', [STARTERPACK_URL_ENV]: server.url },
      stdout: { write: () => true, isTTY: false },
      stderr: { write: (s: string) => (stderr += s), isTTY: true } as { write(s: string): unknown },
    });
    expect(code).toBe(0);
    const steps = stderr.split('\r\x1b[2K');
    expect(steps[0]).toBe(`Downloading the LocalAccounts starter pack (7 files) from ${server.url}`);
    expect(steps.slice(1).map((s) => s.replace(/, \d+ kB/, ''))).toEqual([
      'Downloading: 1/7 files',
      'Downloading: 2/7 files',
      'Downloading: 3/7 files',
      'Downloading: 4/7 files',
      'Downloading: 5/7 files',
      'Downloading: 6/7 files',
      'Downloading: 7/7 files, sha256 verified\n',
    ]);
  });

  it('percent-encodes the Display Controls folder in the URL', async () => {
    const cwd = tempDir();
    const r = await cli(['init', 'p', '--tenant', 'contoso', '--pack', 'DisplayControls/LocalAccounts'], cwd, { [STARTERPACK_URL_ENV]: `${server.url}/` });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toContain('/Display%20Controls%20Starterpack/LocalAccounts/TrustFrameworkBase.xml');
    expect(readFileSync(path.join(cwd, 'p', 'TrustFrameworkBase.xml')).equals(readFileSync(path.join(STARTER, 'Display Controls Starterpack/LocalAccounts/TrustFrameworkBase.xml')))).toBe(true);
    expect(r.stdout).toContain('p: the Display Controls Starterpack/LocalAccounts starter pack');
  });

  it('refuses altered bytes: exit 1, a clear message, and nothing written', async () => {
    const cwd = tempDir();
    const real = readFileSync(path.join(STARTER, 'LocalAccounts', 'TrustFrameworkBase.xml'));
    server.alter.set('LocalAccounts/TrustFrameworkBase.xml', Buffer.concat([real, Buffer.from('<!-- injected -->')]));
    const r = await cli(['init', 'my-policies', '--tenant', 'contoso.onmicrosoft.com', '--pack', 'LocalAccounts'], cwd, { [STARTERPACK_URL_ENV]: server.url });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(
        `^Downloading the LocalAccounts starter pack \\(7 files\\) from \\S+\\nb2c-totp: sha256 mismatch for LocalAccounts/TrustFrameworkBase\\.xml downloaded from ${esc(server.url)}/LocalAccounts/TrustFrameworkBase\\.xml: ` +
          `expected ${MANIFEST.LocalAccounts!['TrustFrameworkBase.xml']}, got [0-9a-f]{64}; nothing was written\\. .*use --from <folder> with a local clone`,
      ),
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
    expect(tree(cwd)).toEqual([]);
  });

  it('says so when the host is unreachable: exit 1, one line naming the cause and --from, nothing written', async () => {
    const cwd = tempDir();
    const port = await closedPort();
    const r = await cli(['init', 'my-policies', '--tenant', 'contoso.onmicrosoft.com'], cwd, { [STARTERPACK_URL_ENV]: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[1]).toMatch(
      new RegExp(`^b2c-totp: could not download http://127\\.0\\.0\\.1:${port}/\\S+ \\(ECONNREFUSED 127\\.0\\.0\\.1:${port}\\); use --from <folder> with a local clone of https://github\\.com/Azure-Samples/active-directory-b2c-custom-policy-starterpack`),
    );
    expect(lines).toHaveLength(2);
    expect(tree(cwd)).toEqual([]);
  });

  it('reports an HTTP error status the same way', async () => {
    const cwd = tempDir();
    const r = await cli(['init', 'my-policies', '--tenant', 'contoso.onmicrosoft.com'], cwd, { [STARTERPACK_URL_ENV]: `${server.url}/no-such-commit` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/b2c-totp: could not download \S+ \(HTTP 404 Not Found\); use --from <folder>/);
    expect(tree(cwd)).toEqual([]);
  });
});

describeShared('b2c-totp init --from', () => {
  it.each(FLAVOURS)('%s: init, then lint finds 0 errors (XSD included)', async (flavour) => {
    const cwd = tempDir();
    // A closed port as download URL: --from must not touch the network.
    const env = { [STARTERPACK_URL_ENV]: 'http://127.0.0.1:9' };
    const r = await cli(['init', 'policies', '--from', STARTER, '--pack', flavour, '--tenant', 'contoso.onmicrosoft.com'], cwd, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(existsSync(path.join(cwd, 'policies', 'TrustFrameworkExtensions_TOTP.xml'))).toBe(true);
    expect(existsSync(path.join(cwd, 'policies', 'SignUpOrSignin_TOTP.xml'))).toBe(true);
    const lint = await cli(['lint', 'policies', '--format', 'json'], cwd, env);
    const result = JSON.parse(lint.stdout) as { diagnostics: Array<{ severity: string; file: string; line: number; ruleId: string; message: string }>; summary: { errors: number } };
    const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line} ${d.ruleId} ${d.message}`);
    expect(errors).toEqual([]);
    expect(lint.code).toBe(0);
  });

  it('build fails until the app ids init left empty are filled in; then lint of the config folder does not read dist/ back in', async () => {
    const cwd = tempDir();
    expect((await cli(['init', 'policies', '--from', STARTER, '--tenant', 'contoso'], cwd)).code).toBe(0);
    const configFile = path.join(cwd, 'b2c-totp.config.json');
    const written = JSON.parse(readFileSync(configFile, 'utf8')) as { ignore: string[]; environments: Array<{ settings: Record<string, string> }> };
    expect(written.ignore).toEqual(['dist/']);
    expect(written.environments[0]!.settings).toEqual({ IdentityExperienceFrameworkAppId: '', ProxyIdentityExperienceFrameworkAppId: '' });

    // As init wrote it: the empty values are not set, and nothing is written.
    const empty = await cli(['build'], cwd);
    expect(empty.code).toBe(1);
    for (const s of ['IdentityExperienceFrameworkAppId', 'ProxyIdentityExperienceFrameworkAppId']) {
      expect(empty.stdout).toContain(`Environment 'Development' has no value for setting '${s}' to replace the starter-pack placeholder '${s}' (it is empty).  ENV-004`);
    }
    expect(empty.stdout).not.toContain('ENV-001');
    expect(existsSync(path.join(cwd, 'dist'))).toBe(false);

    written.environments[0]!.settings = { IdentityExperienceFrameworkAppId: '0b7f3a1e-9c2d-4e5f-8a6b-7c8d9e0f1a21', ProxyIdentityExperienceFrameworkAppId: '0b7f3a1e-9c2d-4e5f-8a6b-7c8d9e0f1a22' };
    writeFileSync(configFile, JSON.stringify(written, null, 2));
    const built = await cli(['build'], cwd);
    expect(built.code, built.stdout).toBe(0);
    expect(existsSync(path.join(cwd, 'dist', 'Development', 'upload-order.json'))).toBe(true);

    const lintErrors = async () => {
      const { result } = await lint({ paths: ['.'], cwd, version: 'test' });
      return { files: result.files, errors: result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line} ${d.ruleId} ${d.message}`) };
    };
    expect((await cli(['lint', '.'], cwd)).code).toBe(0);
    const clean = await lintErrors();
    expect(clean.errors).toEqual([]);
    expect(clean.files.some((f) => f.startsWith('dist/'))).toBe(false);
    // Named on the command line, the build output is read all the same: the ignore is for folder scans.
    const { result: output } = await lint({ paths: ['dist/Development'], cwd, ready: true, version: 'test' });
    expect(output.files.length).toBeGreaterThan(0);
    expect(output.files.every((f) => f.startsWith('dist/Development/'))).toBe(true);
    expect(output.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);

    // Without the ignore, the build output is read too, as a policy set of its own: every PolicyId is
    // there twice, once per set, which is no error.
    writeFileSync(configFile, JSON.stringify({ ...written, ignore: undefined }, null, 2));
    const dirty = await lintErrors();
    expect(dirty.files.some((f) => f.startsWith('dist/Development/'))).toBe(true);
    expect(dirty.errors).toEqual([]);
    const { sets } = await lint({ paths: ['.'], cwd, version: 'test' });
    expect(sets.map((g) => [g.name, g.own.length])).toEqual([
      ['dist/Development', 10],
      ['policies', 10],
    ]);
  });

  it('prints the next steps: policy keys and how to create them, the IEF apps for the config, and the upload order', async () => {
    const cwd = tempDir();
    const r = await cli(['init', 'policies', '--from', STARTER, '--pack', 'SocialAndLocalAccounts', '--tenant', 'contoso.onmicrosoft.com', '--env', 'Development,Production'], cwd);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/B2C_1A_TokenSigningKeyContainer +Options: Generate, Key type: RSA, Key usage: Signature/);
    expect(out).toMatch(/B2C_1A_TokenEncryptionKeyContainer +Options: Generate, Key type: RSA, Key usage: Encryption/);
    expect(out).toMatch(/B2C_1A_FacebookSecret +Options: Manual/);
    // Signing first, then encryption, then the rest.
    expect(out.indexOf('B2C_1A_TokenSigningKeyContainer ')).toBeLessThan(out.indexOf('B2C_1A_TokenEncryptionKeyContainer '));
    expect(out.indexOf('B2C_1A_TokenEncryptionKeyContainer ')).toBeLessThan(out.indexOf('B2C_1A_FacebookSecret '));
    expect(out).toContain('IdentityExperienceFramework ');
    expect(out).toContain('ProxyIdentityExperienceFramework ');
    expect(out).toContain('"IdentityExperienceFrameworkAppId": "<IdentityExperienceFramework app id>"');
    expect(out).toContain('in "settings" of Development, Production');
    expect(out).toContain('"FacebookAppId"');
    expect(out).toContain('npx b2c-totp build');
    expect(out).toContain('1. Create the policy keys the policies reference, in every tenant you deploy to:  npx b2c-totp keys --env <environment>');
    expect(out).toContain('Upload them:  npx b2c-totp deploy --env <environment>   (only what changed, in order; --dry-run shows the plan first)');
    const order = [
      'B2C_1A_TrustFrameworkBase',
      'B2C_1A_TrustFrameworkLocalization',
      'B2C_1A_TrustFrameworkExtensions',
      'B2C_1A_TrustFrameworkExtensions_TOTP',
      'B2C_1A_PasswordReset_TOTP',
      'B2C_1A_ProfileEdit_TOTP',
      'B2C_1A_signup_signin_TOTP',
    ];
    expect(out).toContain(order.map((id, i) => `   ${String(i + 1).padStart(4)}. ${id}`).join('\n'));
    const config = loadConfig(cwd).config;
    expect(config.environments?.map((e) => [e.name, e.production])).toEqual([
      ['Development', undefined],
      ['Production', true],
    ]);
  });

  it('asks for no IEF app ids when the pack has no local accounts', async () => {
    const cwd = tempDir();
    const r = await cli(['init', 'policies', '--from', STARTER, '--pack', 'SocialAccounts', '--tenant', 'contoso'], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('ProxyIdentityExperienceFramework');
    // Only the Facebook app id is left to fill in.
    expect(loadConfig(cwd).config.environments).toEqual([{ name: 'Development', tenant: 'contoso.onmicrosoft.com', settings: { FacebookAppId: '' } }]);
  });

  it('warns, and goes on, when the clone differs from the pinned commit', async () => {
    const cwd = tempDir();
    const clone = path.join(tempDir(), 'clone');
    cpSync(path.join(STARTER, 'LocalAccounts'), path.join(clone, 'LocalAccounts'), { recursive: true });
    const ext = path.join(clone, 'LocalAccounts', 'TrustFrameworkExtensions.xml');
    writeFileSync(ext, readFileSync(ext, 'utf8').replace('</TrustFrameworkPolicy>', '<!-- newer -->\n</TrustFrameworkPolicy>'));
    const r = await cli(['init', 'policies', '--from', clone, '--tenant', 'contoso'], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `b2c-totp: warning: --from ${clone}: 1 file of LocalAccounts differ from the pinned commit ${STARTERPACK_COMMIT.slice(0, 7)} (TrustFrameworkExtensions.xml); using them as they are. TOTP injection is tested against the pinned commit.`,
      `b2c-totp: warning: --from ${clone}: no ${XSD_FILE} in it; lint will check the policies without XSD validation.`,
    ]);
    expect(readFileSync(path.join(cwd, 'policies', 'TrustFrameworkExtensions.xml'), 'utf8')).toContain('<!-- newer -->');
    expect(loadConfig(cwd).config.xsd).toBeUndefined();
  });

  it('is a usage error (exit 2) when --from has no such flavour folder', async () => {
    const cwd = tempDir();
    const r = await cli(['init', 'policies', '--from', cwd, '--tenant', 'contoso'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^b2c-totp: --from .*: no folder 'LocalAccounts' in it; give the root of a clone/);
    expect(tree(cwd)).toEqual([]);
  });
});

describeShared('b2c-totp init: a folder that already holds a policy set', () => {
  function withSet(flavour = 'SocialAndLocalAccounts'): { cwd: string; dir: string; before: Map<string, Buffer> } {
    const cwd = tempDir();
    const dir = path.join(cwd, 'policies');
    cpSync(path.join(STARTER, flavour), dir, { recursive: true });
    const before = new Map(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f))]));
    return { cwd, dir, before };
  }
  const offline = { [STARTERPACK_URL_ENV]: 'http://127.0.0.1:9' };

  it('adds the TOTP layer and the config, and changes no existing file', async () => {
    const { cwd, dir, before } = withSet();
    const r = await cli(['init', 'policies', '--tenant', 'contoso.onmicrosoft.com', '--issuer', 'Contoso'], cwd, offline);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    for (const [f, bytes] of before) expect(readFileSync(path.join(dir, f)).equals(bytes), f).toBe(true);
    expect(tree(dir).filter((f) => !before.has(f))).toEqual(['PasswordReset_TOTP.xml', 'ProfileEdit_TOTP.xml', 'SignUpOrSignin_TOTP.xml', 'TrustFrameworkExtensions_TOTP.xml']);
    expect(r.stdout).toContain('policies: authenticator-app MFA (TOTP) added as a layer; no existing policy file was changed.');
    const config = loadConfig(cwd).config;
    expect(config.policies).toBe('policies');
    expect(config.xsd).toBeUndefined();
    expect(config.issuer).toBe('Contoso');
  });

  it('ignores --pack there, with a warning, and downloads nothing', async () => {
    const { cwd } = withSet('LocalAccounts');
    const r = await cli(['init', 'policies', '--tenant', 'contoso', '--pack', 'SocialAccounts'], cwd, offline);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('b2c-totp: warning: policies already holds a policy set: --pack ignored; TOTP is added to the files there.\n');
  });

  it('takes the tenant from the files when they name a real one', async () => {
    const { cwd, dir } = withSet('LocalAccounts');
    for (const f of readdirSync(dir)) writeFileSync(path.join(dir, f), readFileSync(path.join(dir, f), 'utf8').replaceAll('yourtenant.onmicrosoft.com', 'fabrikam.onmicrosoft.com'));
    const r = await cli(['init', 'policies'], cwd, offline);
    expect(r.code, r.stderr).toBe(0);
    expect(loadConfig(cwd).config.tenant).toBe('fabrikam.onmicrosoft.com');
    expect(r.stdout).not.toContain('yourtenant');
  });

  it('refuses to overwrite an existing b2c-totp.config.json without --force, and writes nothing', async () => {
    const { cwd, dir, before } = withSet();
    const mine = '{ "rules": { "REF-001": "warning" } }\n';
    writeFileSync(path.join(cwd, 'b2c-totp.config.json'), mine);
    const r = await cli(['init', 'policies', '--tenant', 'contoso'], cwd, offline);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("b2c-totp: b2c-totp.config.json already exists; nothing was written. Use --force to update it, or 'b2c-totp inject --write' to only add TOTP.\n");
    expect(readFileSync(path.join(cwd, 'b2c-totp.config.json'), 'utf8')).toBe(mine);
    expect(tree(dir)).toEqual([...before.keys()].sort());
  });

  it('with --force updates the config: keeps the other keys and existing environments, adds the new ones', async () => {
    const { cwd } = withSet();
    const mine = { rules: { 'REF-001': 'warning' }, environments: [{ name: 'Development', tenant: 'dev.onmicrosoft.com', settings: { IdentityExperienceFrameworkAppId: 'abc' } }] };
    writeFileSync(path.join(cwd, 'b2c-totp.config.json'), JSON.stringify(mine));
    const r = await cli(['init', 'policies', '--tenant', 'contoso', '--env', 'Development,Production', '--force'], cwd, offline);
    expect(r.code, r.stderr).toBe(0);
    const config = loadConfig(cwd).config;
    expect(config.rules).toEqual({ 'REF-001': 'warning' });
    expect(config.tenant).toBe('contoso.onmicrosoft.com');
    expect(config.environments).toEqual([
      mine.environments[0],
      { name: 'Production', tenant: 'contoso.onmicrosoft.com', production: true, settings: { IdentityExperienceFrameworkAppId: '', ProxyIdentityExperienceFrameworkAppId: '', FacebookAppId: '' } },
    ]);
    expect(config.ignore).toEqual(['dist/']);
  });

  it('a second run (with --force for the config) changes no policy file: TOTP is already there', async () => {
    const { cwd, dir } = withSet('LocalAccounts');
    expect((await cli(['init', 'policies', '--tenant', 'contoso'], cwd, offline)).code).toBe(0);
    const after = new Map(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f))]));
    const r = await cli(['init', 'policies', '--force'], cwd, offline);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('policies: TOTP is already present; no policy file was changed.');
    for (const [f, bytes] of after) expect(readFileSync(path.join(dir, f)).equals(bytes), f).toBe(true);
    // Upload order falls back to the whole set, parents first.
    expect(r.stdout).toMatch(/1\. B2C_1A_TrustFrameworkBase\n +2\. B2C_1A_TrustFrameworkLocalization\n +3\. B2C_1A_TrustFrameworkExtensions\n/);
  });

  it('adds TOTP where it can and warns about each relying party it skips; refuses when it can protect none', async () => {
    const { cwd, dir } = withSet('LocalAccounts');
    writeFileSync(path.join(dir, 'Legacy.xml'), readFileSync(path.join(dir, 'ProfileEdit.xml'), 'utf8').replace('PolicyId="B2C_1A_ProfileEdit"', 'PolicyId="B2C_1A_Legacy"').replace('<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>', '<PolicyId>B2C_1A_OldExtensions</PolicyId>'));
    const r = await cli(['init', 'policies', '--tenant', 'contoso', '--issuer', 'Contoso'], cwd, offline);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      'b2c-totp: warning: TOTP not added to policies/Legacy.xml: policies/Legacy.xml:2:1: the BasePolicy chain of B2C_1A_Legacy is not complete: base policy B2C_1A_OldExtensions is not in the set; add its file to the input.\n',
    );
    expect(existsSync(path.join(dir, 'ProfileEdit_TOTP.xml'))).toBe(true);
    expect(existsSync(path.join(dir, 'Legacy_TOTP.xml'))).toBe(false);

    const none = withSet('LocalAccounts');
    rmSync(path.join(none.dir, 'TrustFrameworkExtensions.xml'));
    const refused = await cli(['init', 'policies', '--tenant', 'contoso', '--issuer', 'Contoso'], none.cwd, offline);
    expect(refused.code).toBe(1);
    expect(refused.stderr.split('\n')[0]).toBe('b2c-totp: TOTP cannot be added; nothing was written:');
    expect(refused.stderr).toContain('  policies/SignUpOrSignin.xml: policies/SignUpOrSignin.xml:');
    expect(existsSync(path.join(none.cwd, 'b2c-totp.config.json'))).toBe(false);
  });

  it('refuses a file of its own name that it did not write, and writes nothing', async () => {
    const { cwd, dir } = withSet('LocalAccounts');
    writeFileSync(path.join(dir, 'SignUpOrSignin_TOTP.xml'), '<notes>mine</notes>\n');
    const r = await cli(['init', 'policies', '--tenant', 'contoso'], cwd, offline);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('b2c-totp: policies/SignUpOrSignin_TOTP.xml already exists; nothing was written. Use --force to overwrite.\n');
    expect(existsSync(path.join(cwd, 'b2c-totp.config.json'))).toBe(false);
    expect(existsSync(path.join(dir, 'TrustFrameworkExtensions_TOTP.xml'))).toBe(false);
  });
});

describeShared('b2c-totp init: new folders and options', () => {
  it('scaffolds into an existing folder without policies, and refuses to overwrite what is there', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'p'));
    writeFileSync(path.join(cwd, 'p', 'README.md'), 'mine\n');
    writeFileSync(path.join(cwd, 'p', XSD_FILE), 'old\n');
    const refused = await cli(['init', 'p', '--from', STARTER, '--tenant', 'contoso'], cwd);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`b2c-totp: p already has ${XSD_FILE}; nothing was written. Use --force to overwrite.\n`);
    expect(tree(cwd)).toEqual(['p', 'p/README.md', `p/${XSD_FILE}`]);
    const forced = await cli(['init', 'p', '--from', STARTER, '--tenant', 'contoso', '--force', '--yes'], cwd);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(path.join(cwd, 'p', 'README.md'), 'utf8')).toBe('mine\n');
    expect(readFileSync(path.join(cwd, 'p', XSD_FILE)).equals(readFileSync(XSD_PATH))).toBe(true);
    expect(forced.stdout).toContain(`replaced (--force) p/${XSD_FILE}`);
  });

  it('initialises the working folder itself: no "policies" in the config', async () => {
    const cwd = tempDir();
    const r = await cli(['init', '--from', STARTER, '--tenant', 'contoso'], cwd);
    expect(r.code, r.stderr).toBe(0);
    const config = loadConfig(cwd).config;
    expect(config.policies).toBeUndefined();
    expect(config.xsd).toBe(XSD_FILE);
    expect(existsSync(path.join(cwd, 'TrustFrameworkExtensions_TOTP.xml'))).toBe(true);
    expect(r.stdout).toMatch(/^✔ \.: the LocalAccounts starter pack \(copied from --from\)/);
  });

  it('points $schema into the nearest node_modules/b2c-totp', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'node_modules', 'b2c-totp'), { recursive: true });
    writeFileSync(path.join(root, 'node_modules', 'b2c-totp', 'package.json'), '{}');
    const cwd = path.join(root, 'identity');
    mkdirSync(cwd);
    const r = await cli(['init', 'policies', '--from', STARTER, '--tenant', 'contoso'], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(loadConfig(cwd).config.$schema).toBe('../node_modules/b2c-totp/schema/b2c-totp.config.schema.json');
  });

  it.each([
    [['init', 'p', '--from', 'x'], /^b2c-totp: --tenant is required to start a new policy set/],
    [['init', 'p', '--tenant', 'contoso', '--pack', 'Local'], /^b2c-totp: --pack Local: unknown starter pack; use one of 'LocalAccounts', /],
    [['init', 'p', '--tenant', 'not a tenant!'], /^b2c-totp: --tenant not a tenant!: not a tenant name/],
    [['init', 'p', '--tenant', 'yourtenant.onmicrosoft.com'], /starter pack's placeholder/],
    [['init', 'p', '--tenant', 'contoso', '--env', 'Dev/Test'], /^b2c-totp: --env Dev\/Test: environment names use/],
    [['init', 'p', '--tenant', 'contoso', '--env', 'Dev,..'], /^b2c-totp: --env \.\.: environment names use letters, digits, "\.", "_" and "-" only, and start with a letter or digit\./],
    [['init', 'p', '--tenant', 'contoso', '--env', 'Dev,dev'], /^b2c-totp: --env dev: named twice/],
  ])('usage error (exit 2): %j', async (args, message) => {
    const cwd = tempDir();
    const r = await cli(args, cwd, { [STARTERPACK_URL_ENV]: 'http://127.0.0.1:9' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(tree(cwd)).toEqual([]);
  });

  it('describes how to create keys it does not know', () => {
    expect(keyHowTo('B2C_1A_RestApiPassword')).toContain('Manual');
    expect(keyHowTo('B2C_1A_SomethingElse')).toContain('technical profile');
  });
});

describe('config JSON Schema (schema/b2c-totp.config.schema.json)', () => {
  const committed = () => readFileSync(path.join(ROOT, SCHEMA_FILE), 'utf8');
  // ajv is CommonJS whose module.exports also carries `.default`; NodeNext types only see the latter.
  const Ajv = AjvModule.default;
  const validate = () => new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(committed()) as object);

  it('is current with the zod schema (npm run schema regenerates it)', () => {
    expect(committed()).toBe(configJsonSchema());
  });

  it('gen-config-schema --check agrees', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-config-schema.ts', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout).toBe(`${SCHEMA_FILE} is current.\n`);
    expect(r.status).toBe(0);
  });

  it('carries the doc comments of config.ts as descriptions', () => {
    const schema = JSON.parse(committed()) as { properties: Record<string, { description?: string; items?: { properties: Record<string, { description?: string }> } }> };
    const docs = docComments(readFileSync(path.join(ROOT, 'src/config/config.ts'), 'utf8'));
    const fields = [...docs.get('configSchema')!].filter(([field]) => field !== '');
    expect(fields.length).toBeGreaterThan(5);
    for (const [field, text] of fields) expect(schema.properties[field]?.description, field).toBe(text);
    for (const [field, text] of docs.get('environmentSchema')!) {
      if (field) expect(schema.properties.environments!.items!.properties[field]?.description, field).toBe(text);
    }
    expect(schema.properties.environments!.items!.properties.tenant!.description).toContain('contoso.onmicrosoft.com');
  });

  it('accepts what init writes and a full sample, and so does the zod schema', () => {
    const check = validate();
    const samples = [
      {
        $schema: './node_modules/b2c-totp/schema/b2c-totp.config.schema.json',
        policies: 'policies',
        xsd: 'policies/TrustFrameworkPolicy_0.3.0.0.xsd',
        tenant: 'contoso.onmicrosoft.com',
        issuer: 'Contoso',
        environments: [
          { name: 'Development', tenant: 'contosodev.onmicrosoft.com', policyIdPrefix: 'DEV_', settings: { IdentityExperienceFrameworkAppId: '', ProxyIdentityExperienceFrameworkAppId: '' } },
          { name: 'Production', tenant: 'contoso.onmicrosoft.com', production: true },
        ],
        settings: { FacebookClientId: '123' },
        rules: { 'REF-001': 'warning', 'unknown-claim-type': 'off' },
        ignore: ['dist/**'],
        deployedPolicies: ['B2C_1A_TrustFrameworkBase'],
      },
      {},
    ];
    for (const s of samples) {
      expect(check(s), JSON.stringify(check.errors)).toBe(true);
      expect(configSchema.safeParse(s).success).toBe(true);
    }
  });

  it.each([
    ['an unknown key', { tenantt: 'contoso.onmicrosoft.com' }, 'additionalProperties'],
    ['a bad tenant', { environments: [{ name: 'Dev', tenant: 'contoso onmicrosoft' }] }, 'pattern'],
    ['an environment without a tenant', { environments: [{ name: 'Dev' }] }, 'required'],
    ['a bad environment name', { environments: [{ name: 'Dev/1', tenant: 'contoso.onmicrosoft.com' }] }, 'pattern'],
    ['"." as environment name (dist/.)', { environments: [{ name: '.', tenant: 'contoso.onmicrosoft.com' }] }, 'pattern'],
    ['".." as environment name (dist/..)', { environments: [{ name: '..', tenant: 'contoso.onmicrosoft.com' }] }, 'pattern'],
    ['an environment name not starting with a letter or digit', { environments: [{ name: '_dev', tenant: 'contoso.onmicrosoft.com' }] }, 'pattern'],
    ['a bad severity', { rules: { 'REF-001': 'fatal' } }, 'enum'],
    ['a non-string setting', { settings: { A: 1 } }, 'type'],
    ['an empty issuer', { issuer: '' }, 'minLength'],
  ])('rejects %s, as the zod schema does', (_what, sample, keyword) => {
    const check = validate();
    expect(check(sample)).toBe(false);
    expect(check.errors?.map((e) => e.keyword)).toContain(keyword);
    expect(configSchema.safeParse(sample).success).toBe(false);
  });
});

function sumSizes(flavour: string): number {
  let n = readFileSync(XSD_PATH).length;
  for (const f of Object.keys(MANIFEST[flavour]!)) n += readFileSync(path.join(STARTER, flavour, f)).length;
  return n;
}

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
