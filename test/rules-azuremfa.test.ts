import { expect, it } from 'vitest';
import { totpSet } from './helpers/clean-sets.js';
import { RULES } from '../src/rules/index.js';
import { expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared, FLAVOURS } from './helpers/shared.js';

/** Our own TOTP policy set (extension + relying party), written for these tests. */
const EXT = 'TrustFrameworkExtensions_TOTP.xml';
const AZMFA = RULES.filter((r) => r.meta.category === 'azuremfa').map((r) => r.meta.id);

/** The set with one defect seeded into the TOTP extension. */
function seeded(find: string, replacement: string, flavour?: string): Files {
  return seed(totpSet(flavour), EXT, find, replacement);
}

const VERIFY_PROTOCOL =
  '<DisplayName>Verify the code</DisplayName>\n          <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.AzureMfaProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />';

describeShared('AzureMfa rules on the TOTP fixture', () => {
  it('has the 11 AZMFA rules registered', () => {
    expect(AZMFA).toEqual(['AZMFA-001', 'AZMFA-002', 'AZMFA-003', 'AZMFA-004', 'AZMFA-005', 'AZMFA-006', 'AZMFA-007', 'AZMFA-008', 'AZMFA-009', 'AZMFA-010', 'AZMFA-011']);
  });

  for (const flavour of ['SocialAndLocalAccounts', 'LocalAccounts']) {
    it(`finds nothing in the clean set on ${flavour}`, () => {
      const d = lintFiles(totpSet(flavour));
      expect(d.filter((x) => AZMFA.includes(x.ruleId))).toEqual([]);
    });
  }

  it('AZMFA-001: a shortened AzureMfa handler', () => {
    const files = seeded(VERIFY_PROTOCOL, VERIFY_PROTOCOL.replace(', Version=1.0.0.0, Culture=neutral, PublicKeyToken=null', ''));
    expectFindings(lintFiles(files, 'AZMFA-001'), 'AZMFA-001', [{ file: EXT, line: 283, column: 40, severity: 'error', message: "'AzureMfa-VerifyOTP'" }]);
  });

  it('AZMFA-001: another Protocol Name', () => {
    const files = seeded(VERIFY_PROTOCOL, VERIFY_PROTOCOL.replace('Name="Proprietary"', 'Name="OAuth2"'));
    expectFindings(lintFiles(files, 'AZMFA-001'), 'AZMFA-001', [{ file: EXT, line: 283, column: 21, message: 'Name="Proprietary"' }]);
  });

  it('AZMFA-002: no Operation metadata', () => {
    const files = seeded('<Item Key="Operation">VerifyOTP</Item>', '<Item Key="Description">VerifyOTP</Item>');
    expectFindings(lintFiles(files, 'AZMFA-002'), 'AZMFA-002', [{ file: EXT, line: 281, column: 27, severity: 'error', message: 'has no Operation' }]);
  });

  it('AZMFA-002: an Operation that is no AzureMfa operation', () => {
    const files = seeded('<Item Key="Operation">VerifyOTP</Item>', '<Item Key="Operation">VerifyTOTP</Item>');
    // No upload error is known for an unknown value (was an error): a warning; a missing Operation stays an error (above).
    expectFindings(lintFiles(files, 'AZMFA-002'), 'AZMFA-002', [{ file: EXT, line: 285, column: 35, severity: 'warning', message: "Did you mean 'VerifyOTP'?" }]);
    expectFindings(lintFiles(files, 'AZMFA-003'), 'AZMFA-003', []);
  });

  it('AZMFA-002: an included, operation-less AzureMfa base profile is not flagged', () => {
    const end = '<InputClaim ClaimTypeReferenceId="otpCode" />\n          </InputClaims>\n        </TechnicalProfile>';
    let files = seeded(VERIFY_PROTOCOL, '<DisplayName>Verify the code</DisplayName>');
    files = seed(
      files,
      EXT,
      end,
      `${end.replace('</TechnicalProfile>', '<IncludeTechnicalProfile ReferenceId="AzureMfa-Common" />\n        </TechnicalProfile>')}\n        <TechnicalProfile Id="AzureMfa-Common">\n          <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.AzureMfaProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />\n        </TechnicalProfile>`,
    );
    const d = lintFiles(files);
    expect(d.filter((x) => x.ruleId.startsWith('AZMFA-'))).toEqual([]);
    // The merged VerifyOTP profile still counts as AzureMfa: remove its Operation and AZMFA-002 fires.
    const noOp = seed(files, EXT, '<Item Key="Operation">VerifyOTP</Item>', '');
    expectFindings(lintFiles(noOp, 'AZMFA-002'), 'AZMFA-002', [{ file: EXT, line: 281, column: 27 }]);
  });

  it('AZMFA-003: DeleteDevices and a re-cased operation', () => {
    const del = seeded('<Item Key="Operation">VerifyOTP</Item>', '<Item Key="Operation">DeleteDevices</Item>');
    expectFindings(lintFiles(del, 'AZMFA-003'), 'AZMFA-003', [{ file: EXT, line: 285, column: 35, severity: 'warning', message: 'undocumented Operation' }]);
    expectFindings(lintFiles(del, 'AZMFA-002'), 'AZMFA-002', []);
    const cased = seeded('<Item Key="Operation">GetAvailableDevices</Item>', '<Item Key="Operation">getAvailableDevices</Item>');
    expectFindings(lintFiles(cased, 'AZMFA-003'), 'AZMFA-003', [{ file: EXT, line: 260, column: 35, message: "'GetAvailableDevices'" }]);
  });

  it('AZMFA-004: BeginVerifyOTP without objectId', () => {
    const files = seeded('<InputClaim ClaimTypeReferenceId="objectId" />\n            <InputClaim ClaimTypeReferenceId="userPrincipalName" />', '<InputClaim ClaimTypeReferenceId="userPrincipalName" />');
    expectFindings(lintFiles(files, 'AZMFA-004'), 'AZMFA-004', [{ file: EXT, line: 269, column: 27, severity: 'error', message: "'objectId', which the operation requires: it fails at run time when the profile runs." }]);
  });

  it('AZMFA-004/005: a claim mapped to the wrong partner name', () => {
    const files = seeded('<InputClaim ClaimTypeReferenceId="otpCode" />', '<InputClaim ClaimTypeReferenceId="otpCode" PartnerClaimType="code" />');
    expectFindings(lintFiles(files, 'AZMFA-004'), 'AZMFA-004', [{ file: EXT, line: 281, column: 27, message: "'otpCode'" }]);
    expectFindings(lintFiles(files, 'AZMFA-005'), 'AZMFA-005', [{ file: EXT, line: 288, column: 56, severity: 'warning', message: "'code'" }]);
  });

  it('AZMFA-004: a PartnerClaimType mapping satisfies the input', () => {
    const files = seeded('<InputClaim ClaimTypeReferenceId="objectId" />', '<InputClaim ClaimTypeReferenceId="UserId" PartnerClaimType="objectId" />');
    expectFindings(lintFiles(files, 'AZMFA-004'), 'AZMFA-004', []);
    expectFindings(lintFiles(files, 'AZMFA-005'), 'AZMFA-005', []);
  });

  it('AZMFA-006: GetAvailableDevices whose output maps to another partner name', () => {
    const files = seeded('<OutputClaim ClaimTypeReferenceId="numberOfAvailableDevices" />', '<OutputClaim ClaimTypeReferenceId="numberOfAvailableDevices" PartnerClaimType="deviceCount" />');
    expectFindings(lintFiles(files, 'AZMFA-006'), 'AZMFA-006', [{ file: EXT, line: 256, column: 27, severity: 'error', message: "'numberOfAvailableDevices'" }]);
  });

  it('AZMFA-007: an output VerifyOTP never returns', () => {
    const anchor = '<InputClaim ClaimTypeReferenceId="otpCode" />\n          </InputClaims>';
    const files = seeded(anchor, `${anchor}<OutputClaims><OutputClaim ClaimTypeReferenceId="issuer" /><OutputClaim ClaimTypeReferenceId="uriLabel" DefaultValue="x" /></OutputClaims>`);
    expectFindings(lintFiles(files, 'AZMFA-007'), 'AZMFA-007', [{ file: EXT, line: 289, column: 52, severity: 'warning', message: 'returns no claims' }]);
  });

  it('AZMFA-008: undocumented metadata; allowTestOtpPassthrough is an error', () => {
    const files = seeded(
      '<Item Key="Operation">VerifyOTP</Item>',
      '<Item Key="Operation">VerifyOTP</Item><Item Key="allowTestOtpPassthrough">true</Item><Item Key="TimeStepInSeconds">30</Item>',
    );
    expectFindings(lintFiles(files, 'AZMFA-008'), 'AZMFA-008', [
      { file: EXT, line: 285, column: 57, severity: 'error', message: 'allowTestOtpPassthrough' },
      { file: EXT, line: 285, column: 104, severity: 'warning', message: 'TimeStepInSeconds' },
    ]);
  });

  it('AZMFA-009: UserMessageIf… on the AzureMfa profile', () => {
    const files = seeded('<Item Key="Operation">VerifyOTP</Item>', '<Item Key="Operation">VerifyOTP</Item><Item Key="UserMessageIfWrongCodeEntered">Wrong code.</Item>');
    expectFindings(lintFiles(files, 'AZMFA-009'), 'AZMFA-009', [{ file: EXT, line: 285, column: 57, severity: 'warning', message: 'move it' }]);
    expectFindings(lintFiles(files, 'AZMFA-008'), 'AZMFA-008', []);
  });

  it('AZMFA-010: a phone-code key on the TOTP verification page', () => {
    const anchor = '<Item Key="language.button_continue">Verify</Item>';
    const files = seeded(anchor, `${anchor}<Item Key="UserMessageIfWrongCodeEntered">Wrong code.</Item><Item Key="UserMessageIfClaimsTransformationBooleanValueIsNotEqual">x</Item>`);
    expectFindings(lintFiles(files, 'AZMFA-010'), 'AZMFA-010', [{ file: EXT, line: 328, column: 69, severity: 'warning', message: 'Operation Verify, but' }]);
  });

  it('AZMFA-010: keys of the operations a page calls are fine (phone-number-passwordless scenario)', () => {
    const base = readFlavour('scenarios/phone-number-passwordless');
    const anchor = '<Item Key="ContentDefinitionReferenceId">phoneSignIn</Item>\n          </Metadata>\n          <CryptographicKeys>\n            <Key Id="issuer_secret" StorageReferenceId="B2C_1A_TokenSigningKeyContainer" />\n          </CryptographicKeys>\n          <DisplayClaims>\n            <DisplayClaim ClaimTypeReferenceId="verificationCode" Required="true" />';
    const ok = seed(base, 'Phone_Email_Base.xml', anchor, anchor.replace('</Item>', '</Item><Item Key="UserMessageIfWrongCodeEntered">Wrong code.</Item>'));
    expectFindings(lintFiles(ok, 'AZMFA-010'), 'AZMFA-010', []);
    const bad = seed(base, 'Phone_Email_Base.xml', anchor, anchor.replace('</Item>', '</Item><Item Key="UserMessageIfCouldntSendSms">No SMS.</Item>'));
    expectFindings(lintFiles(bad, 'AZMFA-010'), 'AZMFA-010', [{ file: 'Phone_Email_Base.xml', line: 1388, column: 78, message: 'OneWaySMS' }]);
  });

  it('AZMFA-011: VerifyOTP run as a journey step', () => {
    const files = seeded('TechnicalProfileReferenceId="AzureMfa-BeginVerifyOTP" />\n          </ClaimsExchanges>\n        </OrchestrationStep>\n        <OrchestrationStep Order="4"', 'TechnicalProfileReferenceId="AzureMfa-VerifyOTP" />\n          </ClaimsExchanges>\n        </OrchestrationStep>\n        <OrchestrationStep Order="4"');
    expectFindings(lintFiles(files, 'AZMFA-011'), 'AZMFA-011', [{ file: EXT, line: 617, column: 57, severity: 'warning', message: 'VerifyOTP' }]);
  });
});

describeShared('AzureMfa rules on the unmodified starter packs', () => {
  const sets: Array<[string, Files]> = [
    ...FLAVOURS.map((f): [string, Files] => [f, readFlavour(f)]),
    ['scenarios/phone-number-passwordless', readFlavour('scenarios/phone-number-passwordless')],
    ['scenarios/linkedin-identity-provider + SocialAndLocalAccounts base', { 'TrustFrameworkBase.xml': readFlavour('SocialAndLocalAccounts')['TrustFrameworkBase.xml']!, ...readFlavour('scenarios/linkedin-identity-provider') }],
    ['scenarios/password-change + LocalAccounts base', { 'TrustFrameworkBase.xml': readFlavour('LocalAccounts')['TrustFrameworkBase.xml']!, ...readFlavour('scenarios/password-change') }],
  ];
  for (const [name, files] of sets) {
    it(`${name}: no AZMFA findings`, () => {
      expect(lintFiles(files).filter((d) => AZMFA.includes(d.ruleId))).toEqual([]);
    });
  }
});
