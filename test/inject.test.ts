import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Policy } from '../src/policy/policy.js';
import { TOTP_IDS } from '../src/totp/catalogue.js';
import { unifiedDiff } from '../src/util/diff.js';
import { loadXsdValidator, type XsdValidator } from '../src/xsd/validate.js';
import { injectFiles } from './helpers/inject.js';
import { buildSet, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared, FLAVOURS, HAVE_SHARED, XSD_PATH } from './helpers/shared.js';

const CONTOSO = fileURLToPath(new URL('./fixtures/contoso/', import.meta.url));
const GOLDEN = fileURLToPath(new URL('./golden/contoso-layer/', import.meta.url));

function readDir(dir: string): Files {
  const files: Files = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.xml')).sort()) files[f] = readFileSync(path.join(dir, f), 'utf8');
  return files;
}

/** Every TOTP building-block id of totp-spec §4 that the generator always writes. */
const ALWAYS = {
  TechnicalProfile: ['AzureMfa-GetAvailableDevices', 'AzureMfa-BeginVerifyOTP', 'AzureMfa-VerifyOTP', 'EnableOTPAuthentication', 'OTPVerification', 'SetTotpDefaultValue', 'SM-MFA-TOTP', 'SM-MFA-Totp-Input'],
  ClaimsTransformation: ['CreateSecret', 'CreateIssuer', 'CreateUriLabel', 'CreateUriString'],
  DisplayControl: TOTP_IDS.displayControls,
  ContentDefinition: [TOTP_IDS.contentDefinition],
  LocalizedResources: [TOTP_IDS.localizedResources],
  SubJourney: ['SetTotpInitialValue', 'TotpFactor-Input', 'TotpFactor-Verify'],
  ClaimType: ['totpIdentifier', 'numberOfAvailableDevices', 'QrCodeScanInstruction', 'QrCodeVerifyInstruction', 'qrCodeContent', 'secretKey', 'otpCode', 'uriLabel', 'issuer'],
} as const;

/** The identifier building blocks for each local-account claim a flavour signs in with. */
const IDENTIFIER_IDS: Record<string, { tp: string; ct: string }> = {
  email: { tp: 'CreateTotpIdentifier-Email', ct: 'EmailToTotpIdentifier' },
  signInName: { tp: 'CreateTotpIdentifier-SignInName', ct: 'SignInNameToTotpIdentifier' },
};

let xsd: XsdValidator | undefined;
beforeAll(async () => {
  if (HAVE_SHARED) xsd = await loadXsdValidator(XSD_PATH);
});
afterAll(() => xsd?.dispose());

describeShared('inject on every starter-pack flavour', () => {
  for (const flavour of FLAVOURS) {
    for (const mode of ['layer', 'inline'] as const) {
      describe(`${flavour}, ${mode} mode`, () => {
        const original = readFlavour(flavour);
        const { plan, result } = injectFiles(original, { mode });

        it('succeeds and protects the sign-in journeys', () => {
          expect(plan.problems).toEqual([]);
          expect(plan.changes.length).toBeGreaterThan(0);
          expect(plan.protected.map((p) => p.journeyId)).toContain('SignUpOrSignIn');
          // The WithMfa packs already run phone MFA: the plan says so, once per journey.
          const phoneNotes = plan.notes.filter((n) => n.includes('already runs phone MFA'));
          expect(phoneNotes.length).toBe(flavour.endsWith('WithMfa') ? plan.protected.length : 0);
        });

        it('lints with 0 errors', () => {
          const errors = lintFiles(result).filter((d) => d.severity === 'error');
          expect(errors.map((d) => `${d.ruleId} ${d.file}:${d.line}:${d.column} ${d.message}`)).toEqual([]);
        });

        it('is valid against the starter pack XSD', () => {
          for (const c of plan.changes) {
            const p = buildSet({ [c.path]: c.after }).policies[0]!;
            expect(xsd!.validate(c.after, p.source.doc).map((x) => x.message), c.path).toEqual([]);
          }
        });

        it('changes nothing when run again', () => {
          const again = injectFiles(result, { mode });
          expect(again.plan.problems).toEqual([]);
          expect(again.plan.changes).toEqual([]);
          expect(again.plan.notes.join(' ')).toContain('already present');
        });

        it('leaves every untouched byte of the user files as it was', () => {
          if (mode === 'layer') {
            // Layer mode only adds files.
            for (const c of plan.changes) expect(c.before, c.path).toBeUndefined();
            // New files follow the starter pack's encoding: UTF-8 with a BOM, as every file there is.
            for (const c of plan.changes) expect(c.after.charCodeAt(0), c.path).toBe(0xfeff);
            for (const name of Object.keys(original)) expect(result[name]).toBe(original[name]);
            return;
          }
          for (const c of plan.changes) {
            const diff = unifiedDiff(c.before, c.after, c.path, c.path);
            const removed = diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'));
            const isRp = !!buildSet({ [c.path]: c.before! }).policies[0]!.relyingParty;
            // Only a relying party's DefaultUserJourney line changes; the extension file only gains lines,
            // except an empty container written on one line (<X></X>), which must open up.
            const changed = removed.map((l) => l.slice(1).trim()).filter((l) => isRp || !/^<(\w+)(\s[^>]*)?(\/>|><\/\1>)$/.test(l));
            expect(changed, c.path).toEqual(isRp ? [expect.stringMatching(/^<DefaultUserJourney ReferenceId="/)] : []);
            expect(c.before!.charCodeAt(0), c.path).toBe(0xfeff); // every starter-pack file has a BOM
            expect(c.after.charCodeAt(0), c.path).toBe(0xfeff);
          }
        });

        it('contains every TOTP building block for the identifier claims it uses', () => {
          const set = buildSet(result);
          const layer = set.policies.find((p) => p.defined('TechnicalProfile', 'AzureMfa-VerifyOTP').length)!;
          expect(layer).toBeInstanceOf(Policy);
          for (const [kind, ids] of Object.entries(ALWAYS)) {
            for (const id of ids) expect(set.find(kind as never, id, layer), `${kind} ${id}`).toBeDefined();
          }
          for (const claim of plan.identifiers) {
            const ids = IDENTIFIER_IDS[claim];
            if (!ids) continue;
            expect(layer.defined('TechnicalProfile', ids.tp).length, ids.tp).toBe(1);
            expect(layer.defined('ClaimsTransformation', ids.ct).length, ids.ct).toBe(1);
          }
        });
      });
    }
  }
});

describe('inject on our own fixture (golden files)', () => {
  const files = readDir(CONTOSO);
  const { plan, result } = injectFiles(files, { issuer: 'Contoso & Co' });

  it('writes exactly the reviewed layer and relying-party files', () => {
    expect(plan.problems).toEqual([]);
    expect(plan.changes.map((c) => c.path).sort()).toEqual(['Extensions_TOTP.xml', 'PasswordReset_TOTP.xml', 'SignIn_TOTP.xml']);
    for (const c of plan.changes) expect(c.after, c.path).toBe(readFileSync(path.join(GOLDEN, c.path), 'utf8'));
  });

  it('places TOTP after the directory read and before a password change', () => {
    expect(plan.protected.map((p) => `${p.journeyId} -> ${p.copyId} before ${p.beforeWhat}`)).toEqual([
      'PasswordReset -> PasswordReset_TOTP before step 2 (ClaimsExchange: LocalAccountWritePasswordUsingObjectId)',
      'SignIn -> SignIn_TOTP before step 3 (SendClaims)',
    ]);
    expect(plan.upnOverrides).toEqual(['AAD-UserReadUsingObjectId', 'SelfAsserted-LocalAccountSignin-Email']);
    expect(plan.identifiers).toEqual(['email', 'signInName', 'objectId']);
  });

  it('lints clean, with no issuer placeholder left', () => {
    expect(lintFiles(result).filter((d) => d.severity !== 'info')).toEqual([]);
    expect(result['Extensions_TOTP.xml']).not.toContain('{AuthenticatorIssuer}');
    expect(result['Extensions_TOTP.xml']).toContain('Value="Contoso &amp; Co"');
  });
});

describe('totpIdentifier sources', () => {
  const base = readDir(CONTOSO);
  /** Adds a claim to the schema and to the sign-in profile's outputs, so the journey produces it. */
  const withClaim = (id: string, dataType: string) =>
    seed(
      seed(base, 'Base.xml', '            <ClaimType Id="sub">', `            <ClaimType Id="${id}">\n                <DisplayName>${id}</DisplayName>\n                <DataType>${dataType}</DataType>\n            </ClaimType>\n            <ClaimType Id="sub">`),
      'Base.xml',
      '                        <OutputClaim ClaimTypeReferenceId="objectId" />\n                    </OutputClaims>\n                    <ValidationTechnicalProfiles>\n                        <ValidationTechnicalProfile ReferenceId="login-NonInteractive" />',
      `                        <OutputClaim ClaimTypeReferenceId="objectId" />\n                        <OutputClaim ClaimTypeReferenceId="${id}" DefaultValue="" />\n                    </OutputClaims>\n                    <ValidationTechnicalProfiles>\n                        <ValidationTechnicalProfile ReferenceId="login-NonInteractive" />`,
    );

  const layerOf = (files: Files, opts = {}) => {
    const { plan, result } = injectFiles(files, opts);
    expect(plan.problems).toEqual([]);
    expect(lintFiles(result).filter((d) => d.severity === 'error')).toEqual([]);
    return { plan, layer: result['Extensions_TOTP.xml']! };
  };

  const profile = (tp: string, ct: string) =>
    [
      `        <TechnicalProfile Id="${tp}">`,
      expect.any(String),
      `          <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.ClaimsTransformationProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />`,
      '          <OutputClaims>',
      '            <OutputClaim ClaimTypeReferenceId="totpIdentifier" />',
      '          </OutputClaims>',
      '          <OutputClaimsTransformations>',
      `            <OutputClaimsTransformation ReferenceId="${ct}" />`,
      '          </OutputClaimsTransformations>',
      '        </TechnicalProfile>',
    ];

  function expectSource(layer4: string, claim: string, tp: string, ct: string, method: string, types: [string, string]) {
    // The fixture is indented with four spaces, and so is the generated file; compare in two-space steps.
    const layer = layer4.replace(/^(?: {4})+/gm, (m) => ' '.repeat(m.length / 2));
    const lines = layer.split('\n');
    const tpAt = lines.indexOf(`        <TechnicalProfile Id="${tp}">`);
    expect(tpAt, tp).toBeGreaterThan(0);
    expect(lines.slice(tpAt, tpAt + 10)).toEqual(profile(tp, ct));
    expect(layer).toContain(
      [
        `      <ClaimsTransformation Id="${ct}" TransformationMethod="${method}">`,
        '        <InputClaims>',
        `          <InputClaim ClaimTypeReferenceId="${claim}" TransformationClaimType="${types[0]}" />`,
        '        </InputClaims>',
        '        <OutputClaims>',
        `          <OutputClaim ClaimTypeReferenceId="totpIdentifier" TransformationClaimType="${types[1]}" />`,
        '        </OutputClaims>',
        '      </ClaimsTransformation>',
      ].join('\n'),
    );
    // The guarded step: skip when totpIdentifier is already set, or when this claim is missing.
    expect(layer).toMatch(
      new RegExp(
        [
          '<OrchestrationStep Order="\\d+" Type="ClaimsExchange">',
          '\\s*<Preconditions>',
          '\\s*<Precondition Type="ClaimsExist" ExecuteActionsIf="true">\\s*<Value>totpIdentifier</Value>\\s*<Action>SkipThisOrchestrationStep</Action>\\s*</Precondition>',
          `\\s*<Precondition Type="ClaimsExist" ExecuteActionsIf="false">\\s*<Value>${claim.replace('.', '\\.')}</Value>\\s*<Action>SkipThisOrchestrationStep</Action>\\s*</Precondition>`,
          '\\s*</Preconditions>',
          `\\s*<ClaimsExchanges>\\s*<ClaimsExchange Id="SetTotpIdentifierAs\\w+" TechnicalProfileReferenceId="${tp}" />`,
        ].join(''),
      ),
    );
  }

  it('signInName: CopyClaim into totpIdentifier', () => {
    const { plan, layer } = layerOf(base);
    expect(plan.identifiers).toContain('signInName');
    expectSource(layer, 'signInName', 'CreateTotpIdentifier-SignInName', 'SignInNameToTotpIdentifier', 'CopyClaim', ['inputClaim', 'outputClaim']);
  });

  it('email: CopyClaim into totpIdentifier', () => {
    const { layer } = layerOf(base);
    expectSource(layer, 'email', 'CreateTotpIdentifier-Email', 'EmailToTotpIdentifier', 'CopyClaim', ['inputClaim', 'outputClaim']);
  });

  it('emails (a string collection): its first item', () => {
    const { plan, layer } = layerOf(withClaim('emails', 'stringCollection'));
    expect(plan.identifiers).toContain('emails');
    expectSource(layer, 'emails', 'CreateTotpIdentifier-Emails', 'EmailsToTotpIdentifier', 'GetSingleItemFromStringCollection', ['collection', 'extractedItem']);
  });

  it('UserId (username sign-in): the seed names, CreateTotpIdentifier-UserId and UserIdToLogonIdentifier', () => {
    const { plan, layer } = layerOf(withClaim('UserId', 'string'));
    expect(plan.identifiers[0]).toBe('UserId');
    expectSource(layer, 'UserId', 'CreateTotpIdentifier-UserId', 'UserIdToLogonIdentifier', 'CopyClaim', ['inputClaim', 'outputClaim']);
  });

  it('phoneNumber (DataType phoneNumber): converted to a string, not copied', () => {
    const { plan, layer } = layerOf(withClaim('phoneNumber', 'phoneNumber'));
    expect(plan.identifiers).toContain('phoneNumber');
    expectSource(layer, 'phoneNumber', 'CreateTotpIdentifier-PhoneNumber', 'PhoneNumberToTotpIdentifier', 'ConvertPhoneNumberClaimToString', ['phoneNumber', 'phoneNumberString']);
  });

  it('a custom --identifier claim comes first', () => {
    const { plan, layer } = layerOf(base, { identifiers: ['loyaltyNumber'] });
    expect(plan.identifiers).toEqual(['loyaltyNumber', 'email', 'signInName', 'objectId']);
    expectSource(layer, 'loyaltyNumber', 'CreateTotpIdentifier-LoyaltyNumber', 'LoyaltyNumberToTotpIdentifier', 'CopyClaim', ['inputClaim', 'outputClaim']);
  });

  it('refuses an --identifier that is not a claim, or one that cannot become a string', () => {
    expect(injectFiles(base, { identifiers: ['nope'] }).plan.problems).toEqual(["--identifier nope: no ClaimType 'nope' in the chain of B2C_1A_ContosoExtensions."]);
    const withBool = withClaim('isVip', 'boolean');
    expect(injectFiles(withBool, { identifiers: ['isVip'] }).plan.problems).toEqual([
      "Base.xml:36:13: claim 'isVip' has DataType 'boolean', which cannot be turned into the string totpIdentifier.",
    ]);
  });
});

describe('skips are per relying party, with one line each; the others are still protected', () => {
  const base = readDir(CONTOSO);
  const outcomes = (files: Files, opts = {}) => injectFiles(files, opts).plan.relyingParties.map((r) => `${r.path} ${r.status}${r.reason ? `: ${r.reason}` : ''}`);

  it('a relying-party file that does not parse is skipped; the other relying party is protected', () => {
    const { plan } = injectFiles({ ...base, 'SignIn.xml': base['SignIn.xml']!.replace('</RelyingParty>', '</RelyingPartie>') });
    expect(plan.problems).toEqual([]);
    expect(plan.relyingParties).toEqual([
      {
        path: 'SignIn.xml',
        policyId: 'B2C_1A_ContosoSignIn',
        journey: undefined,
        status: 'skipped',
        reason: 'SignIn.xml:20:5: Not well-formed XML: Missing end tag for element RelyingParty (found </RelyingPartie>) (the file cannot upload; fix it)',
        signIn: false,
      },
      { path: 'PasswordReset.xml', policyId: 'B2C_1A_ContosoPasswordReset', journey: 'PasswordReset', status: 'protected', signIn: true },
    ]);
    expect(plan.changes.map((c) => c.path)).toEqual(['Extensions_TOTP.xml', 'PasswordReset_TOTP.xml']);
  });

  it('no relying party', () => {
    const { plan } = injectFiles({ 'Base.xml': base['Base.xml']!, 'Extensions.xml': base['Extensions.xml']! });
    expect(plan.relyingParties).toEqual([]);
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual(['No relying-party policy (a file with <RelyingParty>) in the set: nothing to protect.']);
  });

  it('a missing base policy', () => {
    const { 'Base.xml': _, ...rest } = base;
    expect(outcomes(rest)).toEqual([
      'PasswordReset.xml skipped: PasswordReset.xml:2:1: the BasePolicy chain of B2C_1A_ContosoPasswordReset is not complete: base policy B2C_1A_ContosoBase is not in the set; add its file to the input.',
      'SignIn.xml skipped: SignIn.xml:2:1: the BasePolicy chain of B2C_1A_ContosoSignIn is not complete: base policy B2C_1A_ContosoBase is not in the set; add its file to the input.',
    ]);
  });

  it('a journey with no SendClaims; a journey --journey leaves out', () => {
    const files = seed(base, 'Base.xml', '                <OrchestrationStep Order="3" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />\n            </OrchestrationSteps>\n        </UserJourney>\n        <UserJourney Id="PasswordReset">', '            </OrchestrationSteps>\n        </UserJourney>\n        <UserJourney Id="PasswordReset">');
    expect(outcomes(files, { journeys: ['SignIn'] })).toEqual([
      "PasswordReset.xml skipped: journey 'PasswordReset' is not one of the --journey values.",
      "SignIn.xml skipped: SignIn.xml:10:9: journey 'SignIn' has no SendClaims step that issues a token; there is nothing to protect.",
    ]);
  });

  it('a journey that signs no directory user in is skipped, and says so; naming it with --journey says what is missing', () => {
    const api = base['SignIn.xml']!.replaceAll('B2C_1A_ContosoSignIn', 'B2C_1A_ContosoApi')
      .replace('<RelyingParty>', '<UserJourneys>\n        <UserJourney Id="ApiToken">\n            <OrchestrationSteps>\n                <OrchestrationStep Order="1" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />\n            </OrchestrationSteps>\n        </UserJourney>\n    </UserJourneys>\n    <RelyingParty>')
      .replace('ReferenceId="SignIn"', 'ReferenceId="ApiToken"');
    const files = { ...base, 'Api.xml': api };
    const { plan } = injectFiles(files);
    expect(plan.relyingParties.find((r) => r.path === 'Api.xml')).toEqual({
      path: 'Api.xml',
      policyId: 'B2C_1A_ContosoApi',
      journey: 'ApiToken',
      status: 'skipped',
      reason: "journey 'ApiToken' never reads or writes a directory user (no objectId or userPrincipalName for TOTP), so there is no sign-in to protect; name it with --journey if it does sign users in.",
      signIn: false,
    });
    expect(plan.relyingParties.filter((r) => r.status === 'protected').map((r) => r.path)).toEqual(['PasswordReset.xml', 'SignIn.xml']);
    expect(outcomes(files, { journeys: ['ApiToken'] }).find((o) => o.startsWith('Api.xml'))).toBe(
      "Api.xml skipped: Api.xml:17:9: journey 'ApiToken' does not read or write the directory user before its SendClaims (step 1), and TOTP needs its objectId and userPrincipalName there; add a directory read (e.g. AAD-UserReadUsingObjectId) before it.",
    );
  });

  it('an unknown --journey stops the run', () => {
    expect(injectFiles(base, { journeys: ['SignUp'] }).plan.problems).toEqual(['--journey SignUp: no relying party in the set uses this journey as its DefaultUserJourney.']);
  });

  it('an element with a TOTP id that differs from what it would generate', () => {
    const files = seed(
      base,
      'Extensions.xml',
      '            <TechnicalProfiles>\n                <TechnicalProfile Id="AAD-UserReadUsingObjectId">',
      '            <TechnicalProfiles>\n                <TechnicalProfile Id="AzureMfa-VerifyOTP">\n                    <DisplayName>Mine</DisplayName>\n                    <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.AzureMfaProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />\n                    <Metadata><Item Key="Operation">VerifyOTP</Item></Metadata>\n                    <InputClaims><InputClaim ClaimTypeReferenceId="password" PartnerClaimType="otpCode" /></InputClaims>\n                </TechnicalProfile>\n                <TechnicalProfile Id="AAD-UserReadUsingObjectId">',
    );
    const { plan } = injectFiles(files);
    expect(plan.changes).toEqual([]);
    const reason = "Extensions.xml:22:17: TechnicalProfile 'AzureMfa-VerifyOTP' is also a TOTP building block b2c-totp generates, and differs from it; rename or remove yours, then run inject again.";
    expect(plan.relyingParties.map((r) => [r.status, r.reason])).toEqual([
      ['skipped', reason],
      ['skipped', reason],
    ]);
  });

  it('a result the linter would reject (the generator checks its own output)', () => {
    // An existing totpIdentifier of another DataType is reused, and copying a string into it is an error.
    const files = seed(base, 'Extensions.xml', '            <!-- Contoso\'s own claims go here. -->', '            <ClaimType Id="totpIdentifier">\n                <DisplayName>Mine</DisplayName>\n                <DataType>int</DataType>\n            </ClaimType>');
    const { plan } = injectFiles(files);
    expect(plan.changes).toEqual([]);
    expect(plan.relyingParties.map((r) => r.status)).toEqual(['skipped', 'skipped']);
    for (const r of plan.relyingParties) expect(r.reason).toMatch(/^Extensions_TOTP\.xml:\d+:\d+: the result would not lint clean \(TOTP-014\): /);
  });

  it('a generated file the user edited', () => {
    const first = injectFiles(base).result;
    const edited = { ...first, 'Extensions_TOTP.xml': first['Extensions_TOTP.xml']!.replace('Value="Contoso"', 'Value="Fabrikam"') };
    const { plan } = injectFiles(edited);
    expect(plan.changes).toEqual([]);
    expect(plan.problems).toHaveLength(1);
    expect(plan.problems[0]).toMatch(/^Extensions_TOTP\.xml:\d+:1: this generated file differs from what b2c-totp would write now/);
    // --regenerate rewrites it (only files b2c-totp wrote: the marker says which).
    const again = injectFiles(edited, { regenerate: true });
    expect(again.plan.problems).toEqual([]);
    expect(again.plan.changes.map((c) => c.path)).toEqual(['Extensions_TOTP.xml']);
    expect(again.result['Extensions_TOTP.xml']).toBe(first['Extensions_TOTP.xml']);
  });
});
