import { expect, it } from 'vitest';
import { cleanSets } from './helpers/clean-sets.js';
import { injectFiles } from './helpers/inject.js';
import { expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared, FLAVOURS } from './helpers/shared.js';

const FLOW = ['FLOW-001', 'FLOW-002'];
const BASE = 'TrustFrameworkBase.xml';
const EXT = 'TrustFrameworkExtensions.xml';
const SUSI = 'SignUpOrSignin.xml';
const PHONE_BASE = 'Phone_Email_Base.xml';

const flowFindings = (files: Files) => lintFiles(files).filter((d) => FLOW.includes(d.ruleId));

/** A ClaimsProvider with `tps` (TechnicalProfile elements), added to the extensions file of a flavour. */
function inExtensions(files: Files, tps: string): Files {
  return seed(files, EXT, '<ClaimsProviders>', `<ClaimsProviders>\n    <ClaimsProvider>\n      <DisplayName>seeded</DisplayName>\n      <TechnicalProfiles>${tps}</TechnicalProfiles>\n    </ClaimsProvider>`);
}

/** SocialAndLocalAccounts with the Facebook exchange gone from step 2 of SignUpOrSignIn (line count unchanged). */
function withoutFacebook(): Files {
  return seed(
    readFlavour('SocialAndLocalAccounts'),
    BASE,
    '<ClaimsExchange Id="FacebookExchange" TechnicalProfileReferenceId="Facebook-OAUTH" />\n            <ClaimsExchange Id="SignUpWithLogonEmailExchange"',
    '<!-- Facebook removed -->\n            <ClaimsExchange Id="SignUpWithLogonEmailExchange"',
  );
}

describeShared('FLOW rules: policy sets that upload give no findings', () => {
  // The SocialAndLocal flavours also map the Token endpoint to RedeemRefreshToken, which outputs neither email
  // nor identityProvider: only the DefaultUserJourney is checked, as the service does.
  it.each(cleanSets())('%s', (_name, files) => {
    expect(flowFindings(files())).toEqual([]);
  });

  for (const flavour of FLAVOURS) {
    it.each(['layer', 'inline'] as const)(`${flavour} after inject (%s mode)`, (mode) => {
      expect(flowFindings(injectFiles(readFlavour(flavour), { mode }).result)).toEqual([]);
    });
  }
});

describeShared('FLOW-001 required-input-produced', () => {
  it('the reported case: Facebook removed, nothing outputs alternativeSecurityId before steps 3 and 6', () => {
    expectFindings(lintFiles(withoutFacebook(), 'FLOW-001'), 'FLOW-001', [
      {
        file: BASE,
        line: 1141,
        column: 72,
        severity: 'error',
        message:
          "Claim 'alternativeSecurityId' is a required input of technical profile 'AAD-UserReadUsingAlternativeSecurityId-NoError' in step 3 of journey 'SignUpOrSignIn' (relying party B2C_1A_signup_signin), but no earlier step outputs it; output it from an earlier step",
      },
      { file: BASE, line: 1185, column: 47, severity: 'error', message: "'AAD-UserWriteUsingAlternativeSecurityId' in step 6 of journey 'SignUpOrSignIn'" },
    ]);
  });

  it("the profile's own input claims transformation producing the claim meets the need (and its output reaches later steps)", () => {
    const files = inExtensions(
      withoutFacebook(),
      '<TechnicalProfile Id="AAD-UserReadUsingAlternativeSecurityId-NoError"><InputClaimsTransformations><InputClaimsTransformation ReferenceId="CreateAlternativeSecurityId" /></InputClaimsTransformations></TechnicalProfile>',
    );
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', []);
  });

  it('a DefaultValue (here from an override in the extensions) meets the need', () => {
    const files = inExtensions(
      withoutFacebook(),
      '<TechnicalProfile Id="AAD-UserWriteUsingAlternativeSecurityId"><InputClaims><InputClaim ClaimTypeReferenceId="alternativeSecurityId" Required="true" DefaultValue="none" /></InputClaims></TechnicalProfile>',
    );
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', [{ file: BASE, line: 1141, column: 72, message: "'AAD-UserReadUsingAlternativeSecurityId-NoError' in step 3" }]);
  });

  it("a relying party's InputClaim is in the bag from the start", () => {
    const files = seed(withoutFacebook(), SUSI, '<OutputClaims>', '<InputClaims><InputClaim ClaimTypeReferenceId="alternativeSecurityId" /></InputClaims>\n      <OutputClaims>');
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', []);
  });

  it('one finding per exchange and claim, listing every relying party whose journey lacks it', () => {
    const files = withoutFacebook();
    const copy = files[SUSI]!.replace('PolicyId="B2C_1A_signup_signin"', 'PolicyId="B2C_1A_signup_signin_app2"').replace('/B2C_1A_signup_signin"', '/B2C_1A_signup_signin_app2"');
    expectFindings(lintFiles({ ...files, 'SignUpOrSignin_App2.xml': copy }, 'FLOW-001'), 'FLOW-001', [
      { file: BASE, line: 1141, column: 72, message: '(relying parties B2C_1A_signup_signin, B2C_1A_signup_signin_app2)' },
      { file: BASE, line: 1185, column: 47, message: '(relying parties B2C_1A_signup_signin, B2C_1A_signup_signin_app2)' },
    ]);
  });

  it('a journey whose Orders do not run 1..N is left to JRN-001 (the order of its steps is unknown)', () => {
    // SignUpOrSignIn's SendClaims renumbered 7 -> 8: the same Facebook-less journey now has a gap at 7.
    const files = seed(withoutFacebook(), BASE, 'Order="7" Type="SendClaims"', 'Order="8" Type="SendClaims"');
    const d = lintFiles(files);
    expectFindings(d, 'FLOW-001', []);
    expectFindings(d, 'JRN-001', [{ file: BASE, line: 1189, column: 28, severity: 'error' }]);
  });

  it('quiet after a step whose technical profile no policy defines (the REF rules report that)', () => {
    const files = seed(withoutFacebook(), BASE, 'TechnicalProfileReferenceId="LocalAccountSignUpWithLogonEmail" />\n          </ClaimsExchanges>\n        </OrchestrationStep>\n\n        <!-- For social', 'TechnicalProfileReferenceId="Seeded-Unknown" />\n          </ClaimsExchanges>\n        </OrchestrationStep>\n\n        <!-- For social');
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', []);
  });

  it('a self-asserted page collects a Required input itself; a Readonly one it cannot collect', () => {
    let files = seed(readFlavour('LocalAccounts'), BASE, '<InputClaims>\n            <InputClaim ClaimTypeReferenceId="email" />\n          </InputClaims>\n          <OutputClaims>\n            <OutputClaim ClaimTypeReferenceId="objectId" />\n            <OutputClaim ClaimTypeReferenceId="email" PartnerClaimType="Verified.Email" Required="true" />\n            <OutputClaim ClaimTypeReferenceId="newPassword"', '<InputClaims>\n            <InputClaim ClaimTypeReferenceId="email" Required="true" />\n          </InputClaims>\n          <OutputClaims>\n            <OutputClaim ClaimTypeReferenceId="objectId" />\n            <OutputClaim ClaimTypeReferenceId="email" PartnerClaimType="Verified.Email" Required="true" />\n            <OutputClaim ClaimTypeReferenceId="newPassword"');
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', []);
    files = seed(files, BASE, '<UserHelpText>Email address that can be used to contact you.</UserHelpText>\n        <UserInputType>TextBox</UserInputType>', '<UserHelpText>Email address that can be used to contact you.</UserHelpText>\n        <UserInputType>Readonly</UserInputType>');
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', [
      { file: BASE, line: 895, column: 63, severity: 'error', message: "Claim 'email' is a required input of technical profile 'LocalAccountSignUpWithLogonEmail' in step 2 of journey 'SignUpOrSignIn' (relying party B2C_1A_signup_signin)" },
    ]);
  });

  it("a claim the page's display control collects counts as collected by the page", () => {
    const page = '<InputClaims>\n            <InputClaim ClaimTypeReferenceId="email" />\n          </InputClaims>\n          <DisplayClaims>\n            <DisplayClaim DisplayControlReferenceId="emailVerificationControl" />';
    let files = seed(readFlavour('Display Controls Starterpack/LocalAccounts'), BASE, page, page.replace('"email" />', '"email" Required="true" />'));
    // Not an OutputClaim of the page any more: only emailVerificationControl's DisplayClaims collect it.
    files = seed(files, BASE, '<OutputClaim ClaimTypeReferenceId="objectId" />\n            <OutputClaim ClaimTypeReferenceId="email" />\n            <OutputClaim ClaimTypeReferenceId="newPassword" Required="true" />', '<OutputClaim ClaimTypeReferenceId="objectId" />\n            <OutputClaim ClaimTypeReferenceId="newPassword" Required="true" />');
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', []);
    files = seed(files, BASE, '<DisplayClaim DisplayControlReferenceId="emailVerificationControl" />\n            <DisplayClaim ClaimTypeReferenceId="newPassword"', '<DisplayClaim ClaimTypeReferenceId="newPassword"');
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', [{ file: BASE, line: 975, column: 63, message: "Claim 'email' is a required input of technical profile 'LocalAccountSignUpWithLogonEmail' in step 2 of journey 'SignUpOrSignIn'" }]);
  });

  it("validation profiles' inputs are left alone; the page's own Required input is checked", () => {
    const discovery = '<OutputClaim ClaimTypeReferenceId="email" PartnerClaimType="Verified.Email" Required="true" />\n            <OutputClaim ClaimTypeReferenceId="objectId" />\n            <OutputClaim ClaimTypeReferenceId="userPrincipalName" />';
    let files = seed(readFlavour('LocalAccounts'), BASE, discovery, discovery.replace('<OutputClaim ClaimTypeReferenceId="objectId" />', '<!-- objectId removed -->'));
    // AAD-UserWritePasswordUsingObjectId (validation profile of step 2) requires objectId: not this rule's business.
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', []);
    files = seed(files, BASE, '<InputClaim ClaimTypeReferenceId="objectId" />\n\n          </InputClaims>\n          <OutputClaims>\n            <OutputClaim ClaimTypeReferenceId="newPassword"', '<InputClaim ClaimTypeReferenceId="objectId" Required="true" />\n\n          </InputClaims>\n          <OutputClaims>\n            <OutputClaim ClaimTypeReferenceId="newPassword"');
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', [
      { file: BASE, line: 951, column: 49, message: "Claim 'objectId' is a required input of technical profile 'LocalAccountWritePasswordUsingObjectId' in step 2 of journey 'PasswordReset' (relying party B2C_1A_PasswordReset)" },
    ]);
  });

  it('only a session provider restores the claim: a warning', () => {
    const files = inExtensions(
      readFlavour('LocalAccounts'),
      '<TechnicalProfile Id="AAD-UserReadUsingObjectId"><InputClaims><InputClaim ClaimTypeReferenceId="identityProvider" Required="true" /></InputClaims></TechnicalProfile>',
    );
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', [
      { file: BASE, line: 902, column: 58, severity: 'warning', message: "Claim 'identityProvider' is a required input of technical profile 'AAD-UserReadUsingObjectId' in step 3 of journey 'SignUpOrSignIn' (relying party B2C_1A_signup_signin), but no earlier step outputs it: only session provider 'SM-AAD' restores it" },
      { file: BASE, line: 927, column: 58, severity: 'warning', message: "in step 3 of journey 'ProfileEdit' (relying party B2C_1A_ProfileEdit)" },
    ]);
  });

  it('a step of a sub-journey is named as such, once for every relying party that invokes it', () => {
    const files = seed(
      readFlavour('scenarios/phone-number-passwordless'),
      PHONE_BASE,
      '<InputClaim ClaimTypeReferenceId="changePhoneSuccessMessage" DefaultValue="Your phone number has been updated." />',
      '<InputClaim ClaimTypeReferenceId="changePhoneSuccessMessage" Required="true" />',
    );
    // A Paragraph claim is shown, not collected: the page cannot fill its own input.
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', [
      {
        file: PHONE_BASE,
        line: 1968,
        column: 63,
        message: "Claim 'changePhoneSuccessMessage' is a required input of technical profile 'ChangePhoneNumberSuccessPage' in step 3 of sub-journey 'ChangePhoneNumber' (relying parties B2C_1A_ChangePhoneNumber, B2C_1A_SignUpOrSignInWithPhone, B2C_1A_SignUpOrSignInWithPhoneOrEmail)",
      },
    ]);
  });

  it('quiet after a sub-journey no policy defines', () => {
    let files = seed(
      readFlavour('scenarios/phone-number-passwordless'),
      PHONE_BASE,
      '<InputClaim ClaimTypeReferenceId="changePhoneSuccessMessage" DefaultValue="Your phone number has been updated." />',
      '<InputClaim ClaimTypeReferenceId="changePhoneSuccessMessage" Required="true" />',
    );
    files = seed(files, PHONE_BASE, '<Candidate SubJourneyReferenceId="SignInWithPhone" />\n          </JourneyList>\n        </OrchestrationStep>\n        <OrchestrationStep Order="5"', '<Candidate SubJourneyReferenceId="Seeded-Unknown" />\n          </JourneyList>\n        </OrchestrationStep>\n        <OrchestrationStep Order="5"');
    // SignUpOrSignInWithPhone runs the unknown sub-journey before ChangePhoneNumber: not judged; the other two still are.
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', [
      { file: PHONE_BASE, line: 1968, column: 63, message: '(relying parties B2C_1A_ChangePhoneNumber, B2C_1A_SignUpOrSignInWithPhoneOrEmail)' },
    ]);
  });

  it("a GetClaims step's issuer profile outputs count (id_token_hint)", () => {
    const write = '<InputClaim ClaimTypeReferenceId="objectId" />\n\n          </InputClaims>\n          <OutputClaims>\n            <OutputClaim ClaimTypeReferenceId="newPassword"';
    let files = seed(readFlavour('LocalAccounts'), BASE, write, write.replace('"objectId" />', '"objectId" Required="true" />'));
    const journey = (output: string) =>
      `<ClaimsProviders><ClaimsProvider><DisplayName>hint</DisplayName><TechnicalProfiles><TechnicalProfile Id="IdTokenHint_ExtractClaims"><DisplayName>hint</DisplayName><Protocol Name="None" /><OutputClaims><OutputClaim ClaimTypeReferenceId="${output}" /></OutputClaims></TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders>
  <UserJourneys><UserJourney Id="InvitedReset"><OrchestrationSteps>
    <OrchestrationStep Order="1" Type="GetClaims" CpimIssuerTechnicalProfileReferenceId="IdTokenHint_ExtractClaims" />
    <OrchestrationStep Order="2" Type="ClaimsExchange"><ClaimsExchanges><ClaimsExchange Id="NewCredentials" TechnicalProfileReferenceId="LocalAccountWritePasswordUsingObjectId" /></ClaimsExchanges></OrchestrationStep>
    <OrchestrationStep Order="3" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />
  </OrchestrationSteps></UserJourney></UserJourneys>
  <RelyingParty>
    <DefaultUserJourney ReferenceId="InvitedReset" />`;
    const rp = (output: string) => seed(files, 'PasswordReset.xml', '<RelyingParty>\n    <DefaultUserJourney ReferenceId="PasswordReset" />', journey(output));
    expectFindings(lintFiles(rp('objectId'), 'FLOW-001'), 'FLOW-001', []);
    files = rp('email');
    expectFindings(lintFiles(files, 'FLOW-001'), 'FLOW-001', [{ file: 'PasswordReset.xml', line: 19, column: 109, message: "in step 2 of journey 'InvitedReset' (relying party B2C_1A_PasswordReset)" }]);
  });
});

describeShared('FLOW-002 relying-party-output-produced', () => {
  it('the reported case: Facebook removed, identityProvider is only persisted by session providers', () => {
    expectFindings(lintFiles(withoutFacebook(), 'FLOW-002'), 'FLOW-002', [
      {
        file: SUSI,
        line: 31,
        column: 22,
        severity: 'error',
        message:
          "Claim 'identityProvider' is an output claim of the relying party's technical profile, but no step of journey 'SignUpOrSignIn' (relying party B2C_1A_signup_signin) outputs it (session providers 'SM-AAD', 'SM-SocialSignup' persist it, but a session provider's claims do not count as a step's output); output it from a step of the journey, or add DefaultValue=\"\" to this OutputClaim.",
      },
    ]);
  });

  it('an output claim nobody produces; DefaultValue="" and a relying-party InputClaim fix it', () => {
    const anchor = '<OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="sub"/>';
    const files = seed(readFlavour('LocalAccounts'), SUSI, anchor, `${anchor}\n        <OutputClaim ClaimTypeReferenceId="newUser" />\n        <OutputClaim ClaimTypeReferenceId="extension_loyaltyId" />`);
    expectFindings(lintFiles(files, 'FLOW-002'), 'FLOW-002', [
      { file: SUSI, line: 32, column: 22, severity: 'error', message: "Claim 'extension_loyaltyId' is an output claim of the relying party's technical profile, but no step of journey 'SignUpOrSignIn' (relying party B2C_1A_signup_signin) outputs it;" },
    ]);
    expectFindings(lintFiles(seed(files, SUSI, '"extension_loyaltyId" />', '"extension_loyaltyId" DefaultValue="" />'), 'FLOW-002'), 'FLOW-002', []);
    expectFindings(lintFiles(seed(files, SUSI, '<OutputClaims>', '<InputClaims><InputClaim ClaimTypeReferenceId="extension_loyaltyId" /></InputClaims>\n      <OutputClaims>'), 'FLOW-002'), 'FLOW-002', []);
  });

  it('a claim only a validation profile outputs is a warning (not settled: PasswordReset_TOTP.xml); other journeys\' profiles do not count (samples#629)', () => {
    // ProfileEdit's journey runs login-NonInteractive only as the sign-in page's validation profile; only it outputs tenantId.
    const files = seed(readFlavour('SocialAndLocalAccounts'), 'ProfileEdit.xml', '<OutputClaim ClaimTypeReferenceId="tenantId" AlwaysUseDefaultValue="true" DefaultValue="{Policy:TenantObjectId}" />', '<OutputClaim ClaimTypeReferenceId="tenantId" />');
    expectFindings(lintFiles(files, 'FLOW-002'), 'FLOW-002', [
      { file: 'ProfileEdit.xml', line: 23, column: 22, severity: 'warning', message: "only 'login-NonInteractive', which the journey runs only as a validation, display-control or SendClaims issuer profile, does" },
    ]);
  });

  it('a claim output only inside an invoked sub-journey, or only by an identity provider\'s output transformation, counts', () => {
    const phone = readFlavour('scenarios/phone-number-passwordless');
    // strongAuthenticationEmailAddress: only ChangePhoneNumber_VerifyEmailAddress, step 1 of the ChangePhoneNumber sub-journey.
    expectFindings(lintFiles(phone, 'FLOW-002'), 'FLOW-002', []);
    const anchor = '<OutputClaim ClaimTypeReferenceId="identityProvider" />';
    const sal = seed(readFlavour('SocialAndLocalAccounts'), SUSI, anchor, `${anchor}\n        <OutputClaim ClaimTypeReferenceId="alternativeSecurityId" />`);
    expectFindings(lintFiles(sal, 'FLOW-002'), 'FLOW-002', []);
  });

  it('quiet when a step of the journey refers to an unknown technical profile', () => {
    const files = seed(withoutFacebook(), BASE, 'TechnicalProfileReferenceId="LocalAccountSignUpWithLogonEmail" />\n          </ClaimsExchanges>\n        </OrchestrationStep>\n\n        <!-- For social', 'TechnicalProfileReferenceId="Seeded-Unknown" />\n          </ClaimsExchanges>\n        </OrchestrationStep>\n\n        <!-- For social');
    expectFindings(lintFiles(files, 'FLOW-002'), 'FLOW-002', []);
  });
});
