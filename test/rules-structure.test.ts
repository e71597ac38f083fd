import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from '../src/xml/parse.js';
import { describe, expect, it } from 'vitest';
import { childOrder, SCHEMA_ORDER } from '../src/policy/schema-order.js';
import { childElements, type XmlElement } from '../src/xml/element.js';
import { loadXsdValidator, type XsdValidator } from '../src/xsd/validate.js';
import { expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { allStarterFiles, describeShared, STARTER, XSD_PATH } from './helpers/shared.js';

const BASE = 'TrustFrameworkBase.xml';
const EXT = 'TrustFrameworkExtensions.xml';
const LOC = 'TrustFrameworkLocalization.xml';
const RP = 'SignUpOrSignin.xml';

/** Lines joined the way the starter-pack files are (LF); seed() fails loudly if that ever changes. */
const lines = (...l: string[]): string => l.join('\n');

/** A stand-in for a compiled schema: SCH-001 only looks at whether one is present. */
const STUB_XSD: XsdValidator = { validate: () => [], dispose: () => {} };

describeShared('SCH-001 element-order', () => {
  const sal = (): Files => readFlavour('SocialAndLocalAccounts');

  it('every starter-pack file, each folder linted as one set, is clean', () => {
    const byDir = new Map<string, Files>();
    for (const f of allStarterFiles()) {
      const dir = path.dirname(f);
      const files = byDir.get(dir) ?? {};
      files[path.basename(f)] = readFileSync(path.join(STARTER, f), 'utf8');
      byDir.set(dir, files);
    }
    expect(byDir.size).toBeGreaterThanOrEqual(11);
    for (const [dir, files] of byDir) expect(lintFiles(files, 'SCH-001'), dir).toEqual([]);
  });

  it('TechnicalProfile: DisplayName after Protocol', () => {
    const files = seed(
      sal(),
      BASE,
      lines('<TechnicalProfile Id="login-NonInteractive">', '          <DisplayName>Local Account SignIn</DisplayName>', '          <Protocol Name="OpenIdConnect" />'),
      lines('<TechnicalProfile Id="login-NonInteractive">', '          <Protocol Name="OpenIdConnect" />', '          <DisplayName>Local Account SignIn</DisplayName>'),
    );
    expectFindings(lintFiles(files, 'SCH-001'), 'SCH-001', [
      {
        file: BASE,
        line: 555,
        column: 12,
        severity: 'error',
        message:
          '<DisplayName> must come before <Protocol> in <TechnicalProfile Id="login-NonInteractive"> (schema order: …, DisplayName, Protocol, Metadata, InputClaims, OutputClaims, …).',
      },
    ]);
  });

  it('OrchestrationStep: Preconditions after ClaimsExchanges', () => {
    const preconditions = lines(
      '          <Preconditions>',
      '            <Precondition Type="ClaimsExist" ExecuteActionsIf="true">',
      '              <Value>objectId</Value>',
      '              <Action>SkipThisOrchestrationStep</Action>',
      '            </Precondition>',
      '          </Preconditions>',
    );
    const exchanges = lines(
      '          <ClaimsExchanges>',
      '            <ClaimsExchange Id="FacebookExchange" TechnicalProfileReferenceId="Facebook-OAUTH" />',
      '            <ClaimsExchange Id="SignUpWithLogonEmailExchange" TechnicalProfileReferenceId="LocalAccountSignUpWithLogonEmail" />',
      '          </ClaimsExchanges>',
    );
    const files = seed(sal(), BASE, lines(preconditions, exchanges), lines(exchanges, preconditions));
    expectFindings(lintFiles(files, 'SCH-001'), 'SCH-001', [
      {
        file: BASE,
        line: 1123,
        column: 12,
        message: '<Preconditions> must come before <ClaimsExchanges> in <OrchestrationStep Order="2"> (schema order: Preconditions, ClaimsProviderSelections, ClaimsExchanges, JourneyList).',
      },
    ]);
  });

  it('BuildingBlocks: ContentDefinitions before ClaimsSchema', () => {
    const files = seed(
      sal(),
      EXT,
      '<BuildingBlocks>',
      lines(
        '<BuildingBlocks>',
        '    <ContentDefinitions>',
        '      <ContentDefinition Id="api.selfasserted.totp">',
        '        <LoadUri>~/tenant/templates/AzureBlue/selfAsserted.cshtml</LoadUri>',
        '        <DataUri>urn:com:microsoft:aad:b2c:elements:contract:selfasserted:2.1.30</DataUri>',
        '      </ContentDefinition>',
        '    </ContentDefinitions>',
        '    <ClaimsSchema>',
        '      <ClaimType Id="otpCode">',
        '        <DisplayName>Verification code</DisplayName>',
        '        <DataType>string</DataType>',
        '      </ClaimType>',
        '    </ClaimsSchema>',
      ),
    );
    expectFindings(lintFiles(files, 'SCH-001'), 'SCH-001', [
      {
        file: EXT,
        line: 22,
        column: 6,
        message:
          '<ClaimsSchema> must come before <ContentDefinitions> in <BuildingBlocks> (schema order: ClaimsSchema, Predicates, InputValidations, PredicateValidations, ClaimsTransformations, ClientDefinitions, ContentDefinitions, Localization, DisplayControls).',
      },
    ]);
  });

  it('TrustFrameworkPolicy: UserJourneys before ClaimsProviders', () => {
    const files = seed(
      sal(),
      EXT,
      '  <ClaimsProviders>',
      lines(
        '  <UserJourneys>',
        '    <UserJourney Id="SignUpOrSignInTotp">',
        '      <OrchestrationSteps>',
        '        <OrchestrationStep Order="1" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />',
        '      </OrchestrationSteps>',
        '    </UserJourney>',
        '  </UserJourneys>',
        '  <ClaimsProviders>',
      ),
    );
    expectFindings(lintFiles(files, 'SCH-001'), 'SCH-001', [
      { file: EXT, line: 26, column: 4, message: '<ClaimsProviders> must come before <UserJourneys> in <TrustFrameworkPolicy>' },
    ]);
  });

  it('LocalizedResources: LocalizedCollections after LocalizedStrings (MicrosoftDocs#50499)', () => {
    const files = seed(
      sal(),
      LOC,
      lines('        </LocalizedStrings>', '      </LocalizedResources>', '', '      <!--Local account sign-up page English-->'),
      lines(
        '        </LocalizedStrings>',
        '        <LocalizedCollections>',
        '          <LocalizedCollection ElementType="ClaimType" ElementId="mfaMethod" TargetCollection="Restriction">',
        '            <Item Text="Authenticator app" Value="totp" />',
        '          </LocalizedCollection>',
        '        </LocalizedCollections>',
        '      </LocalizedResources>',
        '',
        '      <!--Local account sign-up page English-->',
      ),
    );
    expectFindings(lintFiles(files, 'SCH-001'), 'SCH-001', [
      {
        file: LOC,
        line: 105,
        column: 10,
        message: '<LocalizedCollections> must come before <LocalizedStrings> in <LocalizedResources Id="api.signuporsignin.en"> (schema order: LocalizedCollections, LocalizedStrings).',
      },
    ]);
  });

  it("the RelyingParty's TechnicalProfile is checked with the technical-profile order", () => {
    // Protocol moved from after DisplayName to after SubjectNamingInfo.
    let files = seed(sal(), RP, lines('      <DisplayName>PolicyProfile</DisplayName>', '      <Protocol Name="OpenIdConnect" />'), '      <DisplayName>PolicyProfile</DisplayName>');
    files = seed(files, RP, '      <SubjectNamingInfo ClaimType="sub" />', lines('      <SubjectNamingInfo ClaimType="sub" />', '      <Protocol Name="OpenIdConnect" />'));
    expectFindings(lintFiles(files, 'SCH-001'), 'SCH-001', [
      {
        file: RP,
        line: 34,
        column: 8,
        message: '<Protocol> must come before <OutputClaims> in <TechnicalProfile Id="PolicyProfile"> (schema order: …, DisplayName, Protocol, OutputClaims, SubjectNamingInfo, …).',
      },
    ]);
  });

  it('reports one finding per element, at the first misplaced child, naming the earliest sibling it belongs before', () => {
    const files = seed(
      sal(),
      BASE,
      lines('<TechnicalProfile Id="login-NonInteractive">', '          <DisplayName>Local Account SignIn</DisplayName>', '          <Protocol Name="OpenIdConnect" />'),
      // DisplayName belongs before both Protocol and OutputTokenFormat; InputTokenFormat is out of place too.
      lines(
        '<TechnicalProfile Id="login-NonInteractive">',
        '          <Protocol Name="OpenIdConnect" /><OutputTokenFormat>JWT</OutputTokenFormat>',
        '          <DisplayName>Local Account SignIn</DisplayName><InputTokenFormat>JWT</InputTokenFormat>',
      ),
    );
    expectFindings(lintFiles(files, 'SCH-001'), 'SCH-001', [
      { file: BASE, line: 555, column: 12, message: '<DisplayName> must come before <Protocol> in' },
    ]);
  });

  it('ignores child names it does not know (SCH-002 reports those) and the free-form content of Extensions', () => {
    let files = seed(sal(), BASE, '          <DisplayName>Local Account SignIn</DisplayName>', '          <DisplayName>Local Account SignIn</DisplayName><Protocoll />');
    files = seed(
      files,
      EXT,
      lines('          </Metadata>', '        </TechnicalProfile>'),
      lines('          </Metadata>', '          <Extensions><OrchestrationStep><ClaimsExchanges /><Preconditions /></OrchestrationStep></Extensions>', '        </TechnicalProfile>'),
    );
    expect(lintFiles(files, 'SCH-001')).toEqual([]);
  });

  it('is silent when XSD validation runs (SCH-002 reports the same problem)', () => {
    const files = seed(sal(), EXT, '  <ClaimsProviders>', '  <UserJourneys />\n  <ClaimsProviders>');
    expect(lintFiles(files, 'SCH-001')).toHaveLength(1);
    expect(lintFiles(files, 'SCH-001', { xsd: STUB_XSD })).toEqual([]);
    expect(lintFiles(files, 'element-order', { xsd: STUB_XSD })).toEqual([]);
  });

  it('checks a file too large for XSD validation (over 4 MB) even when the XSD runs; SCH-002 says it skipped it', () => {
    let files = seed(sal(), EXT, '  <ClaimsProviders>', '  <UserJourneys />\n  <ClaimsProviders>');
    files = { ...files, [EXT]: `${files[EXT]}\n<!-- ${'x'.repeat(4 * 1024 * 1024)} -->\n` };
    const d = lintFiles(files, undefined, { xsd: STUB_XSD }).filter((x) => x.ruleId.startsWith('SCH'));
    expect(d.map((x) => `${x.ruleId} ${x.severity} ${x.file}:${x.line}:${x.column}`)).toEqual([`SCH-002 info ${EXT}:2:2`, `SCH-001 error ${EXT}:20:4`]);
    expect(d[0]!.message).toBe('Schema validation skipped: the file is 4.0 MB, over the 4 MB this check takes on; the service rejects files over 1024 KB (LIMIT-001). Split the file, then validate.');
  });

  it('honours an inline disable comment', () => {
    const files = seed(sal(), EXT, '  <ClaimsProviders>', '  <UserJourneys />\n  <!-- b2c-totp-disable-next-line SCH-001 -->\n  <ClaimsProviders>');
    expect(lintFiles(files, 'SCH-001')).toEqual([]);
  });
});

describeShared('SCH-001 agrees with the XSD', () => {
  it('swapping any two neighbouring, differently named children in the starter packs is an error for both or for neither', async () => {
    const xsd = await loadXsdValidator(XSD_PATH);
    const parse = (t: string) => parseDocument(t);
    const seen = new Set<string>();
    const disagree: string[] = [];
    let reorderErrors = 0;
    try {
      for (const f of allStarterFiles()) {
        const text = readFileSync(path.join(STARTER, f), 'utf8');
        const visit = (el: XmlElement): void => {
          const kids = childElements(el);
          for (let i = 0; i + 1 < kids.length; i++) {
            const [a, b] = [kids[i]!, kids[i + 1]!];
            const key = `${el.name}: ${a.name} ↔ ${b.name}`;
            if (a.name === b.name || seen.has(key)) continue;
            seen.add(key);
            const swapped = text.slice(0, a.start) + text.slice(b.start, b.end) + text.slice(a.end, b.start) + text.slice(a.start, a.end) + text.slice(b.end);
            const bySchema = xsd.validate(swapped, parse(swapped)).some((p) => !/Duplicate key-sequence/.test(p.message));
            const byRule = lintFiles({ [path.basename(f)]: swapped }, 'SCH-001').length > 0;
            if (byRule) reorderErrors++;
            if (bySchema !== byRule) disagree.push(`${f} ${key}: XSD ${bySchema ? 'rejects' : 'accepts'}, SCH-001 ${byRule ? 'reports' : 'is silent'}`);
          }
          if (el.name !== 'Extensions') kids.forEach(visit);
        };
        visit(parse(text).root!);
      }
    } finally {
      xsd.dispose();
    }
    expect(disagree).toEqual([]);
    expect(seen.size).toBeGreaterThan(50);
    expect(reorderErrors).toBeGreaterThan(30);
  }, 60_000);
});

describe('schema order tables', () => {
  it('name each child once per element, and only tabled elements with two or more children', () => {
    for (const [key, names] of Object.entries(SCHEMA_ORDER)) {
      expect(new Set(names).size, key).toBe(names.length);
      expect(names.length, key).toBeGreaterThanOrEqual(2);
    }
  });

  it('tell a TechnicalProfile in TechnicalProfiles or RelyingParty from the bare reference in InputTokenSources', () => {
    expect(childOrder('TechnicalProfile', 'TechnicalProfiles')?.key).toBe('TechnicalProfiles/TechnicalProfile');
    expect(childOrder('TechnicalProfile', 'RelyingParty')?.key).toBe('RelyingParty/TechnicalProfile');
    expect(childOrder('TechnicalProfile', 'InputTokenSources')).toBeUndefined();
    expect(childOrder('OrchestrationStep', 'OrchestrationSteps')?.rank.get('Preconditions')).toBe(0);
    expect(childOrder('constructor', undefined)).toBeUndefined();
  });
});

describeShared('SCH-002 xsd-valid and templating tokens', () => {
  it('a templating token where the schema wants a tenant name or GUID is left to ENV-001; a real bad value is still an error', async () => {
    const xsd = await loadXsdValidator(XSD_PATH);
    try {
      const sal = readFlavour('SocialAndLocalAccounts');
      const templated = seed(sal, RP, 'TenantId="yourtenant.onmicrosoft.com"', 'TenantId="{Settings:Tenant}.onmicrosoft.com"');
      const d = lintFiles(templated, undefined, { xsd }).filter((x) => x.ruleId === 'SCH-002' || (x.ruleId === 'ENV-001' && x.file === RP && x.line === 7));
      expect(d.map((x) => `${x.ruleId} ${x.severity} ${x.file}:${x.line}:${x.column}`)).toEqual([`ENV-001 info ${RP}:7:13`]);
      const bad = seed(sal, RP, 'TenantId="yourtenant.onmicrosoft.com"', 'TenantId="contoso_b2c.onmicrosoft.com"');
      expectFindings(lintFiles(bad, 'SCH-002', { xsd }), 'SCH-002', [{ file: RP, line: 7, column: 3, message: "The value 'contoso_b2c.onmicrosoft.com' is not accepted by the pattern" }]);
    } finally {
      xsd.dispose();
    }
  });
});
