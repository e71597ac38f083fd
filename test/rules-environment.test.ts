import { describe, expect, it } from 'vitest';
import type { TargetEnvironment } from '../src/policy/settings.js';
import { expectFindings, lintFiles } from './helpers/policy-set.js';

/** One policy with everything the environment rules look at; header lines 2-3, BasePolicy TenantId text at 5:15. */
const POLICY = `<?xml version="1.0" encoding="utf-8"?>
<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0"
  TenantId="contosodev.onmicrosoft.com" PolicyId="B2C_1A_X" PublicPolicyUri="http://contosodev.onmicrosoft.com/B2C_1A_X" DeploymentMode="Development">
  <BasePolicy>
    <TenantId>contosodev.onmicrosoft.com</TenantId>
    <PolicyId>B2C_1A_Base</PolicyId>
  </BasePolicy>
  <RelyingParty>
    <UserJourneyBehaviors><JourneyInsights TelemetryEngine="ApplicationInsights" DeveloperMode="true" /></UserJourneyBehaviors>
    <TechnicalProfile Id="PolicyProfile"><Metadata><Item Key="a">{Settings:Missing}</Item><Item Key="b">{settings:Blank}</Item><Item Key="c">IdentityExperienceFrameworkAppId</Item></Metadata></TechnicalProfile>
  </RelyingParty>
</TrustFrameworkPolicy>
`;
const FILES = { 'X.xml': POLICY };
const PROD: TargetEnvironment = { name: 'Prod', tenant: 'contoso.onmicrosoft.com', production: true, settings: { Blank: ' ', Mising: 'x' } };
const col = (needle: string) => POLICY.split('\n').find((l) => l.includes(needle))!.indexOf(needle) + 1;

describe('environment rules (ENV-002, ENV-003, ENV-004) read options.environment', () => {
  it('report nothing without an environment (plain lint, also with --ready)', () => {
    for (const id of ['ENV-002', 'ENV-003', 'ENV-004']) {
      expect(lintFiles(FILES, id), id).toEqual([]);
      expect(lintFiles(FILES, id, { ready: true }), id).toEqual([]);
    }
  });

  it('ENV-002 production-settings: development mode in a production environment only', () => {
    expectFindings(lintFiles(FILES, 'production-settings', { ready: true, environment: PROD }), 'ENV-002', [
      { file: 'X.xml', line: 3, column: col('DeploymentMode='), severity: 'error', message: "DeploymentMode=\"Development\" in environment 'Prod'" },
      { file: 'X.xml', line: 9, column: col('DeveloperMode='), message: 'JourneyInsights DeveloperMode="true"' },
    ]);
    expect(lintFiles(FILES, 'ENV-002', { ready: true, environment: { ...PROD, production: false } })).toEqual([]);
  });

  it("ENV-003 environment-tenant: TenantId and BasePolicy/TenantId against the environment's tenant", () => {
    expectFindings(lintFiles(FILES, 'environment-tenant', { ready: true, environment: PROD }), 'ENV-003', [
      { file: 'X.xml', line: 3, column: 3, message: "TenantId 'contosodev.onmicrosoft.com' is not the tenant of environment 'Prod' (contoso.onmicrosoft.com)." },
      { file: 'X.xml', line: 5, column: 15, message: 'BasePolicy TenantId' },
    ]);
    expect(lintFiles(FILES, 'ENV-003', { ready: true, environment: { ...PROD, tenant: 'ContosoDev.onmicrosoft.com' } })).toEqual([]);
  });

  it('ENV-004 unknown-setting: a missing key (with a suggestion), an empty one, a starter-pack word without its setting', () => {
    expectFindings(lintFiles(FILES, 'unknown-setting', { ready: true, environment: PROD }), 'ENV-004', [
      { file: 'X.xml', line: 10, column: col('{Settings:Missing}'), message: "Environment 'Prod' has no setting 'Missing' for '{Settings:Missing}'. Did you mean 'Mising'?" },
      { file: 'X.xml', line: 10, column: col('{settings:Blank}'), message: "Environment 'Prod' has no value for setting 'Blank' to replace '{settings:Blank}' (it is empty)." },
      { file: 'X.xml', line: 10, column: col('IdentityExperienceFrameworkAppId<'), message: "has no setting 'IdentityExperienceFrameworkAppId' to replace the starter-pack placeholder" },
    ]);
    const filled = { ...PROD, settings: { Missing: 'm', Blank: 'b', IdentityExperienceFrameworkAppId: 'i' } };
    // Values present: the tokens in the text are ones a value put there (not expanded again).
    expect(lintFiles(FILES, 'ENV-004', { ready: true, environment: filled }).map((d) => d.message)).toEqual([
      "'{Settings:Missing}' is left in the output: a setting value contains it (values are inserted as they are, not expanded again).",
      "'{settings:Blank}' is left in the output: a setting value contains it (values are inserted as they are, not expanded again).",
    ]);
  });
});
