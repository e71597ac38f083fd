import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { injectFiles } from './helpers/inject.js';
import { caseFiles } from './helpers/inject-cases.js';
import { columnOf, expectFindings, lineOf, lintFiles } from './helpers/policy-set.js';

const CONTOSO = fileURLToPath(new URL('./fixtures/contoso/', import.meta.url));
const base = caseFiles('rp-journey'); // contoso Base and Extensions, and a relying party with its own journey
const contoso = { ...caseFiles('existing-totp') }; // SignIn (plain) and SignInWithCode (its own VerifyOTP)
const run = (files: Record<string, string>, requireTotp: boolean | string[] | undefined) => lintFiles(files, 'TOTP-040', { requireTotp });
const at = (files: Record<string, string>, file: string, needle: string) => ({ file, line: lineOf(files, file, needle), column: columnOf(files, file, needle) + needle.indexOf('Type') });

describe('TOTP-040 require-totp (opt-in TOTP coverage)', () => {
  it('is off unless the config asks', () => {
    expect(run(contoso, undefined)).toEqual([]);
    expect(run(contoso, false)).toEqual([]);
    expect(run(contoso, [])).toEqual([]);
  });

  it('reports the token-issuing SendClaims of a sign-in journey with no VerifyOTP; a journey that verifies a code under its own ids passes', () => {
    const d = run(contoso, true);
    expectFindings(d, 'TOTP-040', [{ ...at(contoso, 'Base.xml', '<OrchestrationStep Order="3" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />\n            </OrchestrationSteps>\n        </UserJourney>\n        <UserJourney Id="PasswordReset">'), severity: 'error' }]);
    expect(d[0]!.message).toBe(
      "Journey 'SignIn' (relying party B2C_1A_ContosoSignIn) issues a token at step 3 to a signed-in user without verifying an authenticator code (no VerifyOTP before it), and \"requireTotp\" asks for TOTP; add it with `b2c-totp inject`.",
    );
  });

  it('a list of journeys checks only those', () => {
    expect(run(contoso, ['SignInWithCode'])).toEqual([]);
    expect(run(contoso, ['signin']).map((d) => d.ruleId)).toEqual(['TOTP-040']);
  });

  it('an error-only SendClaims (OAuth2Error issuer) needs no TOTP; the token one does, in the file that defines it', () => {
    const files = caseFiles('rest-signin');
    const d = run(files, true);
    expectFindings(d, 'TOTP-040', [at(files, 'Extensions.xml', '<OrchestrationStep Order="4" Type="SendClaims"')]);
  });

  it('a journey in a relying-party file is checked there', () => {
    expectFindings(run(base, true), 'TOTP-040', [at(base, 'SignIn.xml', '<OrchestrationStep Order="3" Type="SendClaims"')]);
  });

  it('after inject, nothing is reported', () => {
    for (const files of [contoso, base, caseFiles('rest-signin'), caseFiles('branching')]) {
      for (const mode of ['layer', 'inline'] as const) {
        const { plan, result } = injectFiles(files, { mode });
        expect(plan.problems).toEqual([]);
        // Layer mode keeps the unprotected originals (the new relying parties replace them at upload).
        const check = mode === 'layer' ? Object.fromEntries(Object.entries(result).filter(([f]) => !plan.relyingParties.some((r) => r.path === f && r.status === 'protected'))) : result;
        expect(run(check, true), mode).toEqual([]);
      }
    }
  });
});

describe('TOTP-040 from b2c-totp.config.json', () => {
  const temps: string[] = [];
  afterEach(() => {
    for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('"requireTotp": true makes lint fail until inject has run', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'b2c-totp-require-'));
    temps.push(cwd);
    cpSync(CONTOSO, path.join(cwd, 'policies'), { recursive: true });
    writeFileSync(path.join(cwd, 'b2c-totp.config.json'), '{ "requireTotp": true }\n');
    const before = await runCli(['lint', 'policies', '--format', 'json'], cwd);
    expect(before.code).toBe(1);
    const ids = (JSON.parse(before.stdout) as { diagnostics: Array<{ ruleId: string; file: string; line: number }> }).diagnostics.filter((d) => d.ruleId === 'TOTP-040');
    expect(ids.map((d) => `${d.file}:${d.line}`)).toEqual(['policies/Base.xml:236', 'policies/Base.xml:251']);
    expect((await runCli(['inject', 'policies', '--inline', '--write', '--issuer', 'Contoso'], cwd)).code).toBe(0);
    expect((await runCli(['lint', 'policies'], cwd)).code).toBe(0);
    writeFileSync(path.join(cwd, 'b2c-totp.config.json'), '{ "requireTotp": "yes" }\n');
    const bad = await runCli(['lint', 'policies'], cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^b2c-totp: b2c-totp\.config\.json:1:3: requireTotp: /);
  });
});
