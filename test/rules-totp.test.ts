import { afterAll, beforeAll, expect, it } from 'vitest';
import { totpSet } from './helpers/clean-sets.js';
import { RULES } from '../src/rules/index.js';
import { loadXsdValidator, type XsdValidator } from '../src/xsd/validate.js';
import { expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared, FLAVOURS, XSD_PATH } from './helpers/shared.js';

/** Our own TOTP policy set (extension + relying party), written for these tests from totp-spec §4. */
const EXT = 'TrustFrameworkExtensions_TOTP.xml';
const RP = 'SignUpOrSignIn_TOTP.xml';
const OURS = RULES.filter((r) => r.meta.category === 'totp' || r.meta.category === 'azuremfa');
const TOTP = OURS.filter((r) => r.meta.category === 'totp').map((r) => r.meta.id);
const OUR_ERRORS = OURS.filter((r) => r.meta.severity === 'error').map((r) => r.meta.id);

/** The set with one defect seeded into the TOTP extension. */
function seeded(find: string, replacement: string, files: Files = totpSet()): Files {
  return seed(files, EXT, find, replacement);
}

/** The three UPN overrides of starter-pack TPs, each removed. */
function withoutUpnOverrides(files: Files): Files {
  const upn = '<OutputClaims>\n            <OutputClaim ClaimTypeReferenceId="userPrincipalName" />\n          </OutputClaims>';
  for (const id of ['AAD-UserReadUsingObjectId', 'LocalAccountSignUpWithLogonEmail', 'SelfAsserted-LocalAccountSignin-Email']) {
    files = seed(files, EXT, `<TechnicalProfile Id="${id}">\n          ${upn}`, `<TechnicalProfile Id="${id}">\n          <OutputClaims>\n            <OutputClaim ClaimTypeReferenceId="displayName" />\n          </OutputClaims>`);
  }
  return files;
}

const BEGIN_STEP_VERIFY = '<ClaimsExchange Id="BeginVerification" TechnicalProfileReferenceId="AzureMfa-BeginVerifyOTP" />';
const BEGIN_STEP_INPUT = '<ClaimsExchange Id="BeginFirstVerification" TechnicalProfileReferenceId="AzureMfa-BeginVerifyOTP" />';
const VERIFY_VTP = '<ValidationTechnicalProfile ReferenceId="AzureMfa-VerifyOTP" />';

describeShared('TOTP fixture', () => {
  let xsd: XsdValidator;
  beforeAll(async () => {
    xsd = await loadXsdValidator(XSD_PATH);
  });
  afterAll(() => xsd?.dispose());

  it('has the TOTP rules registered', () => {
    expect(TOTP).toEqual([
      'TOTP-001', 'TOTP-002', 'TOTP-004', 'TOTP-005', 'TOTP-007', 'TOTP-008', 'TOTP-009', 'TOTP-010', 'TOTP-011', 'TOTP-012',
      'TOTP-013', 'TOTP-014', 'TOTP-015', 'TOTP-016', 'TOTP-017', 'TOTP-018', 'TOTP-019', 'TOTP-020', 'TOTP-028', 'TOTP-040',
    ]);
  });

  for (const flavour of ['SocialAndLocalAccounts', 'LocalAccounts']) {
    it(`on ${flavour}: no errors from any rule, no findings from ours`, () => {
      const d = lintFiles(totpSet(flavour));
      expect(d.filter((x) => x.severity === 'error')).toEqual([]);
      expect(d.filter((x) => OURS.some((r) => r.meta.id === x.ruleId))).toEqual([]);
    });

    it(`on ${flavour}: the fixture files are XSD-valid`, () => {
      const d = lintFiles(totpSet(flavour), 'SCH-002', { xsd });
      expect(d).toEqual([]);
    });
  }
});

describeShared('TOTP rules: seeded defects', () => {
  it('TOTP-001: verification page with no BeginVerifyOTP before it', () => {
    const files = seeded(BEGIN_STEP_VERIFY, BEGIN_STEP_VERIFY.replace('AzureMfa-BeginVerifyOTP', 'SetTotpDefaultValue'));
    expectFindings(lintFiles(files, 'TOTP-001'), 'TOTP-001', [{ file: EXT, line: 671, column: 47, severity: 'error', message: "no BeginVerifyOTP runs before it in TotpFactor-Verify" }]);
  });

  it('TOTP-001: the same defect in a journey no relying party of the set runs is not reported (a run-time failure needs a run)', () => {
    const files = seeded(BEGIN_STEP_VERIFY, BEGIN_STEP_VERIFY.replace('AzureMfa-BeginVerifyOTP', 'SetTotpDefaultValue'));
    delete files['SignUpOrSignIn_TOTP.xml'];
    expectFindings(lintFiles(files, 'TOTP-001'), 'TOTP-001', []);
  });

  it('TOTP-001: BeginVerifyOTP listed before VerifyOTP among the validation profiles is fine', () => {
    let files = seeded(BEGIN_STEP_VERIFY, BEGIN_STEP_VERIFY.replace('AzureMfa-BeginVerifyOTP', 'SetTotpDefaultValue'));
    files = seeded(VERIFY_VTP, `<ValidationTechnicalProfile ReferenceId="AzureMfa-BeginVerifyOTP" />${VERIFY_VTP}`, files);
    expectFindings(lintFiles(files, 'TOTP-001'), 'TOTP-001', []);
  });

  it('TOTP-001/002: BeginVerifyOTP listed after VerifyOTP', () => {
    let files = seeded(BEGIN_STEP_VERIFY, BEGIN_STEP_VERIFY.replace('AzureMfa-BeginVerifyOTP', 'SetTotpDefaultValue'));
    files = seeded(BEGIN_STEP_INPUT, BEGIN_STEP_INPUT.replace('AzureMfa-BeginVerifyOTP', 'SetTotpDefaultValue'), files);
    files = seeded(VERIFY_VTP, `${VERIFY_VTP}<ValidationTechnicalProfile ReferenceId="AzureMfa-BeginVerifyOTP" />`, files);
    const d = lintFiles(files);
    expectFindings(d, 'TOTP-001', [
      { file: EXT, line: 629, column: 52, message: "whose validation technical profile 'AzureMfa-VerifyOTP'" },
      { file: EXT, line: 671, column: 47 },
    ]);
    // Each page's BeginVerifyOTP comes after its VerifyOTP, and no later step of its sub-journey verifies.
    expectFindings(d, 'TOTP-002', [
      { file: EXT, line: 629, column: 52, severity: 'warning', message: "whose validation technical profile 'AzureMfa-BeginVerifyOTP'" },
      { file: EXT, line: 671, column: 47 },
    ]);
  });

  it('TOTP-002: BeginVerifyOTP step with no verification page after it', () => {
    const files = seeded(
      '<ClaimsExchange Id="Verification" TechnicalProfileReferenceId="OTPVerification" />',
      '<ClaimsExchange Id="Verification" TechnicalProfileReferenceId="SetTotpDefaultValue" />',
    );
    expectFindings(lintFiles(files, 'TOTP-002'), 'TOTP-002', [{ file: EXT, line: 659, column: 52, severity: 'warning', message: 'no VerifyOTP follows it in TotpFactor-Verify' }]);
  });

  for (const flavour of ['SocialAndLocalAccounts', 'LocalAccounts']) {
    it(`TOTP-004: no step outputs userPrincipalName (${flavour})`, () => {
      const files = withoutUpnOverrides(totpSet(flavour));
      expectFindings(lintFiles(files, 'TOTP-004'), 'TOTP-004', [
        { file: EXT, line: 593, column: 63, severity: 'error', message: "runs 'AzureMfa-GetAvailableDevices' (Operation GetAvailableDevices), which needs 'userPrincipalName', but no earlier step produces it in the journey of B2C_1A_SignUpOrSignIn_TOTP" },
        { file: EXT, line: 617, column: 57, severity: 'error', message: 'BeginVerifyOTP' },
        { file: EXT, line: 647, column: 47, severity: 'error' },
        { file: EXT, line: 659, column: 52, severity: 'error' },
      ]);
    });
  }

  it('TOTP-004: one override is enough on every path the analysis can see', () => {
    const files = withoutUpnOverrides(totpSet());
    const one = seed(
      files,
      EXT,
      '<TechnicalProfile Id="AAD-UserReadUsingObjectId">\n          <OutputClaims>\n            <OutputClaim ClaimTypeReferenceId="displayName" />',
      '<TechnicalProfile Id="AAD-UserReadUsingObjectId">\n          <OutputClaims>\n            <OutputClaim ClaimTypeReferenceId="userPrincipalName" />',
    );
    expectFindings(lintFiles(one, 'TOTP-004'), 'TOTP-004', []);
  });

  it('TOTP-004: only a social identity provider sets userPrincipalName (warning)', () => {
    let files = withoutUpnOverrides(totpSet('SocialAndLocalAccounts'));
    const signUp = '<ClaimsExchange Id="SignUpWithLogonEmailExchange" TechnicalProfileReferenceId="LocalAccountSignUpWithLogonEmail" />';
    files = seed(files, EXT, signUp, `<ClaimsExchange Id="FacebookExchange" TechnicalProfileReferenceId="Facebook-OAUTH" />${signUp}`);
    expectFindings(lintFiles(files, 'TOTP-004'), 'TOTP-004', [
      { file: EXT, line: 593, column: 63, severity: 'warning', message: "only identity-provider profile 'Facebook-OAUTH'" },
      { file: EXT, line: 617, column: 57, severity: 'warning' },
      { file: EXT, line: 647, column: 47, severity: 'warning' },
      { file: EXT, line: 659, column: 52, severity: 'warning' },
    ]);
  });

  it('TOTP-005: BeginVerifyOTP objectId mapped from a claim no step produces', () => {
    const files = seeded('<InputClaim ClaimTypeReferenceId="objectId" />', '<InputClaim ClaimTypeReferenceId="UserId" PartnerClaimType="objectId" />');
    expectFindings(lintFiles(files, 'TOTP-005'), 'TOTP-005', [
      { file: EXT, line: 617, column: 57, severity: 'error', message: "needs 'UserId' (as objectId)" },
      { file: EXT, line: 659, column: 52, severity: 'error' },
    ]);
  });

  it('TOTP-005: a claim produced only by a later step still counts as missing at the earlier one', () => {
    // otpCode comes from the first verification page: available to TotpFactor-Verify, not to TotpFactor-Input.
    const files = seeded('<InputClaim ClaimTypeReferenceId="objectId" />', '<InputClaim ClaimTypeReferenceId="otpCode" PartnerClaimType="objectId" />');
    expectFindings(lintFiles(files, 'TOTP-005'), 'TOTP-005', [{ file: EXT, line: 617, column: 57 }]);
  });

  it('TOTP-007: enrollment before SetTotpInitialValue', () => {
    const files = seeded(
      '<Candidate SubJourneyReferenceId="SetTotpInitialValue" />\n          </JourneyList>\n        </OrchestrationStep>\n        <OrchestrationStep Order="5" Type="InvokeSubJourney">\n          <JourneyList>\n            <Candidate SubJourneyReferenceId="TotpFactor-Input" />',
      '<Candidate SubJourneyReferenceId="TotpFactor-Input" />\n          </JourneyList>\n        </OrchestrationStep>\n        <OrchestrationStep Order="5" Type="InvokeSubJourney">\n          <JourneyList>\n            <Candidate SubJourneyReferenceId="SetTotpInitialValue" />',
    );
    expectFindings(lintFiles(files, 'TOTP-007'), 'TOTP-007', [
      { file: EXT, line: 605, column: 56, severity: 'error', message: "label transformation 'CreateUriLabel' reads 'totpIdentifier'" },
    ]);
  });

  it('TOTP-008: BuildUri before FormatStringMultipleClaims', () => {
    const files = seeded(
      '<InputClaimsTransformation ReferenceId="CreateUriLabel" />\n            <InputClaimsTransformation ReferenceId="CreateUriString" />',
      '<InputClaimsTransformation ReferenceId="CreateUriString" />\n            <InputClaimsTransformation ReferenceId="CreateUriLabel" />',
    );
    expectFindings(lintFiles(files, 'TOTP-008'), 'TOTP-008', [{ file: EXT, line: 306, column: 40, severity: 'error', message: "runs 'CreateUriLabel' (FormatStringMultipleClaims) after 'CreateUriString' (BuildUri)" }]);
  });

  it('TOTP-009: BuildUri with a misnamed query claim and another scheme', () => {
    let files = seeded('TransformationClaimType="query.secret"', 'TransformationClaimType="secret"');
    files = seeded('<InputParameter Id="scheme" DataType="string" Value="otpauth" />', '<InputParameter Id="scheme" DataType="string" Value="https" />', files);
    expectFindings(lintFiles(files, 'TOTP-009'), 'TOTP-009', [
      { file: EXT, line: 127, column: 29, severity: 'error', message: "no InputClaim with TransformationClaimType 'query.secret'" },
      { file: EXT, line: 130, column: 56, severity: 'error', message: "'secret'" },
      { file: EXT, line: 133, column: 57, severity: 'warning', message: "set it to 'otpauth'" },
    ]);
  });

  it('TOTP-010: CreateOtpSecret with a misnamed output', () => {
    const files = seeded(
      '<OutputClaim ClaimTypeReferenceId="secretKey" TransformationClaimType="outputClaim" />',
      '<OutputClaim ClaimTypeReferenceId="secretKey" TransformationClaimType="secret" />',
    );
    expectFindings(lintFiles(files, 'TOTP-010'), 'TOTP-010', [
      { file: EXT, line: 102, column: 29, severity: 'error', message: "'outputClaim'" },
      { file: EXT, line: 104, column: 57, severity: 'error', message: "'secret'" },
    ]);
  });

  it('TOTP-010: CreateOtpSecret with an input claim', () => {
    const files = seeded(
      '<ClaimsTransformation Id="CreateSecret" TransformationMethod="CreateOtpSecret">',
      '<ClaimsTransformation Id="CreateSecret" TransformationMethod="CreateOtpSecret"><InputClaims><InputClaim ClaimTypeReferenceId="issuer" TransformationClaimType="inputClaim" /></InputClaims>',
    );
    expectFindings(lintFiles(files, 'TOTP-010'), 'TOTP-010', [{ file: EXT, line: 102, column: 141, message: 'remove it' }]);
  });

  it('TOTP-011: FormatStringMultipleClaims with a misnamed claim; label format (info)', () => {
    let files = seeded('TransformationClaimType="inputClaim2"', 'TransformationClaimType="inputClaim"');
    files = seeded('Value="{0}:{1}"', 'Value="{1} ({0})"', files);
    expectFindings(lintFiles(files, 'TOTP-011'), 'TOTP-011', [
      { file: EXT, line: 115, column: 29, severity: 'error', message: "'inputClaim2'" },
      { file: EXT, line: 118, column: 61, severity: 'error', message: "Did you mean 'inputClaim1'?" },
      { file: EXT, line: 121, column: 63, severity: 'info', message: "'{0}:{1}'" },
    ]);
  });

  it('TOTP-012: CreateStringClaim with a misnamed parameter', () => {
    const files = seeded('<InputParameter Id="value" DataType="string" Value="Contoso" />', '<InputParameter Id="issuer" DataType="string" Value="Contoso" />');
    expectFindings(lintFiles(files, 'TOTP-012'), 'TOTP-012', [
      { file: EXT, line: 107, column: 29, severity: 'error', message: "InputParameter with Id 'value'" },
      { file: EXT, line: 109, column: 27, severity: 'error', message: "'issuer'" },
    ]);
  });

  it('TOTP-013: {AuthenticatorIssuer} left in', () => {
    const files = seeded('Id="query.issuer" DataType="string" Value="Contoso"', 'Id="query.issuer" DataType="string" Value="{AuthenticatorIssuer}"');
    expectFindings(lintFiles(files, 'TOTP-013'), 'TOTP-013', [{ file: EXT, line: 135, column: 63, severity: 'warning', message: "'query.issuer' of ClaimsTransformation 'CreateUriString'" }]);
  });

  it('TOTP-014: CopyClaim from a boolean into a string', () => {
    const files = seeded('<InputClaim ClaimTypeReferenceId="email" TransformationClaimType="inputClaim" />', '<InputClaim ClaimTypeReferenceId="newUser" TransformationClaimType="inputClaim" />');
    expectFindings(lintFiles(files, 'TOTP-014'), 'TOTP-014', [{ file: EXT, line: 151, column: 23, severity: 'error', message: "'newUser' (boolean) into 'totpIdentifier' (string)" }]);
  });

  it('TOTP-014: silent when a claim type does not resolve', () => {
    const files = seeded('<InputClaim ClaimTypeReferenceId="email" TransformationClaimType="inputClaim" />', '<InputClaim ClaimTypeReferenceId="noSuchClaim" TransformationClaimType="inputClaim" />');
    expectFindings(lintFiles(files, 'TOTP-014'), 'TOTP-014', []);
  });

  it('TOTP-015: a misspelled control type, and a CAPTCHA-like one (warning)', () => {
    const bad = seeded('UserInterfaceControlType="QrCodeControl"', 'UserInterfaceControlType="QRCodeControl"');
    expectFindings(lintFiles(bad, 'TOTP-015'), 'TOTP-015', [{ file: EXT, line: 203, column: 46, severity: 'error', message: "Did you mean 'QrCodeControl'?" }]);
    const captcha = seeded('UserInterfaceControlType="AuthenticatorAppIconControl"', 'UserInterfaceControlType="CaptchaControl"');
    expectFindings(lintFiles(captcha, 'TOTP-015'), 'TOTP-015', [{ file: EXT, line: 202, column: 56, severity: 'warning' }]);
  });

  it('TOTP-016: QrCodeControl without ControlClaimType, or without the input claim', () => {
    const noType = seeded(' ControlClaimType="QrCodeContent"', '');
    expectFindings(lintFiles(noType, 'TOTP-016'), 'TOTP-016', [{ file: EXT, line: 203, column: 23, severity: 'error', message: 'ControlClaimType="QrCodeContent"' }]);
    const noInput = seeded('<InputClaims>\n          <InputClaim ClaimTypeReferenceId="qrCodeContent" />\n        </InputClaims>\n        <DisplayClaims>', '<DisplayClaims>');
    expectFindings(lintFiles(noInput, 'TOTP-016'), 'TOTP-016', [{ file: EXT, line: 205, column: 25, severity: 'error', message: 'InputClaims' }]);
  });

  it('TOTP-016: QR claim that no BuildUri produces (warning)', () => {
    const files = seeded('<OutputClaim ClaimTypeReferenceId="qrCodeContent" TransformationClaimType="outputClaim" />', '<OutputClaim ClaimTypeReferenceId="uriLabel" TransformationClaimType="outputClaim" />');
    expectFindings(lintFiles(files, 'TOTP-016'), 'TOTP-016', [{ file: EXT, line: 208, column: 25, severity: 'warning', message: 'no BuildUri' }]);
  });

  it('TOTP-017: AuthenticatorInfoControl without the secret', () => {
    const files = seeded('<DisplayClaim ClaimTypeReferenceId="totpIdentifier" />\n          <DisplayClaim ClaimTypeReferenceId="secretKey" />', '<DisplayClaim ClaimTypeReferenceId="totpIdentifier" />');
    expectFindings(lintFiles(files, 'TOTP-017'), 'TOTP-017', [{ file: EXT, line: 211, column: 23, severity: 'warning', message: "only 'totpIdentifier'" }]);
  });

  it('TOTP-017: a shown claim missing from InputClaims', () => {
    const files = seeded('<InputClaim ClaimTypeReferenceId="totpIdentifier" />\n          <InputClaim ClaimTypeReferenceId="secretKey" />', '<InputClaim ClaimTypeReferenceId="totpIdentifier" />');
    expectFindings(lintFiles(files, 'TOTP-017'), 'TOTP-017', [{ file: EXT, line: 217, column: 25, severity: 'warning', message: "'secretKey'" }]);
  });

  it('TOTP-018: app-icon control with claims (info)', () => {
    const files = seeded(
      '<DisplayControl Id="authenticatorAppIconControl" UserInterfaceControlType="AuthenticatorAppIconControl" />',
      '<DisplayControl Id="authenticatorAppIconControl" UserInterfaceControlType="AuthenticatorAppIconControl"><DisplayClaims><DisplayClaim ClaimTypeReferenceId="QrCodeScanInstruction" /></DisplayClaims></DisplayControl>',
    );
    expectFindings(lintFiles(files, 'TOTP-018'), 'TOTP-018', [{ file: EXT, line: 202, column: 112, severity: 'info' }]);
  });

  it('TOTP-019: enrollment page on selfasserted 2.1.7', () => {
    const files = seeded('contract:selfasserted:2.1.26', 'contract:selfasserted:2.1.7');
    expectFindings(lintFiles(files, 'TOTP-019'), 'TOTP-019', [{ file: EXT, line: 296, column: 54, severity: 'error', message: "'EnableOTPAuthentication' shows TOTP display controls 'authenticatorAppIconControl', 'totpQrCodeControl', 'authenticatorInfoControl'" }]);
    expectFindings(lintFiles(files, 'TOTP-020'), 'TOTP-020', []);
  });

  it("TOTP-019: enrollment page on the starter pack's api.selfasserted (2.1.7), and on a non-selfasserted page", () => {
    const anchor = '<Item Key="ContentDefinitionReferenceId">api.selfasserted.totp</Item>\n            <Item Key="language.button_continue">Continue</Item>';
    const starter = seeded(anchor, anchor.replace('api.selfasserted.totp', 'api.selfasserted'));
    expectFindings(lintFiles(starter, 'TOTP-019'), 'TOTP-019', [{ file: EXT, line: 296, column: 54, message: "'api.selfasserted' uses selfasserted 2.1.7" }]);
    const signin = seeded(anchor, anchor.replace('api.selfasserted.totp', 'api.signuporsignin'));
    expectFindings(lintFiles(signin, 'TOTP-019'), 'TOTP-019', [{ file: EXT, line: 296, column: 54, severity: 'warning', message: "'unifiedssp' page" }]);
  });

  it('TOTP-020: enrollment page on selfasserted 2.1.9 (the sample value), either URN form', () => {
    const contract = seeded('contract:selfasserted:2.1.26', 'contract:selfasserted:2.1.9');
    expectFindings(lintFiles(contract, 'TOTP-020'), 'TOTP-020', [{ file: EXT, line: 296, column: 54, severity: 'warning', message: 'selfasserted 2.1.9' }]);
    expectFindings(lintFiles(contract, 'TOTP-019'), 'TOTP-019', []);
    const plain = seeded('contract:selfasserted:2.1.26', 'selfasserted:2.1.13');
    expectFindings(lintFiles(plain, 'TOTP-020'), 'TOTP-020', [{ file: EXT, line: 296, column: 54 }]);
  });

  it('TOTP-028: enrollment and verification share a session', () => {
    const files = seeded('<UseTechnicalProfileForSessionManagement ReferenceId="SM-MFA-TOTP" />', '<UseTechnicalProfileForSessionManagement ReferenceId="SM-MFA-Totp-Input" />');
    expectFindings(lintFiles(files, 'TOTP-028'), 'TOTP-028', [{ file: EXT, line: 321, column: 52, severity: 'warning', message: "with verification page 'OTPVerification'" }]);
  });

  it('TOTP-028: a shared no-op session is fine', () => {
    let files = seeded('<UseTechnicalProfileForSessionManagement ReferenceId="SM-MFA-TOTP" />', '<UseTechnicalProfileForSessionManagement ReferenceId="SM-Noop" />');
    files = seeded('<UseTechnicalProfileForSessionManagement ReferenceId="SM-MFA-Totp-Input" />', '<UseTechnicalProfileForSessionManagement ReferenceId="SM-Noop" />', files);
    expectFindings(lintFiles(files, 'TOTP-028'), 'TOTP-028', []);
  });

  it('the relying party file itself is clean and is what the flow rules walk', () => {
    // Without a relying party there is no journey to walk: the claim-flow rules go quiet.
    const files = withoutUpnOverrides(totpSet());
    const { [RP]: _rp, ...noRp } = files;
    expectFindings(lintFiles(noRp, 'TOTP-004'), 'TOTP-004', []);
  });
});

describeShared('TOTP and AzureMfa error rules on the unmodified starter packs', () => {
  const sets: Array<[string, Files]> = [
    ...FLAVOURS.map((f): [string, Files] => [f, readFlavour(f)]),
    ['scenarios/phone-number-passwordless', readFlavour('scenarios/phone-number-passwordless')],
    ['scenarios/linkedin-identity-provider + SocialAndLocalAccounts base', { 'TrustFrameworkBase.xml': readFlavour('SocialAndLocalAccounts')['TrustFrameworkBase.xml']!, ...readFlavour('scenarios/linkedin-identity-provider') }],
    ['scenarios/password-change + LocalAccounts base', { 'TrustFrameworkBase.xml': readFlavour('LocalAccounts')['TrustFrameworkBase.xml']!, ...readFlavour('scenarios/password-change') }],
  ];
  for (const [name, files] of sets) {
    it(`${name}: no findings from our error rules`, () => {
      const d = lintFiles(files);
      expect(d.filter((x) => OUR_ERRORS.includes(x.ruleId) && x.severity === 'error')).toEqual([]);
    });
  }
  it('phone-number-passwordless: no TOTP or AzureMfa findings at all', () => {
    const d = lintFiles(readFlavour('scenarios/phone-number-passwordless'));
    expect(d.filter((x) => OURS.some((r) => r.meta.id === x.ruleId))).toEqual([]);
  });
});
