import { expect, it } from 'vitest';
import { expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared } from './helpers/shared.js';

// Positions are literal: the starter pack is pinned (commit fc39b7d), so line:column of each seeded defect is stable.
// Every file of the starter pack starts with a BOM, which is not a column.
const BASE = 'TrustFrameworkBase.xml';
const EXT = 'TrustFrameworkExtensions.xml';
const LOC = 'TrustFrameworkLocalization.xml';
const SUSI = 'SignUpOrSignin.xml';

describeShared('reference rules (REF-001..011) on SocialAndLocalAccounts', () => {
  const clean = (): Files => readFlavour('SocialAndLocalAccounts');

  it('the unmodified flavour has no reference errors or warnings (REF-010 infos only)', () => {
    const d = lintFiles(clean()).filter((x) => x.ruleId.startsWith('REF-'));
    expect(d.filter((x) => x.severity !== 'info')).toEqual([]);
  });

  it('REF-001: a misspelled claim reference, with a suggestion', () => {
    const files = seed(clean(), BASE, 'ClaimTypeReferenceId="givenName" PartnerClaimType="first_name"', 'ClaimTypeReferenceId="givenNam" PartnerClaimType="first_name"');
    expectFindings(lintFiles(files, 'REF-001'), 'REF-001', [
      { file: BASE, line: 533, column: 26, severity: 'error', message: "OutputClaim ClaimTypeReferenceId 'givenNam': no claim type with this Id in this policy or its bases. Did you mean 'givenName'?" },
    ]);
  });

  // Was an error (SubjectNamingInfo read as a ClaimType reference: 70 errors on the corpus). The relyingparty article: it is
  // "a reference to an output claim's PartnerClaimType"; the woodgrove demo has no ClaimType sub (upload-semantics.md §3).
  it('REF-001: SubjectNamingInfo names an OutputClaim PartnerClaimType, not a ClaimType: clean without a ClaimType "sub"', () => {
    let files = seed(clean(), SUSI, '<OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="sub"/>', '<OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="subject"/>');
    files = seed(files, SUSI, '<SubjectNamingInfo ClaimType="sub" />', '<SubjectNamingInfo ClaimType="subject" />');
    expect(lintFiles(files, 'REF-001')).toEqual([]);
  });

  it('REF-001: a SubjectNamingInfo that names no output claim of its relying party is a warning, at the attribute', () => {
    const files = seed(clean(), SUSI, '<SubjectNamingInfo ClaimType="sub" />', '<SubjectNamingInfo ClaimType="sbu" />');
    expectFindings(lintFiles(files, 'REF-001'), 'REF-001', [
      {
        file: SUSI,
        line: 34,
        column: 26,
        severity: 'warning',
        message: "SubjectNamingInfo ClaimType 'sbu' names no output claim of this relying party: it refers to an OutputClaim's PartnerClaimType (or its ClaimTypeReferenceId when it has none). Did you mean 'sub'?",
      },
    ]);
    // A ClaimType with that name does not make it right: the output claim is what it names.
    const defined = seed(files, SUSI, '<SubjectNamingInfo ClaimType="sbu" />', '<SubjectNamingInfo ClaimType="email" />');
    expectFindings(lintFiles(defined, 'REF-001'), 'REF-001', []);
    const notOutput = seed(files, SUSI, '<SubjectNamingInfo ClaimType="sbu" />', '<SubjectNamingInfo ClaimType="newPassword" />');
    expectFindings(lintFiles(notOutput, 'REF-001'), 'REF-001', [{ file: SUSI, line: 34, column: 26, severity: 'warning' }]);
  });

  it('REF-001: a misspelled claim in a relying-party file resolves against its whole chain', () => {
    const files = seed(clean(), SUSI, '<OutputClaim ClaimTypeReferenceId="email" />', '<OutputClaim ClaimTypeReferenceId="emial" />');
    expectFindings(lintFiles(files, 'REF-001'), 'REF-001', [{ file: SUSI, line: 29, column: 22, message: "Did you mean 'email'?" }]);
  });

  it('REF-001: references resolve upward only (a claim defined in Extensions is invisible to Base)', () => {
    let files = seed(
      clean(),
      EXT,
      ' <BuildingBlocks>\n      \n',
      ' <BuildingBlocks>\n      <ClaimsSchema><ClaimType Id="upnHint"><DisplayName>UPN hint</DisplayName><DataType>string</DataType></ClaimType></ClaimsSchema>\n',
    );
    // Used in Base: an error there. Used in Extensions itself: fine.
    files = seed(files, BASE, '<OutputClaim ClaimTypeReferenceId="refreshTokenIssuedOnDateTime" />', '<OutputClaim ClaimTypeReferenceId="upnHint" />');
    files = seed(
      files,
      EXT,
      '<InputClaim ClaimTypeReferenceId="client_id" DefaultValue="ProxyIdentityExperienceFrameworkAppId" />',
      '<InputClaim ClaimTypeReferenceId="upnHint" /><InputClaim ClaimTypeReferenceId="client_id" DefaultValue="ProxyIdentityExperienceFrameworkAppId" />',
    );
    expectFindings(lintFiles(files, 'REF-001'), 'REF-001', [{ file: BASE, line: 1076, column: 24, message: "OutputClaim ClaimTypeReferenceId 'upnHint'" }]);
  });

  it('REF-001: a localized string for an undefined claim is only a warning (the SocialAccounts pack ships two and uploads)', () => {
    const files = seed(clean(), LOC, 'ElementId="signInName" StringId="DisplayName">Email Address</LocalizedString>\n          <LocalizedString ElementType="UxElement" StringId="heading">', 'ElementId="signInNam" StringId="DisplayName">Email Address</LocalizedString>\n          <LocalizedString ElementType="UxElement" StringId="heading">');
    expectFindings(lintFiles(files, 'REF-001'), 'REF-001', [
      { file: LOC, line: 76, column: 52, severity: 'warning', message: "LocalizedString ElementId 'signInNam': no claim type with this Id in this policy or its bases. Did you mean 'signInName'?" },
    ]);
  });

  it('REF-001: a reference in a file whose base is missing is not checked (POL-004 reports the base once)', () => {
    const files = seed(clean(), SUSI, '<OutputClaim ClaimTypeReferenceId="email" />', '<OutputClaim ClaimTypeReferenceId="emial" />');
    delete files[BASE];
    const d = lintFiles(files);
    expect(d.filter((x) => x.ruleId === 'REF-001')).toEqual([]);
    expectFindings(d, 'POL-004', [{ file: LOC, line: 13, column: 15 }]);
  });

  it('REF-002: ClaimsExchange, ValidationTechnicalProfile, CpimIssuer and IncludeTechnicalProfile references', () => {
    let files = seed(clean(), BASE, 'TechnicalProfileReferenceId="SelfAsserted-Social"', 'TechnicalProfileReferenceId="SelfAsserted-Socal"');
    files = seed(files, BASE, '<ValidationTechnicalProfile ReferenceId="login-NonInteractive" />', '<ValidationTechnicalProfile ReferenceId="login-NonInteractiv" />');
    files = seed(files, BASE, 'Order="7" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer"', 'Order="7" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer2"');
    files = seed(files, BASE, '<IncludeTechnicalProfile ReferenceId="SM-AAD" />', '<IncludeTechnicalProfile ReferenceId="SM-AD" />');
    expectFindings(lintFiles(files, 'REF-002'), 'REF-002', [
      { file: BASE, line: 930, column: 41, message: "ValidationTechnicalProfile ReferenceId 'login-NonInteractiv': no technical profile with this Id in this policy or its bases. Did you mean 'login-NonInteractive'?" },
      { file: BASE, line: 1011, column: 36, message: "Did you mean 'SM-AAD'?" },
      { file: BASE, line: 1156, column: 54, message: "ClaimsExchange TechnicalProfileReferenceId 'SelfAsserted-Socal'" },
      { file: BASE, line: 1189, column: 56, message: "OrchestrationStep CpimIssuerTechnicalProfileReferenceId 'JwtIssuer2'" },
    ]);
  });

  it('REF-002: a display-control action naming a missing technical profile (Display Controls pack)', () => {
    const files = seed(
      readFlavour('Display Controls Starterpack/SocialAndLocalAccounts'),
      BASE,
      '<ValidationClaimsExchangeTechnicalProfile TechnicalProfileReferenceId="AadSspr-SendCode" />',
      '<ValidationClaimsExchangeTechnicalProfile TechnicalProfileReferenceId="AadSspr-SendCodes" />',
    );
    expectFindings(lintFiles(files, 'REF-002'), 'REF-002', [{ file: BASE, line: 515, column: 57, message: "Did you mean 'AadSspr-SendCode'?" }]);
  });

  it('REF-003: an unknown claims transformation', () => {
    const files = seed(clean(), BASE, '<InputClaimsTransformation ReferenceId="CreateOtherMailsFromEmail" />', '<InputClaimsTransformation ReferenceId="CreateOtherMailFromEmail" />');
    expectFindings(lintFiles(files, 'REF-003'), 'REF-003', [
      { file: BASE, line: 614, column: 40, severity: 'error', message: "Did you mean 'CreateOtherMailsFromEmail'?" },
    ]);
  });

  it('REF-004: an unknown content definition, in technical-profile metadata (text) and on a step (attribute)', () => {
    let files = seed(clean(), BASE, '<Item Key="ContentDefinitionReferenceId">api.socialccountsignup</Item>', '<Item Key="ContentDefinitionReferenceId">api.socialaccountsignup</Item>');
    files = seed(files, BASE, 'ContentDefinitionReferenceId="api.idpselections">', 'ContentDefinitionReferenceId="api.idpselection">');
    // The metadata value resolves in the chain of the relying party that runs the profile (SelfAsserted-Social: only
    // SignUpOrSignin's journey does): reported there (DefaultUserJourney, line 17 column 6), the item related.
    expectFindings(lintFiles(files, 'REF-004'), 'REF-004', [
      {
        file: 'SignUpOrSignin.xml',
        line: 17,
        column: 6,
        severity: 'error',
        message: "Relying party B2C_1A_signup_signin runs technical profile 'SelfAsserted-Social' whose metadata ContentDefinitionReferenceId 'api.socialaccountsignup' names no content definition in its chain; the journey fails at run time when it shows that page",
        related: [{ file: BASE, line: 804, column: 54, message: "'api.socialaccountsignup' named here by 'SelfAsserted-Social'" }],
      },
      { file: BASE, line: 1198, column: 69, message: "Did you mean 'api.idpselections'?" },
    ]);
  });

  it('REF-004: a metadata content definition defined only below the profile, in the chain of the relying party that runs it, is clean (woodgrove pattern)', () => {
    // The Base names api.socialaccountsignup2, which only the Extensions file defines: the Base upload accepts it.
    let files = seed(clean(), BASE, '<Item Key="ContentDefinitionReferenceId">api.socialccountsignup</Item>', '<Item Key="ContentDefinitionReferenceId">api.socialaccountsignup2</Item>');
    files = seed(files, EXT, ' <BuildingBlocks>\n      \n  </BuildingBlocks>\n', ' <BuildingBlocks>\n    <ContentDefinitions><ContentDefinition Id="api.socialaccountsignup2"><LoadUri>~/tenant/default/selfAsserted.cshtml</LoadUri><DataUri>urn:com:microsoft:aad:b2c:elements:contract:selfasserted:2.1.7</DataUri></ContentDefinition></ContentDefinitions>\n  </BuildingBlocks>\n');
    expect(lintFiles(files, 'REF-004')).toEqual([]);
  });

  it('REF-004: an unknown metadata content definition in a profile no relying party runs is a warning at the item', () => {
    const files = seed(
      clean(),
      EXT,
      '  <ClaimsProviders>\n',
      '  <ClaimsProviders>\n<ClaimsProvider><DisplayName>x</DisplayName><TechnicalProfiles><TechnicalProfile Id="Unused"><Metadata><Item Key="ContentDefinitionReferenceId">api.nothing</Item></Metadata></TechnicalProfile></TechnicalProfiles></ClaimsProvider>\n',
    );
    // Line 20; the item text starts after `…<Metadata><Item Key="ContentDefinitionReferenceId">` at column 145.
    expectFindings(lintFiles(files, 'REF-004'), 'REF-004', [{ file: EXT, line: 20, column: 145, severity: 'warning', message: "metadata ContentDefinitionReferenceId 'api.nothing' of technical profile 'Unused'" }]);
  });

  it('REF-005: an unknown display control (Display Controls pack)', () => {
    const files = seed(
      readFlavour('Display Controls Starterpack/SocialAndLocalAccounts'),
      BASE,
      '<DisplayClaim DisplayControlReferenceId="emailVerificationControl" />\n            <DisplayClaim ClaimTypeReferenceId="newPassword" Required="true" />\n            <DisplayClaim ClaimTypeReferenceId="reenterPassword" Required="true" />\n\n',
      '<DisplayClaim DisplayControlReferenceId="emailVerifyControl" />\n            <DisplayClaim ClaimTypeReferenceId="newPassword" Required="true" />\n            <DisplayClaim ClaimTypeReferenceId="reenterPassword" Required="true" />\n\n',
    );
    expectFindings(lintFiles(files, 'REF-005'), 'REF-005', [{ file: BASE, line: 935, column: 27, message: "DisplayClaim DisplayControlReferenceId 'emailVerifyControl'" }]);
  });

  it('REF-006: unknown localized resources', () => {
    const files = seed(clean(), LOC, 'LocalizedResourcesReferenceId="api.signuporsignin.en"', 'LocalizedResourcesReferenceId="api.signuporsignin.eng"');
    expectFindings(lintFiles(files, 'REF-006'), 'REF-006', [{ file: LOC, line: 21, column: 54, message: "Did you mean 'api.signuporsignin.en'?" }]);
  });

  it('REF-007: unknown DefaultUserJourney and Endpoint journey', () => {
    let files = seed(clean(), SUSI, '<DefaultUserJourney ReferenceId="SignUpOrSignIn" />', '<DefaultUserJourney ReferenceId="SignUpOrSignin2" />');
    files = seed(files, SUSI, 'UserJourneyReferenceId="RedeemRefreshToken"', 'UserJourneyReferenceId="RedeemRefreshTokens"');
    expectFindings(lintFiles(files, 'REF-007'), 'REF-007', [
      { file: SUSI, line: 17, column: 25, message: "Did you mean 'SignUpOrSignIn'?" },
      { file: SUSI, line: 20, column: 28, message: "Did you mean 'RedeemRefreshToken'?" },
    ]);
  });

  it('REF-008: an InvokeSubJourney candidate naming a sub-journey nobody defines', () => {
    const files = seed(
      clean(),
      BASE,
      '<OrchestrationStep Order="7" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />',
      '<OrchestrationStep Order="7" Type="InvokeSubJourney"><JourneyList><Candidate SubJourneyReferenceId="TotpFactor-Input" /></JourneyList></OrchestrationStep><OrchestrationStep Order="8" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />',
    );
    expectFindings(lintFiles(files, 'REF-008'), 'REF-008', [{ file: BASE, line: 1189, column: 86, message: "'TotpFactor-Input': no sub-journey" }]);
    // The whole set stays otherwise clean: the new step numbering is 1..8 with SendClaims last.
    expect(lintFiles(files).filter((d) => d.severity === 'error').map((d) => d.ruleId)).toEqual(['REF-008']);
  });

  it('REF-009: selection targets must be exchanges of the next step / validation exchanges of this step', () => {
    const files = seed(
      clean(),
      BASE,
      '<ClaimsProviderSelection TargetClaimsExchangeId="FacebookExchange" />\n            <ClaimsProviderSelection ValidationClaimsExchangeId="LocalAccountSigninEmailExchange" />',
      '<ClaimsProviderSelection TargetClaimsExchangeId="FacebookExchang" />\n            <ClaimsProviderSelection ValidationClaimsExchangeId="LocalAccountSignInEmailExchange2" />',
    );
    expectFindings(lintFiles(files, 'REF-009'), 'REF-009', [
      { file: BASE, line: 1109, column: 38, severity: 'error', message: "TargetClaimsExchangeId 'FacebookExchang' is not a ClaimsExchange of the next step (Order 2) in UserJourney 'SignUpOrSignIn'. Did you mean 'FacebookExchange'?" },
      // No upload error is known for a validation exchange outside its step (was an error): a warning.
      { file: BASE, line: 1110, column: 38, severity: 'warning', message: "Did you mean 'LocalAccountSigninEmailExchange'?" },
    ]);
  });

  it('REF-010: the starter pack references surName but defines surname: info, not an error', () => {
    expectFindings(lintFiles(clean(), 'REF-010'), 'REF-010', [
      { file: BASE, line: 580, column: 26, severity: 'info', message: "OutputClaim ClaimTypeReferenceId 'surName' matches claim type 'surname' only when case is ignored." },
      { file: BASE, line: 901, column: 26, severity: 'info' },
    ]);
  });

  it('REF-011: a child override of a technical profile no base defines', () => {
    const files = seed(clean(), EXT, '<TechnicalProfile Id="Facebook-OAUTH">', '<TechnicalProfile Id="Facebook-OAuth2">');
    expectFindings(lintFiles(files, 'REF-011'), 'REF-011', [
      {
        file: EXT,
        line: 24,
        column: 27,
        severity: 'error',
        message: "Technical profile 'Facebook-OAuth2' overrides nothing: no base policy defines it, and it has no Protocol of its own. Did you mean 'Facebook-OAUTH'?",
      },
    ]);
  });

  it('REF-011: the same override in a relying-party file two levels down is also resolved upward', () => {
    const files = seed(
      clean(),
      SUSI,
      '  <RelyingParty>',
      '  <ClaimsProviders><ClaimsProvider><DisplayName>x</DisplayName><TechnicalProfiles><TechnicalProfile Id="AAD-UserReadUsingObjectID2"><OutputClaims><OutputClaim ClaimTypeReferenceId="userPrincipalName" /></OutputClaims></TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders>\n  <RelyingParty>',
    );
    expectFindings(lintFiles(files, 'REF-011'), 'REF-011', [{ file: SUSI, line: 16, column: 101, message: "Did you mean 'AAD-UserReadUsingObjectId'?" }]);
  });

  it('REF-011: overriding a technical profile that exists upstream is fine', () => {
    const files = seed(
      clean(),
      SUSI,
      '  <RelyingParty>',
      '  <ClaimsProviders><ClaimsProvider><DisplayName>x</DisplayName><TechnicalProfiles><TechnicalProfile Id="AAD-UserReadUsingObjectId"><OutputClaims><OutputClaim ClaimTypeReferenceId="userPrincipalName" /></OutputClaims></TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders>\n  <RelyingParty>',
    );
    expect(lintFiles(files).filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('REF-011: a typo in IncludeTechnicalProfile is reported once, by REF-002, not again as a missing Protocol', () => {
    const files = seed(
      clean(),
      BASE,
      '<OutputClaim ClaimTypeReferenceId="surname" />\n          </OutputClaims>\n          <IncludeTechnicalProfile ReferenceId="AAD-Common" />\n        </TechnicalProfile>\n\n        <TechnicalProfile Id="AAD-UserReadUsingAlternativeSecurityId-NoError">',
      '<OutputClaim ClaimTypeReferenceId="surname" />\n          </OutputClaims>\n          <IncludeTechnicalProfile ReferenceId="AAD-Comon" />\n        </TechnicalProfile>\n\n        <TechnicalProfile Id="AAD-UserReadUsingAlternativeSecurityId-NoError">',
    );
    const d = lintFiles(files).filter((x) => x.severity === 'error');
    expect(d.map((x) => `${x.ruleId} ${x.line}:${x.column}`)).toEqual(['REF-002 661:36']);
  });
});
