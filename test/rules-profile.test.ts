import { expect, it } from 'vitest';
import { cleanSets } from './helpers/clean-sets.js';
import { expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared } from './helpers/shared.js';

// Literal positions in the pinned starter pack. In SocialAndLocalAccounts/TrustFrameworkBase.xml,
// SelfAsserted-LocalAccountSignin-Email's last OutputClaim (authenticationSource) is line 927, so an OutputClaim added
// after it is line 928; OutputClaims are indented 12 spaces, so ClaimTypeReferenceId starts at column 26. The
// SignUpOrSignIn journey's step 2 precondition Value is line 1121, step 3's precondition starts on 1134 (Type at
// column 27) with its Values on 1135 and 1136; Values are indented 14 spaces, so their text starts at column 22.
const BASE = 'TrustFrameworkBase.xml';
const EXT = 'TrustFrameworkExtensions.xml';
const OURS = ['SA-001', 'PRE-002', 'PRE-003'];

const SIGNIN_OUTPUTS = '<OutputClaim ClaimTypeReferenceId="authenticationSource" />\n          </OutputClaims>\n          <ValidationTechnicalProfiles>\n            <ValidationTechnicalProfile ReferenceId="login-NonInteractive" />';
const STEP2 = '<!-- Check if the user has selected to sign in using one of the social providers -->\n        <OrchestrationStep Order="2" Type="ClaimsExchange">\n          <Preconditions>\n            <Precondition Type="ClaimsExist" ExecuteActionsIf="true">\n              <Value>objectId</Value>';
const STEP3 = '<!-- For social IDP authentication, attempt to find the user account in the directory. -->\n        <OrchestrationStep Order="3" Type="ClaimsExchange">\n          <Preconditions>\n            <Precondition Type="ClaimEquals" ExecuteActionsIf="true">\n              <Value>authenticationSource</Value>\n              <Value>localAccountAuthentication</Value>\n';

const clean = (flavour = 'SocialAndLocalAccounts'): Files => readFlavour(flavour);

/** Adds an OutputClaim to SelfAsserted-LocalAccountSignin-Email in the base, on line 928. */
function signinOutput(claim: string, files: Files = clean()): Files {
  const [before, after] = SIGNIN_OUTPUTS.split('\n          </OutputClaims>');
  return seed(files, BASE, SIGNIN_OUTPUTS, `${before}\n            ${claim}\n          </OutputClaims>${after}`);
}

/** Adds a ClaimsProvider with these technical profiles to the Extensions file, on its line 51 (before `</ClaimsProviders>`). */
function extensionProfiles(xml: string, files: Files = clean()): Files {
  return seed(files, EXT, '  </ClaimsProviders>\n', `    <ClaimsProvider><DisplayName>Overrides</DisplayName><TechnicalProfiles>${xml}</TechnicalProfiles></ClaimsProvider>\n  </ClaimsProviders>\n`);
}

function step3(values: string, files: Files = clean()): Files {
  return seed(files, BASE, STEP3, STEP3.replace('              <Value>authenticationSource</Value>\n              <Value>localAccountAuthentication</Value>\n', values));
}


describeShared('profile and precondition rules: clean sets give no findings', () => {
  for (const [name, files] of cleanSets()) {
    it(`${name}: no SA-001, PRE-002 or PRE-003 findings`, () => {
      expect(lintFiles(files()).filter((d) => OURS.includes(d.ruleId))).toEqual([]);
    });
  }
});

describeShared('SA-001 self-asserted-output-source', () => {
  it('an output claim nothing can fill (samples#196: alternativeSecurityId on the sign-in page)', () => {
    const files = signinOutput('<OutputClaim ClaimTypeReferenceId="alternativeSecurityId" />');
    expectFindings(lintFiles(files, 'SA-001'), 'SA-001', [
      {
        file: BASE,
        line: 928,
        column: 26,
        severity: 'error',
        message: "Self-asserted technical profile 'SelfAsserted-LocalAccountSignin-Email' outputs 'alternativeSecurityId', but nothing gives it a value: the claim type has no UserInputType, the OutputClaim has no DefaultValue, and none of its validation technical profiles ('login-NonInteractive') or claims transformations outputs it.",
      },
    ]);
  });

  it('a DefaultValue, a validation profile output (userPrincipalName from login-NonInteractive) or a UserInputType is a source', () => {
    expectFindings(lintFiles(signinOutput('<OutputClaim ClaimTypeReferenceId="alternativeSecurityId" DefaultValue="" />'), 'SA-001'), 'SA-001', []);
    expectFindings(lintFiles(signinOutput('<OutputClaim ClaimTypeReferenceId="userPrincipalName" />'), 'SA-001'), 'SA-001', []);
    expectFindings(lintFiles(signinOutput('<OutputClaim ClaimTypeReferenceId="givenName" />'), 'SA-001'), 'SA-001', []);
  });

  it('an InputClaim alone is no source', () => {
    let files = signinOutput('<OutputClaim ClaimTypeReferenceId="alternativeSecurityId" />');
    files = seed(files, BASE, '<InputClaim ClaimTypeReferenceId="signInName" DefaultValue="{OIDC:LoginHint}" AlwaysUseDefaultValue="true" />', '<InputClaim ClaimTypeReferenceId="signInName" DefaultValue="{OIDC:LoginHint}" AlwaysUseDefaultValue="true" /><InputClaim ClaimTypeReferenceId="alternativeSecurityId" />');
    expectFindings(lintFiles(files, 'SA-001'), 'SA-001', [{ file: BASE, line: 928, column: 26 }]);
  });

  it('an override in a child policy is judged merged with its base, and reported where the OutputClaim is written', () => {
    const tp = (claims: string, extra = '') => `<TechnicalProfile Id="SelfAsserted-LocalAccountSignin-Email"><OutputClaims>${claims}</OutputClaims>${extra}</TechnicalProfile>`;
    const prefix = '    <ClaimsProvider><DisplayName>Overrides</DisplayName><TechnicalProfiles><TechnicalProfile Id="SelfAsserted-LocalAccountSignin-Email"><OutputClaims><OutputClaim ';
    const bad = extensionProfiles(tp('<OutputClaim ClaimTypeReferenceId="upnUserName" />'));
    expectFindings(lintFiles(bad, 'SA-001'), 'SA-001', [{ file: EXT, line: 51, column: prefix.length + 1, severity: 'error', message: "outputs 'upnUserName'" }]);
    // The override's own output claims transformation produces it.
    const withTransformation = extensionProfiles(
      tp('<OutputClaim ClaimTypeReferenceId="upnUserName" />', '<OutputClaimsTransformations><OutputClaimsTransformation ReferenceId="CreateRandomUPNUserName" /></OutputClaimsTransformations>'),
    );
    expectFindings(lintFiles(withTransformation, 'SA-001'), 'SA-001', []);
  });

  it('a claim type not defined at all is left to REF-001', () => {
    const d = lintFiles(signinOutput('<OutputClaim ClaimTypeReferenceId="noSuchClaim" />'));
    expectFindings(d, 'SA-001', []);
    expectFindings(d, 'REF-001', [{ file: BASE, line: 928, column: 26 }]);
  });

  it('a validation profile that does not resolve is left to REF-002 (what it returns is unknown)', () => {
    let files = signinOutput('<OutputClaim ClaimTypeReferenceId="alternativeSecurityId" />');
    files = seed(files, BASE, '<ValidationTechnicalProfile ReferenceId="login-NonInteractive" />', '<ValidationTechnicalProfile ReferenceId="login-NonInteractiv" />');
    const d = lintFiles(files);
    expectFindings(d, 'SA-001', []);
    expectFindings(d, 'REF-002', [{ file: BASE, line: 931, column: 41 }]);
  });

  it('profiles with DisplayClaims are not checked (their page never shows OutputClaims)', () => {
    // The Display Controls pack's sign-up page has DisplayClaims; the same unfillable claim is not reported there.
    const files = seed(
      clean('Display Controls Starterpack/SocialAndLocalAccounts'),
      BASE,
      '<OutputClaim ClaimTypeReferenceId="executed-SelfAsserted-Input" DefaultValue="true" />\n            <OutputClaim ClaimTypeReferenceId="authenticationSource" />\n            <OutputClaim ClaimTypeReferenceId="newUser" />',
      '<OutputClaim ClaimTypeReferenceId="executed-SelfAsserted-Input" DefaultValue="true" />\n            <OutputClaim ClaimTypeReferenceId="authenticationSource" />\n            <OutputClaim ClaimTypeReferenceId="newUser" /><OutputClaim ClaimTypeReferenceId="alternativeSecurityId" />',
    );
    expectFindings(lintFiles(files, 'SA-001'), 'SA-001', []);
  });

  it('a profile that other profiles only include is checked inside them, as the journey that runs them sees it', () => {
    // A self-asserted part without its own source, included by a profile whose validation profile returns the claim.
    const part = '<TechnicalProfile Id="SelfAsserted-Part"><DisplayName>Part</DisplayName><Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.SelfAssertedAttributeProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" /><OutputClaims><OutputClaim ClaimTypeReferenceId="userPrincipalName" /></OutputClaims></TechnicalProfile>';
    // The sign-in page (run by SignUpOrSignIn and ProfileEdit) includes the part; its own validation profile login-NonInteractive returns userPrincipalName.
    const whole = '<TechnicalProfile Id="SelfAsserted-LocalAccountSignin-Email"><IncludeTechnicalProfile ReferenceId="SelfAsserted-Part" /></TechnicalProfile>';
    expectFindings(lintFiles(extensionProfiles(part + whole), 'SA-001'), 'SA-001', []);
    const prefix = `    <ClaimsProvider><DisplayName>Overrides</DisplayName><TechnicalProfiles>${part.slice(0, part.indexOf('ClaimTypeReferenceId'))}`;
    // The social sign-up page's validation profile does not return userPrincipalName: including the part leaves it without a source.
    const alone = whole.replace('SelfAsserted-LocalAccountSignin-Email', 'SelfAsserted-Social');
    expectFindings(lintFiles(extensionProfiles(part + alone), 'SA-001'), 'SA-001', [
      { file: EXT, line: 51, column: prefix.length + 1, severity: 'error', message: "'SelfAsserted-Social' outputs 'userPrincipalName'" },
    ]);
    expect(lintFiles(extensionProfiles(part + alone), 'SA-001')[0]!.message).toContain('The policy uploads, but fails at run time when B2C_1A_signup_signin shows the page');
  });

  it('a profile no relying party runs never fails (samples#203: the failure is at run time, when the page is shown)', () => {
    const alone = '<TechnicalProfile Id="SelfAsserted-Unused"><DisplayName>x</DisplayName><Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.SelfAssertedAttributeProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" /><OutputClaims><OutputClaim ClaimTypeReferenceId="userPrincipalName" /></OutputClaims></TechnicalProfile>';
    expectFindings(lintFiles(extensionProfiles(alone), 'SA-001'), 'SA-001', []);
  });
});

describeShared('PRE-003 precondition-claim', () => {
  it('a misspelled claim id, with a suggestion', () => {
    const files = seed(clean(), BASE, STEP2, STEP2.replace('<Value>objectId</Value>', '<Value>objectIdd</Value>'));
    expectFindings(lintFiles(files, 'PRE-003'), 'PRE-003', [
      { file: BASE, line: 1121, column: 22, severity: 'warning', message: "ClaimsExist precondition tests 'objectIdd', which is not a claim type in this policy or its bases, so it never matches. Did you mean 'objectId'?" },
    ]);
  });

  it('a claim id that differs only in case is info', () => {
    const files = seed(clean(), BASE, STEP2, STEP2.replace('<Value>objectId</Value>', '<Value>ObjectID</Value>'));
    expectFindings(lintFiles(files, 'PRE-003'), 'PRE-003', [{ file: BASE, line: 1121, column: 22, severity: 'info', message: "but the claim type is 'objectId'" }]);
  });

  it('swapped ClaimEquals values (advanced#34)', () => {
    const files = step3('              <Value>localAccountAuthentication</Value>\n              <Value>authenticationSource</Value>\n');
    expectFindings(lintFiles(files, 'PRE-003'), 'PRE-003', [
      { file: BASE, line: 1135, column: 22, severity: 'warning', message: "tests 'localAccountAuthentication', which is not a claim type in this policy or its bases, so it never matches. The second Value, 'authenticationSource', is a claim type: the Values look swapped" },
    ]);
  });

  it('ClaimEquals with one Value, and with three', () => {
    const one = step3('              <Value>authenticationSource</Value>\n\n');
    expectFindings(lintFiles(one, 'PRE-003'), 'PRE-003', [{ file: BASE, line: 1134, column: 27, severity: 'warning', message: 'takes exactly two Values, the claim type and then the value to compare it with; this one has 1.' }]);
    const three = step3('              <Value>authenticationSource</Value>\n              <Value>localAccountAuthentication</Value><Value>x</Value>\n');
    expectFindings(lintFiles(three, 'PRE-003'), 'PRE-003', [{ file: BASE, line: 1134, column: 27, message: 'this one has 3.' }]);
  });

  it('a precondition on a validation technical profile is checked too', () => {
    const files = seed(
      clean(),
      BASE,
      '<ValidationTechnicalProfile ReferenceId="login-NonInteractive" />',
      '<ValidationTechnicalProfile ReferenceId="login-NonInteractive"><Preconditions><Precondition Type="ClaimsExist" ExecuteActionsIf="true"><Value>signInNam</Value><Action>SkipThisValidationTechnicalProfile</Action></Precondition></Preconditions></ValidationTechnicalProfile>',
    );
    const line = '            <ValidationTechnicalProfile ReferenceId="login-NonInteractive"><Preconditions><Precondition Type="ClaimsExist" ExecuteActionsIf="true"><Value>';
    expectFindings(lintFiles(files, 'PRE-003'), 'PRE-003', [{ file: BASE, line: 930, column: line.length + 1, message: "Did you mean 'signInName'?" }]);
  });

  it('a claim defined only in a child policy is not visible to the base', () => {
    // newUser-like claim added to the Extensions file: a precondition in the base cannot see it.
    let files = seed(clean(), EXT, '<BuildingBlocks>\n      \n  </BuildingBlocks>', '<BuildingBlocks><ClaimsSchema><ClaimType Id="isVip"><DisplayName>VIP</DisplayName><DataType>boolean</DataType></ClaimType></ClaimsSchema></BuildingBlocks>');
    files = seed(files, BASE, STEP2, STEP2.replace('<Value>objectId</Value>', '<Value>isVip</Value>'));
    expectFindings(lintFiles(files, 'PRE-003'), 'PRE-003', [{ file: BASE, line: 1121, column: 22, message: "tests 'isVip', which is not a claim type in this policy or its bases" }]);
  });
});

describeShared('PRE-002 boolean-precondition-value', () => {
  it('a boolean claim compared with lower-case true (MicrosoftDocs#70861)', () => {
    const files = step3('              <Value>newUser</Value>\n              <Value>true</Value>\n');
    expectFindings(lintFiles(files, 'PRE-002'), 'PRE-002', [
      { file: BASE, line: 1136, column: 22, severity: 'warning', message: "ClaimEquals compares boolean claim 'newUser' with 'true'; the comparison is case-sensitive and a boolean claim's value is 'True' or 'False', so this precondition never matches. Write 'True'." },
    ]);
  });

  it('a boolean claim compared with something that is no boolean at all', () => {
    const files = step3('              <Value>newUser</Value>\n              <Value>1</Value>\n');
    const d = lintFiles(files, 'PRE-002');
    expectFindings(d, 'PRE-002', [{ file: BASE, line: 1136, column: 22, message: "with '1'" }]);
    expect(d[0]!.message).not.toContain('Write');
  });

  it('True and False are fine, and a string claim compared with true is not boolean', () => {
    expectFindings(lintFiles(step3('              <Value>newUser</Value>\n              <Value>True</Value>\n'), 'PRE-002'), 'PRE-002', []);
    expectFindings(lintFiles(step3('              <Value>newUser</Value>\n              <Value>False</Value>\n'), 'PRE-002'), 'PRE-002', []);
    expectFindings(lintFiles(step3('              <Value>authenticationSource</Value>\n              <Value>true</Value>\n'), 'PRE-002'), 'PRE-002', []);
  });
});
