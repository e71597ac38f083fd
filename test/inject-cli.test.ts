import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const CONTOSO = fileURLToPath(new URL('./fixtures/contoso/', import.meta.url));
const GOLDEN = fileURLToPath(new URL('./golden/contoso-layer/', import.meta.url));
const temps: string[] = [];

function workspace(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'b2c-totp-inject-'));
  temps.push(dir);
  cpSync(CONTOSO, path.join(dir, 'policies'), { recursive: true });
  return dir;
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = readFileSync(path.join(dir, f), 'utf8');
  return out;
}

const cli = runCli;

afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('b2c-totp inject (CLI)', () => {
  it('prints the plan and a diff, and changes nothing', async () => {
    const cwd = workspace();
    const before = snapshot(path.join(cwd, 'policies'));
    const r = await cli(['inject', 'policies', '--issuer', 'Contoso & Co'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 7)).toEqual([
      "TOTP plan (layer mode, issuer 'Contoso & Co')",
      '  protect policies/PasswordReset.xml (PasswordReset): TOTP before step 2 (ClaimsExchange: LocalAccountWritePasswordUsingObjectId), in journey PasswordReset_TOTP',
      '  protect policies/SignIn.xml (SignIn): TOTP before step 3 (SendClaims), in journey SignIn_TOTP',
      '  totpIdentifier from: email, signInName, objectId (first one the user has)',
      '  userPrincipalName output added to: AAD-UserReadUsingObjectId, SelfAsserted-LocalAccountSignin-Email',
      '  Upload order: B2C_1A_ContosoBase, B2C_1A_ContosoExtensions, B2C_1A_ContosoExtensions_TOTP, B2C_1A_ContosoPasswordReset_TOTP, B2C_1A_ContosoSignIn_TOTP.',
      '',
    ]);
    expect(r.stdout).toContain('+++ b/policies/Extensions_TOTP.xml\n@@ -0,0 +1,');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Nothing written. Apply with --write, or write the whole set elsewhere with --out <dir>.');
    expect(snapshot(path.join(cwd, 'policies'))).toEqual(before);
  });

  it('--write applies it; a second run changes nothing', async () => {
    const cwd = workspace();
    const before = snapshot(path.join(cwd, 'policies'));
    const r = await cli(['inject', 'policies', '--issuer', 'Contoso & Co', '--write'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('✔ wrote policies/Extensions_TOTP.xml (new), policies/PasswordReset_TOTP.xml (new), policies/SignIn_TOTP.xml (new)');
    const after = snapshot(path.join(cwd, 'policies'));
    for (const f of Object.keys(before)) expect(after[f]).toBe(before[f]);
    for (const f of ['Extensions_TOTP.xml', 'PasswordReset_TOTP.xml', 'SignIn_TOTP.xml']) expect(after[f]).toBe(readFileSync(path.join(GOLDEN, f), 'utf8'));
    const again = await cli(['inject', 'policies', '--issuer', 'Contoso & Co', '--write'], cwd);
    expect(again).toEqual({ code: 0, stdout: 'TOTP is already present: nothing to change.\n', stderr: '' });
    expect(snapshot(path.join(cwd, 'policies'))).toEqual(after);
    // The result lints clean.
    expect((await cli(['lint', 'policies'], cwd)).code).toBe(0);
  });

  it('--out writes the whole changed set elsewhere and leaves the input alone', async () => {
    const cwd = workspace();
    const before = snapshot(path.join(cwd, 'policies'));
    const r = await cli(['inject', 'policies', '--issuer', 'Contoso & Co', '--inline', '--out', 'build'], cwd);
    expect(r.code).toBe(0);
    expect(snapshot(path.join(cwd, 'policies'))).toEqual(before);
    const out = snapshot(path.join(cwd, 'build'));
    expect(Object.keys(out)).toEqual(Object.keys(before));
    expect(out['SignIn.xml']).toBe(before['SignIn.xml']!.replace('<DefaultUserJourney ReferenceId="SignIn" />', '<DefaultUserJourney ReferenceId="SignIn_TOTP" />'));
    expect(out['Base.xml']).toBe(before['Base.xml']);
    expect((await cli(['lint', 'build'], cwd)).code).toBe(0);
  });

  it('refuses --out inside the input, and conflicting options', async () => {
    const cwd = workspace();
    expect(await cli(['inject', 'policies', '--out', 'policies/out'], cwd)).toEqual({ code: 2, stdout: '', stderr: 'b2c-totp: --out policies/out is inside the input policies; choose a folder outside it.\n' });
    expect((await cli(['inject', 'policies', '--inline', '--layer'], cwd)).stderr).toBe('b2c-totp: Choose one of --inline and --layer.\n');
    expect((await cli(['inject', 'policies', '--page-version', '2.1.9'], cwd)).stderr).toBe('b2c-totp: --page-version 2.1.9 is too old for TOTP: use 2.1.14 or newer.\n');
  });

  it('nothing protected: exit 1, one line per skipped relying party, nothing written', async () => {
    const cwd = workspace();
    rmSync(path.join(cwd, 'policies', 'Base.xml'));
    const before = snapshot(path.join(cwd, 'policies'));
    const r = await cli(['inject', 'policies', '--write'], cwd);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        '  skip policies/PasswordReset.xml (PasswordReset): policies/PasswordReset.xml:2:1: the BasePolicy chain of B2C_1A_ContosoPasswordReset is not complete: base policy B2C_1A_ContosoBase is not in the set; add its file to the input.',
        '  skip policies/SignIn.xml (SignIn): policies/SignIn.xml:2:1: the BasePolicy chain of B2C_1A_ContosoSignIn is not complete: base policy B2C_1A_ContosoBase is not in the set; add its file to the input.',
        "Issuer (the name the authenticator app shows) defaulted to 'contoso'; set it with --issuer or \"issuer\" in b2c-totp.config.json.",
        '✖ no relying party was protected; see the reasons above. Nothing was written.',
        '',
      ].join('\n'),
    );
    expect(snapshot(path.join(cwd, 'policies'))).toEqual(before);
  });

  it('hostile input: a DOCTYPE (external entity) skips that relying party with file:line:column; --strict fails and writes nothing', async () => {
    const cwd = workspace();
    const rp = path.join(cwd, 'policies', 'SignIn.xml');
    writeFileSync(rp, readFileSync(rp, 'utf8').replace('<?xml version="1.0" encoding="utf-8" ?>\n', '<?xml version="1.0" encoding="utf-8" ?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'));
    const before = snapshot(path.join(cwd, 'policies'));
    const skipLine =
      '  skip policies/SignIn.xml (no journey): policies/SignIn.xml:2:1: DOCTYPE declarations are not allowed in policy files (entities could expand or read files); remove it. (the file cannot upload; fix it)';
    const strict = await cli(['inject', 'policies', '--write', '--strict'], cwd);
    expect(strict.code).toBe(1);
    expect(strict.stdout.split('\n')).toContain(skipLine);
    expect(strict.stdout.trimEnd().split('\n').at(-1)).toBe('✖ --strict: 1 relying party was skipped that sign users in or could not be analysed; no file was written.');
    expect(strict.stdout).not.toContain('root:');
    expect(snapshot(path.join(cwd, 'policies'))).toEqual(before);
    // Without --strict the other relying party is protected, and the skip is reported.
    const r = await cli(['inject', 'policies', '--write', '--issuer', 'Contoso'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      "TOTP plan (layer mode, issuer 'Contoso')",
      skipLine,
      '  protect policies/PasswordReset.xml (PasswordReset): TOTP before step 2 (ClaimsExchange: LocalAccountWritePasswordUsingObjectId), in journey PasswordReset_TOTP',
    ]);
    expect(Object.keys(snapshot(path.join(cwd, 'policies')))).toEqual([...Object.keys(before), 'Extensions_TOTP.xml', 'PasswordReset_TOTP.xml'].sort());
  });

  it('several sets in one tree: each set gets its own layer beside its files', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'b2c-totp-inject-'));
    temps.push(cwd);
    // Two environments, full copies; and two brands that share a base folder (same relying-party ids).
    for (const env of ['dev', 'prod']) cpSync(CONTOSO, path.join(cwd, 'envs', env), { recursive: true });
    for (const f of ['Base.xml', 'Extensions.xml']) cpSync(path.join(CONTOSO, f), path.join(cwd, 'brands', 'shared', f));
    for (const brand of ['a', 'b']) cpSync(path.join(CONTOSO, 'SignIn.xml'), path.join(cwd, 'brands', brand, 'SignIn.xml'));
    const r = await cli(['inject', '.', '--issuer', 'Contoso & Co', '--write'], cwd);
    expect(r.code).toBe(0);
    const golden = (f: string) => readFileSync(path.join(GOLDEN, f), 'utf8');
    for (const env of ['dev', 'prod']) {
      const after = snapshot(path.join(cwd, 'envs', env));
      for (const f of ['Extensions_TOTP.xml', 'PasswordReset_TOTP.xml', 'SignIn_TOTP.xml']) expect(after[f], `${env}/${f}`).toBe(golden(f));
    }
    // Brand a joins the set of the shared folder (its layer sits beside that Extensions); brand b, whose
    // relying party has the same PolicyId, is a set of its own that borrows the base: its layer sits
    // beside its own relying party, and the shared folder gets no second layer.
    const layerWithoutPasswordReset = golden('Extensions_TOTP.xml').replace(/\n +<UserJourney Id="PasswordReset_TOTP">[\s\S]*?<\/UserJourney>/, '');
    expect(snapshot(path.join(cwd, 'brands', 'shared'))).toMatchObject({ 'Extensions_TOTP.xml': layerWithoutPasswordReset });
    expect(Object.keys(snapshot(path.join(cwd, 'brands', 'shared')))).toEqual(['Base.xml', 'Extensions.xml', 'Extensions_TOTP.xml']);
    expect(Object.keys(snapshot(path.join(cwd, 'brands', 'a')))).toEqual(['SignIn.xml', 'SignIn_TOTP.xml']);
    expect(snapshot(path.join(cwd, 'brands', 'b'))).toEqual({
      'Extensions_TOTP.xml': layerWithoutPasswordReset,
      'SignIn.xml': readFileSync(path.join(CONTOSO, 'SignIn.xml'), 'utf8'),
      'SignIn_TOTP.xml': golden('SignIn_TOTP.xml'),
    });
    expect(r.stdout).toContain('[brands/b] Upload order: B2C_1A_ContosoBase, B2C_1A_ContosoExtensions, B2C_1A_ContosoExtensions_TOTP, B2C_1A_ContosoSignIn_TOTP.');
    // Each set says which claims it copies into totpIdentifier; no merged line mixes the sets' lists.
    const idLines = r.stdout.split('\n').filter((l) => l.includes('totpIdentifier from:'));
    expect(idLines.map((l) => l.replace(/\] .*/, ']').trim())).toEqual(['[brands]', '[brands/b]', '[envs/dev]', '[envs/prod]']);
    expect(idLines.every((l) => l.endsWith(', objectId (first one the user has)'))).toBe(true);
    const again = await cli(['inject', '.', '--issuer', 'Contoso & Co', '--write'], cwd);
    expect(again).toEqual({ code: 0, stdout: 'TOTP is already present: nothing to change.\n', stderr: '' });
  });

  it('--strict passes when only journeys that sign no user in are skipped; --replace-phone reaches the planner', async () => {
    const cwd = workspace();
    const signIn = readFileSync(path.join(CONTOSO, 'SignIn.xml'), 'utf8');
    const api = signIn
      .replaceAll('B2C_1A_ContosoSignIn', 'B2C_1A_ContosoApi')
      .replace('<RelyingParty>', '<UserJourneys>\n        <UserJourney Id="ApiToken">\n            <OrchestrationSteps>\n                <OrchestrationStep Order="1" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />\n            </OrchestrationSteps>\n        </UserJourney>\n    </UserJourneys>\n    <RelyingParty>')
      .replace('ReferenceId="SignIn"', 'ReferenceId="ApiToken"');
    writeFileSync(path.join(cwd, 'policies', 'Api.xml'), api);
    const r = await cli(['inject', 'policies', '--issuer', 'Contoso', '--strict'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe(
      "  skip policies/Api.xml (ApiToken): journey 'ApiToken' never reads or writes a directory user (no objectId or userPrincipalName for TOTP), so there is no sign-in to protect; name it with --journey if it does sign users in.",
    );
    const phone = mkdtempSync(path.join(os.tmpdir(), 'b2c-totp-inject-'));
    temps.push(phone);
    cpSync(path.join(CONTOSO, 'Base.xml'), path.join(phone, 'Base.xml'));
    for (const f of ['Extensions.xml', 'SignIn.xml']) cpSync(path.join(CONTOSO, '..', 'inject', 'phone', f), path.join(phone, f));
    const p = await cli(['inject', '.', '--issuer', 'Contoso', '--replace-phone'], phone);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain("  --replace-phone: SignInPhone_TOTP leaves out step 3, 4 of 'SignInPhone' (phone MFA and what only saves its result).\n");
  });

  it('--format json', async () => {
    const cwd = workspace();
    const r = await cli(['inject', 'policies', '--issuer', 'Contoso', '--format', 'json'], cwd);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({
      version: 1,
      mode: 'layer',
      issuer: 'Contoso',
      identifiers: ['email', 'signInName', 'objectId'],
      userPrincipalNameAddedTo: ['AAD-UserReadUsingObjectId', 'SelfAsserted-LocalAccountSignin-Email'],
      problems: [],
    });
    expect(plan.files.map((f: { path: string; status: string }) => `${f.status} ${f.path}`)).toEqual(['new policies/Extensions_TOTP.xml', 'new policies/PasswordReset_TOTP.xml', 'new policies/SignIn_TOTP.xml']);
    expect(plan.ok).toBe(true);
    expect(plan.relyingParties).toEqual([
      { path: 'policies/PasswordReset.xml', policyId: 'B2C_1A_ContosoPasswordReset', journey: 'PasswordReset', status: 'protected', signIn: true },
      { path: 'policies/SignIn.xml', policyId: 'B2C_1A_ContosoSignIn', journey: 'SignIn', status: 'protected', signIn: true },
    ]);
  });
});
