import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/cli.js';
import { findXsd } from '../src/xsd/validate.js';
import { type Files, lintFiles, readFlavour } from './helpers/policy-set.js';
import { describeShared, FLAVOURS, flavourDir, STARTER, XSD_PATH } from './helpers/shared.js';

// The requirement: unmodified starter packs (every flavour, the Display Controls pack and the scenarios) lint with
// 0 errors. A policy set that uploads fine must never get a false error.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCENARIOS = path.join(STARTER, 'scenarios');

const errors = (files: Files, deployed: string[] = []) =>
  lintFiles(files, undefined, {}, deployed)
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.file}:${d.line}:${d.column} ${d.ruleId} ${d.message}`);

/**
 * Which flavours each scenario builds on (decided from its BasePolicy ids and what it references):
 * - linkedin-identity-provider: its TrustFrameworkExtensions (base B2C_1A_TrustFrameworkBase) replaces the flavour's,
 *   and uses social-login building blocks (SM-SocialLogin, AAD-UserReadUsingAlternativeSecurityId-NoError) and local
 *   sign-in ones (login-NonInteractive): it needs a Social *and* Local base.
 * - password-change: replaces TrustFrameworkExtensions; uses local-account profiles only.
 * - phone-number-passwordless: self-contained (every RP inherits Phone_Email_Base.xml, which has no base).
 */
const SCENARIO_BASES: Record<string, { flavours: string[]; deployed: string[] }> = {
  'linkedin-identity-provider': {
    flavours: [
      'SocialAndLocalAccounts',
      'SocialAndLocalAccountsWithMfa',
      'Display Controls Starterpack/SocialAndLocalAccounts',
      'Display Controls Starterpack/SocialAndLocalAccountsWithMfa',
    ],
    deployed: ['B2C_1A_TrustFrameworkBase'],
  },
  'password-change': {
    flavours: [
      'LocalAccounts',
      'SocialAndLocalAccounts',
      'SocialAndLocalAccountsWithMfa',
      'Display Controls Starterpack/LocalAccounts',
      'Display Controls Starterpack/SocialAndLocalAccounts',
      'Display Controls Starterpack/SocialAndLocalAccountsWithMfa',
    ],
    deployed: ['B2C_1A_TrustFrameworkBase'],
  },
  'phone-number-passwordless': { flavours: [], deployed: [] },
};

/** The flavour with the scenario's files laid over it: a scenario file replaces the flavour file with its PolicyId. */
function combine(flavour: string, scenario: string): Files {
  const scen = readFlavour(path.join(SCENARIOS, scenario));
  const ids = new Set(Object.values(scen).map(policyIdOf));
  const out: Files = {};
  for (const [name, text] of Object.entries(readFlavour(flavour))) if (!ids.has(policyIdOf(text))) out[name] = text;
  for (const [name, text] of Object.entries(scen)) out[`scenarios/${scenario}/${name}`] = text;
  return out;
}

function policyIdOf(text: string): string {
  return /\bPolicyId="([^"]+)"/.exec(text)?.[1]?.toUpperCase() ?? '';
}

describeShared('starter packs lint clean', () => {
  it.each(FLAVOURS)('%s: 0 errors with every rule', (flavour) => {
    expect(errors(readFlavour(flavour))).toEqual([]);
  });

  it('every scenario folder is covered by this test', () => {
    expect(readdirSync(SCENARIOS).sort()).toEqual(Object.keys(SCENARIO_BASES).sort());
  });

  for (const [scenario, { flavours, deployed }] of Object.entries(SCENARIO_BASES)) {
    if (flavours.length === 0) {
      it(`${scenario}: self-contained, 0 errors`, () => {
        expect(errors(readFlavour(path.join(SCENARIOS, scenario)))).toEqual([]);
      });
      continue;
    }
    it.each(flavours)(`${scenario} over %s: 0 errors`, (flavour) => {
      const files = combine(flavour, scenario);
      expect(Object.keys(files).filter((f) => f.startsWith('scenarios/'))).toHaveLength(readdirSync(path.join(SCENARIOS, scenario)).length);
      expect(errors(files)).toEqual([]);
    });
    it(`${scenario} alone, with ${deployed.join(', ')} listed as deployed: 0 errors`, () => {
      expect(errors(readFlavour(path.join(SCENARIOS, scenario)), deployed)).toEqual([]);
    });
    it(`${scenario} alone, without the deployed list: only POL-004 for the missing base`, () => {
      const got = errors(readFlavour(path.join(SCENARIOS, scenario)));
      expect(got.length).toBeGreaterThan(0);
      expect(got.every((e) => / POL-004 Base policy 'B2C_1A_TrustFrameworkBase' is not in this policy set/.test(e))).toBe(true);
    });
  }

  it('phone-number-passwordless: each relying party alone, with Phone_Email_Base deployed, is clean', () => {
    const files = readFlavour(path.join(SCENARIOS, 'phone-number-passwordless'));
    for (const [name, text] of Object.entries(files)) {
      if (name === 'Phone_Email_Base.xml') continue;
      expect(errors({ [name]: text }, ['B2C_1A_Phone_Email_Base'])).toEqual([]);
    }
  });

  it('negative control: the LinkedIn scenario over a local-only base has real, located reference errors', () => {
    const got = errors(combine('LocalAccounts', 'linkedin-identity-provider'));
    expect(got).toContain(
      "scenarios/linkedin-identity-provider/TrustFrameworkExtensions.xml:96:52 REF-002 UseTechnicalProfileForSessionManagement ReferenceId 'SM-SocialLogin': no technical profile with this Id in this policy or its bases.",
    );
  });
});


function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/b2c-totp.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describeShared('the real CLI on an unmodified starter pack', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('finds the XSD above the flavour folders (so the CLI run below validates against it)', () => {
    expect(findXsd([flavourDir('SocialAndLocalAccounts')])).toBe(XSD_PATH);
    expect(findXsd([flavourDir('Display Controls Starterpack/SocialAndLocalAccountsWithMfa')])).toBe(XSD_PATH);
  });

  it.each(['SocialAndLocalAccountsWithMfa', 'scenarios/phone-number-passwordless'])('lint %s --format json: exit 0, 0 errors', (dir) => {
    const r = cli(['lint', flavourDir(dir), '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { summary: { errors: number; warnings: number }; diagnostics: Array<{ ruleId: string }> };
    expect(report.summary.errors).toBe(0);
    expect(report.summary.warnings).toBe(0);
    // No schema finding either: the starter pack is valid against the XSD found beside it.
    expect(report.diagnostics.filter((d) => d.ruleId.startsWith('SCH-'))).toEqual([]);
  });

  it('the same result with the XSD named explicitly', () => {
    const r = cli(['lint', flavourDir('LocalAccounts'), '--format', 'json', '--xsd', XSD_PATH]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).summary.errors).toBe(0);
  });
});
