import { expect, it } from 'vitest';
import { expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared } from './helpers/shared.js';

// Literal positions in the pinned starter pack (fc39b7d). In TrustFrameworkBase.xml the SignUpOrSignIn journey's
// SendClaims step is line 1189, ProfileEdit's line 1240, the PasswordReset journey starts on 1246 and
// RedeemRefreshToken's step 2 is line 1274. Steps are indented 8 spaces, so Order is column 28 and Type column 38.
const BASE = 'TrustFrameworkBase.xml';
const EXT = 'TrustFrameworkExtensions.xml';

const EXCHANGE = '<ClaimsExchanges><ClaimsExchange Id="X" TechnicalProfileReferenceId="AAD-UserReadUsingObjectId" /></ClaimsExchanges>';

describeShared('journey rules (JRN-001..004) on SocialAndLocalAccounts', () => {
  const clean = (): Files => readFlavour('SocialAndLocalAccounts');
  /** Adds journey XML to the Extensions file on a new line 52, right after `</ClaimsProviders>` (line 51). */
  const inExtensions = (xml: string): Files => seed(clean(), EXT, '  </ClaimsProviders>\n', `  </ClaimsProviders>\n  ${xml}\n`);

  it('the unmodified flavour has no journey findings', () => {
    expect(lintFiles(clean()).filter((d) => d.ruleId.startsWith('JRN-'))).toEqual([]);
  });

  it('JRN-001: a gap in the base journey', () => {
    const files = seed(clean(), BASE, 'Order="7" Type="SendClaims"', 'Order="8" Type="SendClaims"');
    expectFindings(lintFiles(files, 'JRN-001'), 'JRN-001', [
      { file: BASE, line: 1189, column: 28, severity: 'error', message: "UserJourney 'SignUpOrSignIn' has no step with Order 7: Orders must run 1..N without gaps." },
    ]);
  });

  it('JRN-001: an Order that is not a whole number', () => {
    const files = seed(clean(), BASE, 'Order="7" Type="SendClaims"', 'Order="seven" Type="SendClaims"');
    expectFindings(lintFiles(files, 'JRN-001'), 'JRN-001', [{ file: BASE, line: 1189, column: 28, message: "Order 'seven' is not a positive whole number." }]);
  });

  it('JRN-001: a child adding step 9 to a 7-step base journey leaves a gap; the step after SendClaims is allowed (JRN-002 clean)', () => {
    // JRN-002 used to report "SendClaims must be the last step" here: a false error. Steps after SendClaims upload
    // (the Application Insights article adds AppInsights-SignInComplete after it; upload-semantics.md §2).
    const files = inExtensions(
      `<UserJourneys><UserJourney Id="SignUpOrSignIn"><OrchestrationSteps><OrchestrationStep Order="9" Type="ClaimsExchange">${EXCHANGE}</OrchestrationStep></OrchestrationSteps></UserJourney></UserJourneys>`,
    );
    const d = lintFiles(files);
    expectFindings(d, 'JRN-001', [{ file: EXT, line: 52, column: 89, message: "UserJourney 'SignUpOrSignIn' has no step with Order 8" }]);
    expectFindings(d, 'JRN-002', []);
  });

  it('JRN-002: a child overriding an unguarded step with SendClaims makes the later SendClaims unreachable (warning)', () => {
    // Was an error ("more than one SendClaims step"): several SendClaims steps upload (oauth2 error article,
    // upload-semantics.md §2); only the unreachable later one is worth a warning.
    const files = inExtensions(
      '<UserJourneys><UserJourney Id="ProfileEdit"><OrchestrationSteps><OrchestrationStep Order="5" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" /></OrchestrationSteps></UserJourney></UserJourneys>',
    );
    expectFindings(lintFiles(files, 'JRN-002'), 'JRN-002', [
      {
        file: EXT,
        line: 52,
        column: 96,
        severity: 'warning',
        message: "SendClaims step 5 of UserJourney 'ProfileEdit' has no preconditions, so it always ends the journey and SendClaims step 6 never runs",
      },
    ]);
  });

  it('JRN-002: a SendClaims step guarded by a precondition (inherited from the base step it overrides) before the final one is clean', () => {
    const files = inExtensions(
      '<UserJourneys><UserJourney Id="SignUpOrSignIn"><OrchestrationSteps><OrchestrationStep Order="6" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" /></OrchestrationSteps></UserJourney></UserJourneys>',
    );
    expect(lintFiles(files, 'JRN-002')).toEqual([]);
  });

  it('JRN-002: a child that replaces step 7 and appends SendClaims as step 8 is fine', () => {
    const files = inExtensions(
      `<UserJourneys><UserJourney Id="SignUpOrSignIn"><OrchestrationSteps><OrchestrationStep Order="7" Type="ClaimsExchange">${EXCHANGE}</OrchestrationStep><OrchestrationStep Order="8" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" /></OrchestrationSteps></UserJourney></UserJourneys>`,
    );
    expect(lintFiles(files).filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('JRN-002: a journey without SendClaims', () => {
    const files = seed(clean(), BASE, '<OrchestrationStep Order="3" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />\n      </OrchestrationSteps>\n      <ClientDefinition', '\n      </OrchestrationSteps>\n      <ClientDefinition');
    expectFindings(lintFiles(files, 'JRN-002'), 'JRN-002', [
      { file: BASE, line: 1246, column: 18, severity: 'error', message: `UserJourney 'PasswordReset' has no SendClaims step; the upload fails ("User journey 'PasswordReset' does not contain a send claims step")` },
    ]);
  });

  it('JRN-002: a journey whose only SendClaims is in a Transfer sub-journey it invokes is a warning (not documented)', () => {
    // PasswordReset's SendClaims step 3 becomes an InvokeSubJourney of a Transfer sub-journey that sends the claims.
    let files = seed(
      clean(),
      BASE,
      '<OrchestrationStep Order="3" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />\n      </OrchestrationSteps>\n      <ClientDefinition',
      '<OrchestrationStep Order="3" Type="InvokeSubJourney"><JourneyList><Candidate SubJourneyReferenceId="Send" /></JourneyList></OrchestrationStep>\n      </OrchestrationSteps>\n      <ClientDefinition',
    );
    files = seed(files, BASE, '</UserJourneys>', '</UserJourneys>\n  <SubJourneys><SubJourney Id="Send" Type="Transfer"><OrchestrationSteps><OrchestrationStep Order="1" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" /></OrchestrationSteps></SubJourney></SubJourneys>');
    expectFindings(lintFiles(files, 'JRN-002'), 'JRN-002', [
      { file: BASE, line: 1246, column: 18, severity: 'warning', message: "UserJourney 'PasswordReset' has no SendClaims step of its own, only in a sub-journey it invokes" },
    ]);
  });

  it('JRN-002: a step after SendClaims is allowed (was an error; Application Insights article, woodgrove)', () => {
    const files = seed(
      clean(),
      BASE,
      '<OrchestrationStep Order="6" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />',
      `<OrchestrationStep Order="6" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" /><OrchestrationStep Order="7" Type="ClaimsExchange">${EXCHANGE}</OrchestrationStep>`,
    );
    expect(lintFiles(files, 'JRN-002')).toEqual([]);
  });

  it('JRN-003: a child step with the same Order merges its exchange into the base step by Id (samples#98: "has step 2 with 2 claims exchanges")', () => {
    const files = inExtensions(
      `<UserJourneys><UserJourney Id="RedeemRefreshToken"><OrchestrationSteps><OrchestrationStep Order="2" Type="ClaimsExchange"><ClaimsExchanges><ClaimsExchange Id="Other" TechnicalProfileReferenceId="AAD-UserReadUsingObjectId" /></ClaimsExchanges></OrchestrationStep></OrchestrationSteps></UserJourney></UserJourneys>`,
    );
    expectFindings(lintFiles(files, 'JRN-003'), 'JRN-003', [
      { file: EXT, line: 52, column: 93, severity: 'error', message: "Step 2 of UserJourney 'RedeemRefreshToken' has 2 claims exchanges but is not preceded by a ClaimsProviderSelection or CombinedSignInAndSignUp step." },
    ]);
  });

  it('JRN-003: a child step that repeats the base exchange Id replaces that exchange (one exchange: clean)', () => {
    const files = inExtensions(
      `<UserJourneys><UserJourney Id="RedeemRefreshToken"><OrchestrationSteps><OrchestrationStep Order="2" Type="ClaimsExchange"><ClaimsExchanges><ClaimsExchange Id="CheckRefreshTokenDateFromAadExchange" TechnicalProfileReferenceId="AAD-UserReadUsingObjectId" /></ClaimsExchanges></OrchestrationStep></OrchestrationSteps></UserJourney></UserJourneys>`,
    );
    expect(lintFiles(files, 'JRN-003')).toEqual([]);
  });

  it('JRN-003: two exchanges in a step that does not follow a selection step', () => {
    const files = seed(
      clean(),
      BASE,
      '<ClaimsExchange Id="CheckRefreshTokenDateFromAadExchange" TechnicalProfileReferenceId="AAD-UserReadUsingObjectId-CheckRefreshTokenDate" />',
      '<ClaimsExchange Id="CheckRefreshTokenDateFromAadExchange" TechnicalProfileReferenceId="AAD-UserReadUsingObjectId-CheckRefreshTokenDate" /><ClaimsExchange Id="Other" TechnicalProfileReferenceId="AAD-UserReadUsingObjectId" />',
    );
    expectFindings(lintFiles(files, 'JRN-003'), 'JRN-003', [
      { file: BASE, line: 1274, column: 28, severity: 'error', message: "Step 2 of UserJourney 'RedeemRefreshToken' has 2 claims exchanges but is not preceded by a ClaimsProviderSelection or CombinedSignInAndSignUp step." },
    ]);
  });

  it('JRN-003: the starter pack steps with two exchanges follow CombinedSignInAndSignUp / ClaimsProviderSelection (clean)', () => {
    expect(lintFiles(clean(), 'JRN-003')).toEqual([]);
  });

  it('JRN-004: a Call sub-journey with SendClaims (warning: the sub journeys article says so, no upload error is documented; was an error)', () => {
    const files = inExtensions('<SubJourneys><SubJourney Id="Sub1" Type="Call"><OrchestrationSteps><OrchestrationStep Order="1" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" /></OrchestrationSteps></SubJourney></SubJourneys>');
    expectFindings(lintFiles(files, 'JRN-004'), 'JRN-004', [
      { file: EXT, line: 52, column: 99, severity: 'warning', message: "Call sub-journey 'Sub1' must not have a SendClaims step; the calling journey sends the claims" },
    ]);
  });

  it('JRN-004: a sub-journey without Type, or with an unknown Type', () => {
    const body = `<OrchestrationSteps><OrchestrationStep Order="1" Type="ClaimsExchange">${EXCHANGE}</OrchestrationStep></OrchestrationSteps>`;
    expectFindings(lintFiles(inExtensions(`<SubJourneys><SubJourney Id="Sub1">${body}</SubJourney></SubJourneys>`), 'JRN-004'), 'JRN-004', [
      { file: EXT, line: 52, column: 28, message: "SubJourney 'Sub1' Type must be 'Call' or 'Transfer'." },
    ]);
    expectFindings(lintFiles(inExtensions(`<SubJourneys><SubJourney Id="Sub1" Type="Jump">${body}</SubJourney></SubJourneys>`), 'JRN-004'), 'JRN-004', [
      { file: EXT, line: 52, column: 38, message: "not 'Jump'" },
    ]);
  });

  it('JRN-004: a Transfer sub-journey without SendClaims (warning; was an error)', () => {
    const files = inExtensions(`<SubJourneys><SubJourney Id="Sub1" Type="Transfer"><OrchestrationSteps><OrchestrationStep Order="1" Type="ClaimsExchange">${EXCHANGE}</OrchestrationStep></OrchestrationSteps></SubJourney></SubJourneys>`);
    expectFindings(lintFiles(files, 'JRN-004'), 'JRN-004', [{ file: EXT, line: 52, column: 93, severity: 'warning', message: "Transfer sub-journey 'Sub1' has no SendClaims step" }]);
  });

  it('JRN-004: a Transfer sub-journey with a step after its SendClaims is clean (steps after SendClaims are allowed)', () => {
    const files = inExtensions(
      `<SubJourneys><SubJourney Id="Sub2" Type="Transfer"><OrchestrationSteps><OrchestrationStep Order="1" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" /><OrchestrationStep Order="2" Type="ClaimsExchange">${EXCHANGE}</OrchestrationStep></OrchestrationSteps></SubJourney></SubJourneys>`,
    );
    expect(lintFiles(files, 'JRN-004')).toEqual([]);
  });

  it('JRN-004: a correct Call and a correct Transfer sub-journey', () => {
    const files = inExtensions(
      `<SubJourneys><SubJourney Id="Sub1" Type="Call"><OrchestrationSteps><OrchestrationStep Order="1" Type="ClaimsExchange">${EXCHANGE}</OrchestrationStep></OrchestrationSteps></SubJourney><SubJourney Id="Sub2" Type="Transfer"><OrchestrationSteps><OrchestrationStep Order="1" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" /></OrchestrationSteps></SubJourney></SubJourneys>`,
    );
    expect(lintFiles(files).filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('JRN-001: sub-journey steps must also run 1..N (phone-number-passwordless defines sub-journeys)', () => {
    const files = readFlavour('scenarios/phone-number-passwordless');
    expect(lintFiles(files).filter((d) => d.severity !== 'info')).toEqual([]);
    // Step 2 of sub-journey SignInWithPhone renumbered to 4: the steps are now 1, 3, 4; the gap shows at step 3 (line 2037).
    const gap = seed(files, 'Phone_Email_Base.xml', '<OrchestrationStep Order="2" Type="ClaimsExchange">\n          <ClaimsExchanges>\n            <ClaimsExchange Id="PhoneVerificationExchangePart2"', '<OrchestrationStep Order="4" Type="ClaimsExchange">\n          <ClaimsExchanges>\n            <ClaimsExchange Id="PhoneVerificationExchangePart2"');
    expectFindings(lintFiles(gap, 'JRN-001'), 'JRN-001', [
      { file: 'Phone_Email_Base.xml', line: 2037, column: 28, message: "SubJourney 'SignInWithPhone' has no step with Order 2" },
    ]);
  });
});
