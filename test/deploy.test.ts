import { PassThrough } from 'node:stream';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorsOf, locateServiceError } from '../src/deploy/service-errors.js';
import { comparable } from '../src/deploy/compare.js';
import { tokenSource } from '../src/graph/auth.js';
import { GraphClient, GraphError, resolveGraphUrl, retryAfter } from '../src/graph/client.js';
import { policyFromBytes } from '../src/policy/load.js';
import type { Policy } from '../src/policy/policy.js';
import type { Io } from '../src/commands/io.js';
import { runCli } from './helpers/cli.js';
import { type FakeGraph, startFakeGraph } from './helpers/fake-graph.js';

const SET = fileURLToPath(new URL('./fixtures/build/set/', import.meta.url));
const CONFIG = fileURLToPath(new URL('./fixtures/build/b2c-totp.config.json', import.meta.url));
const FILES = ['B2C_1A_signup_signin.xml', 'TrustFrameworkBase.xml', 'TrustFrameworkExtensions.xml'];
const TENANT = 'contosodev.onmicrosoft.com';
const BASE = 'B2C_1A_TrustFrameworkBase';
const EXT = 'B2C_1A_TrustFrameworkExtensions';
const RP = 'B2C_1A_signup_signin';
const KEYS = ['B2C_1A_TokenSigningKeyContainer', 'B2C_1A_TokenEncryptionKeyContainer', 'B2C_1A_AppSecret'];
const APP_SECRET = 'app-secret-value-9f8e7d6c';
const CLIENT_SECRET = 'azure-client-secret-3b2a1f0e';

let fake: FakeGraph;
let dir: string;
let sleeps: number[];

beforeEach(async () => {
  fake = await startFakeGraph({ tenant: TENANT });
  dir = workspace();
  sleeps = [];
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The build fixture (a Base with a BOM, an Extensions file with {Settings:Tenant}, a relying party named by
 * {Settings:PolicyFilename}) in a temp folder, with policy keys: a signing and an encryption key on the JWT
 * issuer, a client secret on login-NonInteractive.
 */
function workspace(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'b2c-totp-deploy-'));
  for (const f of FILES) cpSync(path.join(SET, f), path.join(d, f));
  edit(d, 'TrustFrameworkBase.xml', (t) =>
    t.replace(
      '<OutputTokenFormat>JWT</OutputTokenFormat>',
      '<OutputTokenFormat>JWT</OutputTokenFormat>\n          <CryptographicKeys>\n            <Key Id="issuer_secret" StorageReferenceId="B2C_1A_TokenSigningKeyContainer" />\n            <Key Id="issuer_refresh_token_key" StorageReferenceId="B2C_1A_TokenEncryptionKeyContainer" />\n          </CryptographicKeys>',
    ),
  );
  edit(d, 'TrustFrameworkExtensions.xml', (t) =>
    t.replace('          </Metadata>\n          <InputClaims>', '          </Metadata>\n          <CryptographicKeys>\n            <Key Id="client_secret" StorageReferenceId="B2C_1A_AppSecret" />\n          </CryptographicKeys>\n          <InputClaims>'),
  );
  writeFileSync(path.join(d, 'b2c-totp.config.json'), readFileSync(CONFIG));
  return d;
}

function edit(d: string, file: string, change: (t: string) => string): void {
  const p = path.join(d, file);
  const before = readFileSync(p, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  writeFileSync(p, after);
}

/** The tenant has every key the set references. */
function seedKeys(): void {
  for (const id of KEYS) fake.keySets.set(id.toLowerCase(), { id, keys: [{ kid: 'k1', use: 'sig', kty: 'RSA' }] });
}

/**
 * Runs the CLI against the fake with a bearer token, and with secrets in the environment as CI would have them
 * (the token wins the sign-in). Whatever happened, no secret reached the output.
 */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}, extra: Partial<Io> = {}) {
  const all = { B2C_TOTP_ACCESS_TOKEN: fake.token, B2C_TOTP_GRAPH_URL: fake.url, AZURE_CLIENT_ID: '0b1c2d3e-0000-4000-8000-000000000001', AZURE_TENANT_ID: TENANT, AZURE_CLIENT_SECRET: CLIENT_SECRET, ...env };
  const r = await runCli(args, dir, all, { sleep: async (ms) => void sleeps.push(ms), ...extra });
  for (const secret of [fake.token, APP_SECRET, CLIENT_SECRET, env.B2C_TOTP_ACCESS_TOKEN].filter(Boolean) as string[]) {
    expect(r.stdout).not.toContain(secret);
    expect(r.stderr).not.toContain(secret);
  }
  return r;
}

const puts = () => fake.made('PUT').map((r) => r.path.replace(/^\/beta\/trustFramework\/policies\/|\/\$value$/g, ''));

/** 1-based line:column of the first `needle` in a workspace file (a BOM is not a column). */
function pos(file: string, needle: string): string {
  const text = readFileSync(path.join(dir, file), 'utf8').replace(/^\uFEFF/, '');
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  const before = text.slice(0, i).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

/** The built files of an environment, by PolicyId. */
function built(out: string): Map<string, Buffer> {
  const order = JSON.parse(readFileSync(path.join(out, 'upload-order.json'), 'utf8')) as Array<{ policyId: string; file: string }>;
  return new Map(order.map((e) => [e.policyId, readFileSync(path.join(out, e.file))]));
}

describe('deploy', () => {
  it('first deploy uploads every policy in upload order, as build writes it, with Content-Type application/xml', async () => {
    seedKeys();
    const r = await cli(['deploy', '--env', 'Development']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(puts()).toEqual([BASE, EXT, RP]);
    expect(fake.made('PUT').every((q) => q.contentType === 'application/xml')).toBe(true);
    expect(fake.made('PUT').every((q) => q.authorization === `Bearer ${fake.token}`)).toBe(true);
    expect(r.stdout).toContain(`Deploying to ${TENANT} (environment Development) from ./ (built in memory)`);
    // The plan first, then each upload as it ends, then the summary.
    expect(r.stdout).toMatch(/1\. ↑ B2C_1A_TrustFrameworkBase\s+upload new: not in the tenant; TrustFrameworkBase\.xml\n/);
    expect(r.stdout).toContain(`\n✔ ${BASE} created\n✔ ${EXT} created\n✔ ${RP} created\n✔ 3 uploaded, 0 unchanged.\n`);
    expect(r.stdout).toContain('✔ 3 uploaded, 0 unchanged.');

    // The bytes uploaded are the bytes `build` writes (BOM included).
    expect((await runCli(['build', '--env', 'Development'], dir)).code).toBe(0);
    const files = built(path.join(dir, 'dist', 'Development'));
    for (const q of fake.made('PUT')) {
      const id = /policies\/([^/]+)\//.exec(q.path)![1]!;
      expect(Buffer.from(q.body, 'utf8').equals(files.get(id)!)).toBe(true);
    }
  });

  it('a second deploy with nothing changed makes no PUT', async () => {
    seedKeys();
    expect((await cli(['deploy', '--env', 'Development'])).code).toBe(0);
    fake.requests.length = 0;
    const r = await cli(['deploy', '--env', 'Development']);
    expect(r.code).toBe(0);
    expect(fake.made('PUT')).toEqual([]);
    expect(fake.made('GET', /\$value$/)).toHaveLength(3);
    expect(r.stdout).toContain('Nothing to upload: the tenant has all 3 policies as built.');
    expect(r.stdout).toMatch(/2\. = B2C_1A_TrustFrameworkExtensions\s+skip\s+unchanged/);
  });

  it('one changed file: the dry run says why, uploads nothing; deploy uploads it and its descendants only', async () => {
    seedKeys();
    expect((await cli(['deploy', '--env', 'Development'])).code).toBe(0);
    edit(dir, 'TrustFrameworkExtensions.xml', (t) => t.replace('<DisplayName>Local Account SignIn</DisplayName>\n          <Protocol', '<DisplayName>Local account sign-in</DisplayName>\n          <Protocol'));
    fake.requests.length = 0;

    const dry = await cli(['deploy', '--env', 'Development', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(fake.made('PUT')).toEqual([]);
    expect(dry.stdout).toContain(`Plan for ${TENANT}`);
    expect(dry.stdout).toMatch(/1\. = B2C_1A_TrustFrameworkBase\s+skip\s+unchanged/);
    expect(dry.stdout).toMatch(/2\. ↑ B2C_1A_TrustFrameworkExtensions\s+upload\s+changed/);
    expect(dry.stdout).toMatch(/3\. ↑ B2C_1A_signup_signin\s+upload\s+unchanged, but its base B2C_1A_TrustFrameworkExtensions is uploaded/);
    expect(dry.stdout).toContain('2 to upload, 1 unchanged (dry run: nothing was uploaded).');

    const json = await cli(['deploy', '--env', 'Development', '--dry-run', '--format', 'json']);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as { result: string; dryRun: boolean; policies: Array<{ policyId: string; action: string; reason: string }> };
    expect(plan.result).toBe('planned');
    expect(plan.dryRun).toBe(true);
    expect(plan.policies.map((p) => [p.policyId, p.action, p.reason])).toEqual([
      [BASE, 'skip', 'unchanged'],
      [EXT, 'upload', 'changed'],
      [RP, 'upload', `unchanged, but its base ${EXT} is uploaded (the service checks a policy against its chain)`],
    ]);
    expect(fake.made('PUT')).toEqual([]);

    const r = await cli(['deploy', '--env', 'Development']);
    expect(r.code).toBe(0);
    expect(puts()).toEqual([EXT, RP]);
    expect(r.stdout).toContain('✔ 2 uploaded, 1 unchanged.');
    expect(r.stdout).toContain(`✔ ${EXT} replaced\n✔ ${RP} replaced\n`);
  });

  it("skips a policy the tenant holds with its own TenantObjectId added, and compares past BOM, declaration and line ends", () => {
    const ours = '\uFEFF<?xml version="1.0" encoding="utf-8"?>\r\n<TrustFrameworkPolicy PolicyId="B2C_1A_X" TenantId="t">\r\n  <A/>\r\n</TrustFrameworkPolicy>\r\n';
    const theirs = '<TrustFrameworkPolicy PolicyId="B2C_1A_X" TenantId="t" TenantObjectId="7c9e6679-7425-40de-944b-e07fc1f90ae7">\n  <A/>\n</TrustFrameworkPolicy>';
    expect(comparable(theirs)).toBe(comparable(ours));
    expect(comparable(theirs.replace('<A/>', '<B/>'))).not.toBe(comparable(ours));
    // Whitespace inside the document is a change (the service's reformatting, if any, would only cost an upload).
    expect(comparable(theirs.replace('  <A/>', '<A/>'))).not.toBe(comparable(ours));
  });

  it('a validation failure stops the run, says what was uploaded and how to resume, and puts the message at the technical profile it names', async () => {
    seedKeys();
    const said = `TechnicalProfile "login-NonInteractive" in policy "${EXT}" of tenant "${TENANT}" defines an invalid value "" for the metadata item "client_id."`;
    fake.validate = (id) => (id === EXT ? said : undefined);
    const r = await cli(['deploy', '--env', 'Development']);
    expect(r.code).toBe(1);
    expect(puts()).toEqual([BASE, EXT]); // a 400 is not retried, and nothing after it is tried
    const full = `Validation failed: 1 validation error(s) found in policy "${EXT.toUpperCase()}" of tenant "${TENANT}".${said}${said}`;
    expect(r.stdout).toContain(`✖ Upload of ${EXT} failed (HTTP 400 AADB2C). The service said:\n  ${full}\n`);
    expect(r.stdout).toContain(`Uploaded in this run before it: ${BASE}.`);
    expect(r.stdout).toContain(`Not attempted (they depend on it or come after it): ${RP}.`);
    expect(r.stdout).toContain(`Fix it, then resume with: b2c-totp deploy --env Development --resume-from ${EXT}`);
    expect(r.stdout).toContain(`TrustFrameworkExtensions.xml\n  ${pos('TrustFrameworkExtensions.xml', 'login-NonInteractive')}  error    The service rejected ${EXT}: ${said}  UPLOAD`);

    const gh = await cli(['deploy', '--env', 'Development', '--format', 'github'], { GITHUB_WORKSPACE: dir });
    expect(gh.code).toBe(1);
    const [line, col] = pos('TrustFrameworkExtensions.xml', 'login-NonInteractive').split(':');
    expect(gh.stdout).toContain(`::error file=TrustFrameworkExtensions.xml,line=${line},endLine=${line},col=${col},endColumn=${Number(col) + 'login-NonInteractive'.length},title=UPLOAD::The service rejected ${EXT}: ${said}\n`);

    const sarif = await cli(['deploy', '--env', 'Development', '--format', 'sarif'], { GITHUB_WORKSPACE: dir });
    expect(sarif.code).toBe(1);
    const doc = JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }> }> };
    const loc = doc.runs[0]!.results[0]!.locations[0]!.physicalLocation;
    expect([doc.runs[0]!.results[0]!.ruleId, loc.artifactLocation.uri, `${loc.region.startLine}:${loc.region.startColumn}`]).toEqual(['UPLOAD', 'TrustFrameworkExtensions.xml', `${line}:${col}`]);
    expect(sarif.stderr).toContain(`✖ Upload of ${EXT} failed`);

    // Fixed: the resume command uploads the failed policy and everything after it.
    fake.validate = undefined;
    fake.requests.length = 0;
    const again = await cli(['deploy', '--env', 'Development', '--resume-from', EXT]);
    expect(again.code).toBe(0);
    expect(puts()).toEqual([EXT, RP]);
  });

  it('a journey step named by the service is shown at that step', async () => {
    seedKeys();
    const said = `User journey "SignUpOrSignIn" in policy "${BASE}" of tenant "${TENANT}" has step 2 with 2 claims exchanges. It must be preceded by a claims provider selection in order to determine which claims exchange can be used.`;
    fake.validate = (id) => (id === RP ? said : undefined);
    const r = await cli(['deploy', '--env', 'Development', '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { result: string; failure: { policyId: string; status: number; diagnostic: { file: string; line: number; column: number; ruleId: string } } };
    expect(out.result).toBe('failed');
    expect(out.failure.policyId).toBe(RP);
    expect(out.failure.status).toBe(400);
    const d = out.failure.diagnostic;
    expect([d.file, `${d.line}:${d.column}`, d.ruleId]).toEqual(['TrustFrameworkBase.xml', pos('TrustFrameworkBase.xml', '2" Type="SendClaims"'), 'UPLOAD']);
  });

  it("a schema error's line and column (of the uploaded text) are mapped back through the build's substitutions", async () => {
    seedKeys();
    expect((await runCli(['build', '--env', 'Development'], dir)).code).toBe(0);
    const out = readFileSync(path.join(dir, 'dist', 'Development', 'TrustFrameworkExtensions.xml'), 'utf8');
    const i = out.indexOf('PolicyId="B2C_1A_TrustFrameworkExtensions"');
    const line = out.slice(0, i).split('\n').length;
    const col = i - out.lastIndexOf('\n', i);
    const said = `Schema validation error found at line ${line} col ${col} in policy "${EXT.toUpperCase()}" of tenant "${TENANT}": The element 'TrustFrameworkPolicy' has invalid attribute.`;
    fake.validate = (id) => (id === EXT ? said : undefined);
    const r = await cli(['deploy', '--env', 'Development', '--format', 'json']);
    expect(r.code).toBe(1);
    const d = (JSON.parse(r.stdout) as { failure: { diagnostic: { file: string; line: number; column: number } } }).failure.diagnostic;
    // {Settings:Tenant} earlier on the line is longer than the tenant name: the source column differs.
    expect(`${d.line}:${d.column}`).not.toBe(`${line}:${col}`);
    expect([d.file, `${d.line}:${d.column}`]).toEqual(['TrustFrameworkExtensions.xml', pos('TrustFrameworkExtensions.xml', 'PolicyId="B2C_1A_TrustFrameworkExtensions"')]);
  });

  it('retries a 429 after the Retry-After the service sends, then goes on', async () => {
    seedKeys();
    fake.inject({ status: 429, headers: { 'Retry-After': '7' }, body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } } }, { method: 'PUT' });
    const r = await cli(['deploy', '--env', 'Development']);
    expect(r.code).toBe(0);
    expect(puts()).toEqual([BASE, BASE, EXT, RP]);
    expect(sleeps).toEqual([7000]);
    expect(r.stderr).toBe(`b2c-totp: PUT /beta/trustFramework/policies/${BASE}/$value: HTTP 429; retry 1 of 5 in 7 s\n`);
  });

  it('retries a dropped connection with backoff; gives up after the retries with exit 2 and the resume command', async () => {
    seedKeys();
    fake.inject('drop', { method: 'PUT', path: /TrustFrameworkExtensions/ });
    const r = await cli(['deploy', '--env', 'Development']);
    expect(r.code).toBe(0);
    expect(puts()).toEqual([BASE, EXT, EXT, RP]);
    expect(sleeps).toEqual([1000]);
    expect(r.stderr).toMatch(/PUT \/beta\/trustFramework\/policies\/B2C_1A_TrustFrameworkExtensions\/\$value: connection failed \(.+\); retry 1 of 5 in 1 s/);

    edit(dir, 'B2C_1A_signup_signin.xml', (t) => t.replace('<DisplayName>PolicyProfile</DisplayName>', '<DisplayName>Policy profile</DisplayName>'));
    sleeps = [];
    fake.requests.length = 0;
    fake.inject('drop', { method: 'PUT', times: 6 });
    const down = await cli(['deploy', '--env', 'Development']);
    expect(down.code).toBe(2);
    expect(puts()).toEqual([RP, RP, RP, RP, RP, RP]);
    expect(sleeps).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(down.stdout).toContain(`✖ Upload of ${RP} failed (no response). The service said:\n  connection failed`);
    expect(down.stdout).toContain('Uploaded in this run before it: none.');
    expect(down.stdout).toContain(`Fix it, then resume with: b2c-totp deploy --env Development --resume-from ${RP}`);
  });

  it('checks the keys first: names the missing ones, points at `keys`, uploads nothing', async () => {
    fake.keySets.set('b2c_1a_tokensigningkeycontainer', { id: 'B2C_1A_TokenSigningKeyContainer', keys: [{ kid: 'k', use: 'sig', kty: 'RSA' }] });
    fake.keySets.set('b2c_1a_appsecret', { id: 'B2C_1A_AppSecret', keys: [] }); // a key set with no key is missing too
    const r = await cli(['deploy', '--env', 'Development']);
    expect(r.code).toBe(1);
    expect(fake.made('PUT')).toEqual([]);
    expect(r.stdout).toContain('✖ The tenant lacks 2 policy keys the policies reference: B2C_1A_TokenEncryptionKeyContainer, B2C_1A_AppSecret.\n  Create them with: b2c-totp keys --env Development   (nothing was uploaded)');
  });

  it('a rejected token: exit 2, what to do, and the token never shown', async () => {
    const wrong = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.wrong-token-value';
    const r = await cli(['deploy', '--env', 'Development'], { B2C_TOTP_ACCESS_TOKEN: wrong });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('GET /beta/trustFramework/keySets: HTTP 401 InvalidAuthenticationToken: Access token has expired or is not yet valid.');
    expect(r.stderr).toContain('the token was rejected');
    expect(fake.made('GET').map((q) => q.authorization)).toEqual([`Bearer ${wrong}`]); // a fixed token is not retried
    const json = await cli(['deploy', '--env', 'Development', '--format', 'json'], { B2C_TOTP_ACCESS_TOKEN: wrong });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ result: 'error', status: 401, code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.', request: 'GET /beta/trustFramework/keySets' });
  });

  it('--all uploads every policy without reading them', async () => {
    seedKeys();
    expect((await cli(['deploy', '--env', 'Development'])).code).toBe(0);
    fake.requests.length = 0;
    const r = await cli(['deploy', '--env', 'Development', '--all']);
    expect(r.code).toBe(0);
    expect(puts()).toEqual([BASE, EXT, RP]);
    expect(fake.made('GET', /\$value$/)).toEqual([]);
    expect(r.stdout).toMatch(/2\. ↑ B2C_1A_TrustFrameworkExtensions\s+upload --all;/);
    expect(r.stdout).toContain('✔ 3 uploaded, 0 unchanged.');
  });

  it('a 403 on the key check is a warning, not a stop', async () => {
    fake.inject({ status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } }, { method: 'GET', path: /keySets$/ });
    const r = await cli(['deploy', '--env', 'Development']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("⚠ cannot read the tenant's policy keys (HTTP 403: the sign-in lacks TrustFrameworkKeySet.Read.All); key check skipped");
    expect(puts()).toEqual([BASE, EXT, RP]);
  });

  it('a token that the service stops accepting half-way: exit 2, what was uploaded, what to do, how to resume', async () => {
    seedKeys();
    fake.inject({ status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } } }, { method: 'PUT', path: /Extensions/ });
    const r = await cli(['deploy', '--env', 'Development']);
    expect(r.code).toBe(2);
    expect(puts()).toEqual([BASE, EXT]); // a fixed token cannot be renewed: not repeated
    expect(r.stdout).toContain(`✖ Upload of ${EXT} failed (HTTP 401 InvalidAuthenticationToken). The service said:\n  Access token has expired or is not yet valid.\n`);
    expect(r.stdout).toContain(`Uploaded in this run before it: ${BASE}.`);
    expect(r.stdout).toContain('the token was rejected: sign in again');
    expect(r.stdout).toContain(`resume with: b2c-totp deploy --env Development --resume-from ${EXT}`);
  });

  it('a service message that echoes a secret is shown with the secret blanked out', async () => {
    seedKeys();
    fake.validate = (id) => (id === BASE ? `Request with token ${fake.token} and ${CLIENT_SECRET} was refused.` : undefined);
    const r = await cli(['deploy', '--env', 'Development']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Request with token *** and *** was refused.');
  });

  it('a base outside the set (deployedPolicies) must be in the tenant: nothing is uploaded until it is', async () => {
    rmSync(path.join(dir, 'TrustFrameworkBase.xml'));
    const config = JSON.parse(readFileSync(path.join(dir, 'b2c-totp.config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(dir, 'b2c-totp.config.json'), JSON.stringify({ ...config, deployedPolicies: [BASE] }));
    seedKeys();
    const r = await cli(['deploy', '--env', 'Development']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✖ Base policy ${BASE} is neither in the set nor in the tenant; nothing was uploaded.`);
    expect(fake.made('PUT')).toEqual([]);
    fake.store(`<TrustFrameworkPolicy PolicyId="${BASE}" TenantId="${TENANT}"></TrustFrameworkPolicy>`);
    const ok = await cli(['deploy', '--env', 'Development']);
    expect(ok.code).toBe(0);
    expect(puts()).toEqual([EXT, RP]);
  });

  it('lint errors in the build stop deploy before it contacts the tenant', async () => {
    edit(dir, 'TrustFrameworkExtensions.xml', (t) => t.replace('<Item Key="client_id">{Settings:ProxyIdentityExperienceFrameworkAppId}</Item>', '<Item Key="client_id">{Settings:NoSuchSetting}</Item>'));
    const r = await cli(['deploy', '--env', 'Development']);
    expect(r.code).toBe(1);
    expect(fake.requests).toEqual([]);
    expect(r.stdout).toContain('NoSuchSetting');
    expect(r.stdout).toContain('✖ Nothing was uploaded: fix the errors first.');
    const gh = await cli(['deploy', '--env', 'Development', '--format', 'github'], { GITHUB_WORKSPACE: dir });
    expect(gh.code).toBe(1);
    const [line, col] = pos('TrustFrameworkExtensions.xml', '{Settings:NoSuchSetting}').split(':');
    expect(gh.stdout).toMatch(new RegExp(`::error file=TrustFrameworkExtensions\\.xml,line=${line},endLine=${line},col=${col},.*NoSuchSetting`));
    expect(fake.requests).toEqual([]);
  });

  it('--dist uploads a build folder, and refuses one changed since the build', async () => {
    seedKeys();
    expect((await runCli(['build', '--env', 'Development'], dir)).code).toBe(0);
    const r = await cli(['deploy', '--env', 'Development', '--dist']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('from dist/Development/');
    expect(puts()).toEqual([BASE, EXT, RP]);
    writeFileSync(path.join(dir, 'dist', 'Development', 'TrustFrameworkBase.xml'), 'tampered');
    const bad = await cli(['deploy', '--env', 'Development', '--dist']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('b2c-totp: dist/Development/TrustFrameworkBase.xml changed since it was built (sha256 differs from upload-order.json); run b2c-totp build again.\n');
  });

  it('usage: two environments need --env; plain http only on loopback', async () => {
    const r = await cli(['deploy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('b2c-totp: b2c-totp.config.json has 2 environments (Development, Production); choose one with --env.\n');
    const http = await cli(['deploy', '--env', 'Development', '--graph-url', 'http://graph.example.com']);
    expect(http.code).toBe(2);
    expect(http.stderr).toContain("must use https:// (plain http:// only for 127.0.0.1, localhost or [::1])");
    expect(fake.requests).toEqual([]);
  });
});

describe('keys', () => {
  it('creates the missing keys once (RSA generated for signing and encryption, the secret from its variable), and not again', async () => {
    const r = await cli(['keys', '--env', 'Development'], { B2C_TOTP_KEY_APPSECRET: APP_SECRET });
    expect(r.code).toBe(0);
    expect(fake.made('POST').map((q) => [q.path, JSON.parse(q.body)])).toEqual([
      ['/beta/trustFramework/keySets', { id: 'TokenSigningKeyContainer' }],
      ['/beta/trustFramework/keySets/B2C_1A_TokenSigningKeyContainer/generateKey', { use: 'sig', kty: 'RSA' }],
      ['/beta/trustFramework/keySets', { id: 'TokenEncryptionKeyContainer' }],
      ['/beta/trustFramework/keySets/B2C_1A_TokenEncryptionKeyContainer/generateKey', { use: 'enc', kty: 'RSA' }],
      ['/beta/trustFramework/keySets', { id: 'AppSecret' }],
      ['/beta/trustFramework/keySets/B2C_1A_AppSecret/uploadSecret', { use: 'sig', k: APP_SECRET }],
    ]);
    expect(r.stdout).toMatch(/✔ B2C_1A_AppSecret\s+created\s+secret from B2C_TOTP_KEY_APPSECRET/);
    expect(r.stdout).toContain('✔ 3 created, 0 already there.');

    fake.requests.length = 0;
    const again = await cli(['keys', '--env', 'Development'], { B2C_TOTP_KEY_APPSECRET: APP_SECRET });
    expect(again.code).toBe(0);
    expect(fake.made('POST')).toEqual([]);
    expect(again.stdout).toContain('✔ 0 created, 3 already there.');

    // deploy now finds every key.
    expect((await cli(['deploy', '--env', 'Development'])).code).toBe(0);
  });

  it('a secret with no value: exit 1, names the variable, creates the rest; --dry-run creates nothing', async () => {
    const dry = await cli(['keys', '--env', 'Development', '--dry-run']);
    expect(dry.code).toBe(1);
    expect(fake.made('POST')).toEqual([]);
    expect(dry.stdout).toMatch(/\+ B2C_1A_TokenSigningKeyContainer\s+to create\s+RSA, signature, generated by the service/);

    const r = await cli(['keys', '--env', 'Development']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✖ B2C_1A_AppSecret\s+needs a value\s+set B2C_TOTP_KEY_APPSECRET \(or run at a terminal to be asked\)/);
    expect(r.stdout).toContain('✖ 1 not created (B2C_1A_AppSecret); 2 created, 0 already there.');
    expect([...fake.keySets.keys()]).toEqual(['b2c_1a_tokensigningkeycontainer', 'b2c_1a_tokenencryptionkeycontainer']);
  });
});

describe('keys at a terminal', () => {
  it('asks for a secret with no variable, without echoing it, and uploads what was typed', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    setTimeout(() => stdin.write(`${APP_SECRET}\n`), 20);
    const r = await cli(['keys', '--env', 'Development'], {}, { stdin });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Value for B2C_1A_AppSecret (input hidden): ');
    expect(r.stdout).toMatch(/✔ B2C_1A_AppSecret\s+created\s+secret from the prompt/);
    expect(fake.made('POST', /uploadSecret$/).map((q) => JSON.parse(q.body))).toEqual([{ use: 'sig', k: APP_SECRET }]);
  });
});

describe('pull', () => {
  it('pull then build reproduces the bytes that were deployed', async () => {
    seedKeys();
    expect((await cli(['deploy', '--env', 'Development'])).code).toBe(0);
    expect((await runCli(['build', '--env', 'Development'], dir)).code).toBe(0);
    const r = await cli(['pull', '--env', 'Development', 'adopted']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Pulled 3 policies of ${TENANT} (environment Development) into adopted/:`);
    const pulled = readFileSync(path.join(dir, 'adopted', 'TrustFrameworkExtensions.xml'), 'utf8');
    expect(pulled).not.toContain('TenantObjectId');
    expect(pulled).not.toContain(TENANT);
    expect(pulled).toContain('TenantId="yourtenant.onmicrosoft.com"');

    const b = await runCli(['build', 'adopted', '--env', 'Development', '--out', 'rebuilt'], dir);
    expect(b.code).toBe(0);
    const original = built(path.join(dir, 'dist', 'Development'));
    const again = built(path.join(dir, 'rebuilt', 'Development'));
    expect([...again.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [id, bytes] of original) expect([id, again.get(id)!.toString("latin1")]).toEqual([id, bytes.toString("latin1")]); // latin1: a lost BOM shows

    // Pulled again: nothing changes; a file edited locally is not overwritten without --force.
    expect((await cli(['pull', '--env', 'Development', 'adopted'])).stdout).toMatch(/B2C_1A_TrustFrameworkBase\s+unchanged/);
    writeFileSync(path.join(dir, 'adopted', 'TrustFrameworkBase.xml'), 'local edit');
    const clash = await cli(['pull', '--env', 'Development', 'adopted']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toBe('b2c-totp: adopted/TrustFrameworkBase.xml already exists and differs from the tenant; nothing was written. Pull into another folder, or add --force to overwrite.\n');
    expect((await cli(['pull', '--env', 'Development', 'adopted', '--force'])).code).toBe(0);
    expect(readFileSync(path.join(dir, 'adopted', 'TrustFrameworkBase.xml'), 'utf8')).not.toBe('local edit');
  });
});

describe('pull with the placeholder the source uses', () => {
  it('sources written with {Settings:Tenant} get {Settings:Tenant} back', async () => {
    for (const f of ['TrustFrameworkBase.xml', 'B2C_1A_signup_signin.xml']) edit(dir, f, (t) => t.replaceAll('yourtenant.onmicrosoft.com', '{Settings:Tenant}'));
    seedKeys();
    expect((await cli(['deploy', '--env', 'Development'])).code).toBe(0);
    expect((await runCli(['build', '--env', 'Development'], dir)).code).toBe(0);
    const r = await cli(['pull', '--env', 'Development', 'adopted']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The tenant name is back to {Settings:Tenant}.');
    const base = readFileSync(path.join(dir, 'adopted', 'TrustFrameworkBase.xml'), 'utf8');
    expect(base).toContain('TenantId="{Settings:Tenant}" PolicyId="B2C_1A_TrustFrameworkBase" PublicPolicyUri="http://{Settings:Tenant}/B2C_1A_TrustFrameworkBase"');
    expect((await runCli(['build', 'adopted', '--env', 'Development', '--out', 'rebuilt'], dir)).code).toBe(0);
    const original = built(path.join(dir, 'dist', 'Development'));
    const again = built(path.join(dir, 'rebuilt', 'Development'));
    for (const [id, bytes] of original) expect([id, again.get(id)!.toString('latin1')]).toEqual([id, bytes.toString('latin1')]);
  });
});

describe('pull with a PolicyId prefix', () => {
  it("pulls only the environment's policies, with the prefix taken off; build puts it back", async () => {
    const config = JSON.parse(readFileSync(path.join(dir, 'b2c-totp.config.json'), 'utf8')) as { environments: Array<Record<string, unknown>> };
    config.environments[0]!.policyIdPrefix = 'DEV_';
    writeFileSync(path.join(dir, 'b2c-totp.config.json'), JSON.stringify(config));
    seedKeys();
    expect((await cli(['deploy', '--env', 'Development'])).code).toBe(0);
    expect(puts()).toEqual(['B2C_1A_DEV_TrustFrameworkBase', 'B2C_1A_DEV_TrustFrameworkExtensions', 'B2C_1A_DEV_signup_signin']);
    fake.store(`<TrustFrameworkPolicy PolicyId="B2C_1A_QA_Other" TenantId="${TENANT}"></TrustFrameworkPolicy>`);
    expect((await runCli(['build', '--env', 'Development'], dir)).code).toBe(0);

    const r = await cli(['pull', '--env', 'Development', 'adopted']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Left out (another environment's prefix): B2C_1A_QA_Other");
    const ext = readFileSync(path.join(dir, 'adopted', 'TrustFrameworkExtensions.xml'), 'utf8');
    expect(ext).toContain('PolicyId="B2C_1A_TrustFrameworkExtensions"');
    expect(ext).toContain('<PolicyId>B2C_1A_TrustFrameworkBase</PolicyId>');
    expect(ext).not.toContain('DEV_');

    expect((await runCli(['build', 'adopted', '--env', 'Development', '--out', 'rebuilt'], dir)).code).toBe(0);
    const original = built(path.join(dir, 'dist', 'Development'));
    const again = built(path.join(dir, 'rebuilt', 'Development'));
    expect([...again.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [id, bytes] of original) expect([id, again.get(id)!.toString('latin1')]).toEqual([id, bytes.toString('latin1')]);
  });
});

describe('Graph client and the fake service', () => {
  const client = (tokens: string[], opts: { timeoutMs?: number } = {}) => {
    let i = 0;
    return new GraphClient({
      baseUrl: fake.url,
      tokens: { description: 'test', renewable: true, getToken: async (renew) => tokens[renew ? ++i : i]! },
      sleep: async (ms) => void sleeps.push(ms),
      ...opts,
    });
  };

  it('a relying party whose base is not in the tenant is rejected as the service does, and shown at its BasePolicy', async () => {
    const xml = readFileSync(path.join(SET, 'B2C_1A_signup_signin.xml'), 'utf8').replaceAll('yourtenant.onmicrosoft.com', TENANT).replaceAll('{Settings:PolicyFilename}', 'signup_signin');
    const err = await client([fake.token]).putPolicy(RP, xml).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    const why = `Policy with 'policyId': ${EXT.toUpperCase()} cannot be found in the directory '${fake.tenantObjectId}'.`;
    expect((err as GraphError).serviceMessage).toBe(`Validation failed: 1 validation error(s) found in policy "${RP.toUpperCase()}" of tenant "${TENANT}".${why}${why}`);
    expect((err as GraphError).status).toBe(400);
    const policy = policyFromBytes(Buffer.from(xml), 'rp.xml', 'rp.xml', false) as Policy;
    const d = locateServiceError((err as GraphError).serviceMessage, { policy, display: 'rp.xml', toSource: (line, column) => ({ line, column }) }, []);
    const at = xml.indexOf(`<PolicyId>${EXT}`);
    const line = xml.slice(0, at).split('\n').length;
    expect([d.file, d.line, d.column]).toEqual(['rp.xml', line, at - xml.lastIndexOf('\n', at)]);
  });

  it('places the messages the service sends at the element they name', () => {
    const xml = [
      '<TrustFrameworkPolicy PolicyId="B2C_1A_X" TenantId="t">',
      '  <BuildingBlocks><ClaimsSchema><ClaimType Id="email"/></ClaimsSchema>',
      '    <ClaimsTransformations><ClaimsTransformation Id="MakeUpn"/></ClaimsTransformations></BuildingBlocks>',
      '  <ClaimsProviders><ClaimsProvider><TechnicalProfiles>',
      '    <TechnicalProfile Id="Self">',
      '      <CryptographicKeys><Key Id="issuer_secret" StorageReferenceId="B2C_1A_Sign"/></CryptographicKeys>',
      '      <InputClaims><InputClaim ClaimTypeReferenceId="userId"/></InputClaims>',
      '      <OutputClaimsTransformations><OutputClaimsTransformation ReferenceId="MakeUpn"/></OutputClaimsTransformations>',
      '    </TechnicalProfile>',
      '  </TechnicalProfiles></ClaimsProvider></ClaimsProviders>',
      '  <UserJourneys><UserJourney Id="J"><OrchestrationSteps><OrchestrationStep Order="1" Type="ClaimsExchange"/></OrchestrationSteps></UserJourney></UserJourneys>',
      '</TrustFrameworkPolicy>',
    ].join('\n');
    const policy = policyFromBytes(Buffer.from(xml), 'x.xml', 'x.xml', false) as Policy;
    const doc = { policy, display: 'x.xml', toSource: (line: number, column: number) => ({ line, column }) };
    const at = (message: string) => {
      const d = locateServiceError(message, doc, [doc]);
      return xml.split('\n')[d.line - 1]!.slice(d.column - 1, d.endColumn - 1);
    };
    const env = 'Validation failed: 1 validation error(s) found in policy "B2C_1A_X" of tenant "t.onmicrosoft.com".';
    expect(at(`${env}Policy "B2C_1A_X" of tenant "t.onmicrosoft.com" makes a reference to ClaimType with id "userId" but neither the policy nor any of its base policies contain such an element.`)).toBe('userId');
    expect(at(`${env}Claim type "email" is the output claim of the relying party's technical profile, but it is not an output claim in any of the steps of user journey "J".`)).toBe('email');
    expect(at(`${env}Claim type "userId" is the input claim of technical profile "Self" in step "1" of user journey "J" but it is not an output claim in any of the previous steps.`)).toBe('1');
    expect(at(`${env}Orchestration step order "1" in user journey "J" of policy "B2C_1A_X" is followed by a claims provider selection step and must be a claims exchange.`)).toBe('1');
    expect(at(`${env}Policy "B2C_1A_X" makes a reference to a ClaimsTransformation with ID "MakeUpn" but neither the policy nor any of its base policies contain such an element.`)).toBe('MakeUpn');
    expect(at(`${env}Tenant "t.onmicrosoft.com" does not have CryptographicKey referenced by storageReferenceId "B2C_1A_Sign".`)).toBe('B2C_1A_Sign');
    expect(at(`${env}User journey 'J' does not contain a send claims step.`)).toBe('J');
    expect(at(`${env}Object reference not set to an instance of an object.`)).toBe('B2C_1A_X');
    // The diagnostic keeps the errors: no envelope, no repeat (the narrative shows the message in full).
    expect(errorsOf(`${env}A.B.A.B.`)).toBe('A.B.');
    expect(errorsOf(`${env}A.B.`)).toBe('A.B.');
    expect(errorsOf('Object reference not set to an instance of an object.')).toBe('Object reference not set to an instance of an object.');
  });

  it('a token that expires mid-run is renewed once and the request repeated', async () => {
    fake.validTokens.clear();
    fake.validTokens.add('t1');
    const c = client(['t1', 't2']);
    expect(await c.listPolicies()).toEqual([]);
    fake.validTokens.delete('t1');
    fake.validTokens.add('t2');
    expect(await c.listPolicies()).toEqual([]);
    expect(fake.requests.map((q) => q.authorization)).toEqual(['Bearer t1', 'Bearer t1', 'Bearer t2']);
  });

  it('a request with no answer times out and is retried; 404 on GET is "not there"', async () => {
    fake.inject('hang', { method: 'GET' });
    const c = client([fake.token], { timeoutMs: 100 });
    expect(await c.getPolicy(BASE)).toBeUndefined();
    expect(fake.made('GET')).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
  });

  it('never retries a 400; a POST is not repeated after a dropped connection', async () => {
    fake.inject({ status: 400, body: { error: { code: 'AADB2C', message: 'bad' } } }, { method: 'GET' });
    await expect(client([fake.token]).getPolicy(BASE)).rejects.toThrow('GET /beta/trustFramework/policies/B2C_1A_TrustFrameworkBase/$value: HTTP 400 AADB2C: bad');
    fake.inject('drop', { method: 'POST' });
    await expect(client([fake.token]).createKeySet('X')).rejects.toThrow(/POST \/beta\/trustFramework\/keySets: no response: connection failed/);
    expect(fake.made('POST')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('Retry-After as seconds or a date, capped; Graph URLs', () => {
    expect(retryAfter('3')).toBe(3000);
    expect(retryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfter('100000')).toBe(120_000);
    expect(retryAfter('soon')).toBeUndefined();
    expect(resolveGraphUrl(undefined, {})).toBe('https://graph.microsoft.com');
    expect(resolveGraphUrl(undefined, { B2C_TOTP_GRAPH_URL: 'https://graph.microsoft.us/' })).toBe('https://graph.microsoft.us');
    expect(resolveGraphUrl('http://127.0.0.1:8080', {})).toBe('http://127.0.0.1:8080');
    expect(() => resolveGraphUrl('http://10.0.0.1', {})).toThrow('must use https://');
    // An environment's "cloud" picks the national cloud's Graph; the option and the variable still win.
    expect(resolveGraphUrl(undefined, {}, 'usgov')).toBe('https://graph.microsoft.us');
    expect(resolveGraphUrl(undefined, {}, 'china')).toBe('https://microsoftgraph.chinacloudapi.cn');
    expect(resolveGraphUrl(undefined, { B2C_TOTP_GRAPH_URL: 'http://127.0.0.1:1' }, 'usgov')).toBe('http://127.0.0.1:1');
  });

  it('sign-in: the first method the environment sets up (no sign-in is attempted here)', () => {
    const pick = (env: NodeJS.ProcessEnv, interactive = false) => tokenSource({ env, tenant: TENANT, graphUrl: 'https://graph.microsoft.com', prompt: () => {}, interactive }).description;
    const app = { AZURE_CLIENT_ID: 'c1d2e3f4-0000-4000-8000-000000000001', AZURE_TENANT_ID: TENANT };
    expect(pick({ B2C_TOTP_ACCESS_TOKEN: 'x', ...app, AZURE_CLIENT_SECRET: 's' })).toBe('the token in B2C_TOTP_ACCESS_TOKEN');
    expect(pick({ ...app, AZURE_CLIENT_SECRET: 's', AZURE_CLIENT_CERTIFICATE_PATH: '/c.pem' })).toBe(`app ${app.AZURE_CLIENT_ID} with a client secret (AZURE_CLIENT_SECRET)`);
    expect(pick({ ...app, AZURE_CLIENT_CERTIFICATE_PATH: '/c.pem' })).toBe(`app ${app.AZURE_CLIENT_ID} with the certificate /c.pem`);
    expect(pick({ ...app, AZURE_FEDERATED_TOKEN_FILE: '/t' })).toBe(`app ${app.AZURE_CLIENT_ID} with workload identity federation (AZURE_FEDERATED_TOKEN_FILE)`);
    expect(pick({ ...app, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' })).toBe(`app ${app.AZURE_CLIENT_ID} with the GitHub Actions OIDC token (federated credential, no secret)`);
    expect(pick({})).toBe('your Azure CLI login (az login)');
    expect(pick({}, true)).toBe('your Azure CLI login (az login), else a device-code sign-in');
    expect(() => pick({ AZURE_CLIENT_ID: app.AZURE_CLIENT_ID, AZURE_CLIENT_SECRET: 's' })).toThrow('AZURE_TENANT_ID is not');
  });
});
