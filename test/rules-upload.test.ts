import { expect, it } from 'vitest';
import { cleanSets } from './helpers/clean-sets.js';
import { MAX_POLICY_BYTES } from '../src/rules/limit/policy-file-size.js';
import { expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared } from './helpers/shared.js';

// Upload-time checks from upload-errors.md §1: EXT-001 (#24), META-001 (#23), JRN-005 (#15), CD-003 (#28),
// LIMIT-001 (#32). Positions are literal, against the pinned starter pack:
// - SocialAndLocalAccounts/TrustFrameworkExtensions.xml: ` <BuildingBlocks>` is line 15 (indented 1 space),
//   `  <ClaimsProviders>` line 19, login-NonInteractive's client_id Item line 40 and IdTokenAudience line 41
//   (Items indented 12 spaces: findings at the element name, column 14).
// - SocialAndLocalAccounts/TrustFrameworkBase.xml: DataUri of api.error line 408, api.selfasserted 446,
//   api.localaccountsignup 464 (DataUri indented 8 spaces: the text starts at column 18); the ProfileEdit journey's
//   selection step is line 1198, its step 2 line 1204 (steps indented 8 spaces: Type at column 38).
// - scenarios/phone-number-passwordless/Phone_Email_Base.xml: DataUri of newPhoneNumber line 649 (column 18); only the
//   ChangePhoneNumber sub-journey shows it (through LocalAccountInputNewPhoneNumber).
const BASE = 'TrustFrameworkBase.xml';
const EXT = 'TrustFrameworkExtensions.xml';
const RP = 'SignUpOrSignin.xml';
const OURS = ['EXT-001', 'META-001', 'JRN-005', 'CD-003', 'LIMIT-001'];
const URN = 'urn:com:microsoft:aad:b2c:elements:';


describeShared('upload rules: clean sets give no findings', () => {
  for (const [name, files] of cleanSets()) {
    it(`${name}: no ${OURS.join(', ')} findings`, () => {
      expect(lintFiles(files()).filter((d) => OURS.includes(d.ruleId))).toEqual([]);
    });
  }
});

describeShared('EXT-001 extension-attributes-app', () => {
  /**
   * SocialAndLocalAccounts with claim extension_loyaltyId declared in the Extensions file (lines 16-21) and
   * `providers` (directory-profile overrides) inserted after `<ClaimsProviders>`, from line 25 on.
   */
  function withExtensionClaim(providers: string, flavour = 'SocialAndLocalAccounts'): Files {
    let files = readFlavour(flavour);
    files = seed(
      files,
      EXT,
      ' <BuildingBlocks>\n      \n  </BuildingBlocks>\n',
      ' <BuildingBlocks>\n    <ClaimsSchema>\n      <ClaimType Id="extension_loyaltyId">\n        <DisplayName>Loyalty id</DisplayName>\n        <DataType>string</DataType>\n      </ClaimType>\n    </ClaimsSchema>\n  </BuildingBlocks>\n',
    );
    return seed(files, EXT, '  <ClaimsProviders>\n', `  <ClaimsProviders>\n${providers}`);
  }
  /** A ClaimsProvider of directory profiles, one per line (the first on line 25 + 3 = 28 when inserted first). */
  const provider = (...profiles: string[]): string =>
    `    <ClaimsProvider>\n      <DisplayName>Azure Active Directory</DisplayName>\n      <TechnicalProfiles>\n${profiles.map((p) => `        ${p}\n`).join('')}      </TechnicalProfiles>\n    </ClaimsProvider>\n`;
  const WRITE = '<TechnicalProfile Id="AAD-UserWriteUsingLogonEmail"><PersistedClaims><PersistedClaim ClaimTypeReferenceId="extension_loyaltyId" /></PersistedClaims></TechnicalProfile>';
  const READ = '<TechnicalProfile Id="AAD-UserReadUsingObjectId"><OutputClaims><OutputClaim ClaimTypeReferenceId="extension_loyaltyId" /></OutputClaims></TechnicalProfile>';
  const common = (metadata: string): string => `<TechnicalProfile Id="AAD-Common"><Metadata>${metadata}</Metadata></TechnicalProfile>`;
  const APP = '<Item Key="ClientId">11111111-1111-1111-1111-111111111111</Item><Item Key="ApplicationObjectId">22222222-2222-2222-2222-222222222222</Item>';

  // Checked when the relying party is uploaded, over its merged chain and what its journey reaches (samples#391):
  // findings sit at the relying party's DefaultUserJourney (line 17, element name at column 6), the profile is related.
  const SUSI = { file: RP, line: 17, column: 6 };
  const PE = { file: 'ProfileEdit.xml', line: 17, column: 6 };
  const PR = { file: 'PasswordReset.xml', line: 17, column: 6 };

  it('a relying party runs a directory write profile that uses an extension claim, and AAD-Common has neither id (samples#218, #391)', () => {
    const d = lintFiles(withExtensionClaim(provider(WRITE)), 'EXT-001');
    // `        <TechnicalProfile Id="AAD-UserWriteUsingLogonEmail"><PersistedClaims>`: PersistedClaim at column 79.
    expectFindings(d, 'EXT-001', [
      {
        ...SUSI,
        severity: 'error',
        message:
          "Relying party B2C_1A_signup_signin runs directory profile that writes extension attributes without the b2c-extensions-app ids in its chain: 'AAD-UserWriteUsingLogonEmail' (extension_loyaltyId; no ClientId and no ApplicationObjectId); the upload of this relying party fails",
        related: [
          { file: EXT, line: 28, column: 79, message: "'AAD-UserWriteUsingLogonEmail' writes extension_loyaltyId here (step 2 of journey 'SignUpOrSignIn' → validation profile of 'LocalAccountSignUpWithLogonEmail')" },
        ],
      },
    ]);
    expect(d[0]!.message).toContain('usually to AAD-Common');
  });

  it('a read profile without the ids is a warning (samples#218 listed only write profiles), at every relying party that runs it (not PasswordReset: its journey does not)', () => {
    const d = lintFiles(withExtensionClaim(provider(WRITE, READ)), 'EXT-001');
    // `        <TechnicalProfile Id="AAD-UserReadUsingObjectId"><OutputClaims>`: OutputClaim at column 73.
    const read = { file: EXT, line: 29, column: 73, message: "'AAD-UserReadUsingObjectId' reads extension_loyaltyId here" };
    expectFindings(d, 'EXT-001', [
      { ...PE, severity: 'warning', message: "runs directory profile that reads extension attributes without the b2c-extensions-app ids in its chain: 'AAD-UserReadUsingObjectId'", related: [read] },
      { ...SUSI, severity: 'error', message: "'AAD-UserWriteUsingLogonEmail'", related: [{ file: EXT, line: 28, column: 79 }] },
      // The relying party's RedeemRefreshToken endpoint journey runs the base profile that includes AAD-UserReadUsingObjectId.
      { ...SUSI, severity: 'warning', message: "'AAD-UserReadUsingObjectId'", related: [read, { ...read, message: "'AAD-UserReadUsingObjectId-CheckRefreshTokenDate' reads extension_loyaltyId here (step 2 of journey 'RedeemRefreshToken')" }] },
    ]);
  });

  it('a write profile that no relying party runs gets nothing (the Extensions upload succeeds: samples#391)', () => {
    const alone = WRITE.replace('AAD-UserWriteUsingLogonEmail', 'AAD-UserWriteLoyalty');
    expect(lintFiles(withExtensionClaim(provider(alone)), 'EXT-001')).toEqual([]);
  });

  it('both ids on AAD-Common (merged through IncludeTechnicalProfile) satisfy every directory profile', () => {
    expect(lintFiles(withExtensionClaim(provider(common(APP), WRITE, READ)), 'EXT-001')).toEqual([]);
  });

  it('{Settings:…} tokens count as values (ENV-001 reports them)', () => {
    const files = withExtensionClaim(provider(common('<Item Key="ClientId">{Settings:ExtensionsAppId}</Item><Item Key="ApplicationObjectId">{Settings:ExtensionsAppObjectId}</Item>'), WRITE));
    expect(lintFiles(files, 'EXT-001')).toEqual([]);
  });

  it('only ApplicationObjectId missing, and an empty ClientId (META-001 reports the empty item too)', () => {
    const files = withExtensionClaim(provider(common('<Item Key="ClientId"> </Item>'), WRITE));
    const d = lintFiles(files);
    expectFindings(d, 'EXT-001', [{ ...SUSI, message: 'an empty ClientId and no ApplicationObjectId', related: [{ file: EXT, line: 29, column: 79 }] }]);
    // `        <TechnicalProfile Id="AAD-Common"><Metadata>`: the Item name at column 54; every relying party runs directory profiles that include AAD-Common.
    const item = { file: EXT, line: 28, column: 54, message: "'ClientId' is empty here" };
    expectFindings(d, 'META-001', [
      { ...PR, severity: 'error', related: [item] },
      { ...PE, severity: 'error', related: [item] },
      { ...SUSI, severity: 'error', message: "runs technical profiles with an empty application id: 'ClientId' of ", related: [item] },
    ]);
  });

  it('an extension attribute reached through PartnerClaimType counts (a read profile: warning)', () => {
    const files = withExtensionClaim(
      provider('<TechnicalProfile Id="AAD-UserReadUsingObjectId"><OutputClaims><OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="extension_nickname" /></OutputClaims></TechnicalProfile>'),
    );
    const rel = [{ file: EXT, line: 28, column: 73, message: 'reads extension_nickname here' }];
    expectFindings(lintFiles(files, 'EXT-001'), 'EXT-001', [
      { ...PE, severity: 'warning', related: rel },
      { ...SUSI, severity: 'warning', message: "(extension_nickname; no ClientId and no ApplicationObjectId)", related: rel },
    ]);
  });

  it('the ids set in the relying party\'s own chain below the profile count (woodgrove pattern; samples#391)', () => {
    // This used to be an error ("the Extensions upload fails"): false. The Extensions upload does not check the ids;
    // the relying party's upload does, over its merged chain, which here holds them.
    let files = withExtensionClaim(provider(WRITE));
    files = seed(
      files,
      RP,
      '  </RelyingParty>\n',
      `  </RelyingParty>\n  <ClaimsProviders><ClaimsProvider><DisplayName>x</DisplayName><TechnicalProfiles>${common(APP)}</TechnicalProfiles></ClaimsProvider></ClaimsProviders>\n`,
    );
    expect(lintFiles(files, 'EXT-001')).toEqual([]);
  });

  it('an extension claim of an included profile counts in the profile that includes it', () => {
    const files = withExtensionClaim(
      provider(
        '<TechnicalProfile Id="AAD-LoyaltyRead"><OutputClaims><OutputClaim ClaimTypeReferenceId="extension_loyaltyId" /></OutputClaims><IncludeTechnicalProfile ReferenceId="AAD-Common" /></TechnicalProfile>',
        '<TechnicalProfile Id="AAD-UserReadUsingObjectId"><IncludeTechnicalProfile ReferenceId="AAD-LoyaltyRead" /></TechnicalProfile>',
      ),
    );
    // The included profile's claim (`<OutputClaims><OutputClaim`: name at column 63) is the related location.
    const rel = [{ file: EXT, line: 28, column: 63, message: "'AAD-UserReadUsingObjectId' reads extension_loyaltyId here" }];
    expectFindings(lintFiles(files, 'EXT-001'), 'EXT-001', [
      { ...PE, related: rel },
      { ...SUSI, related: [...rel, { file: EXT, line: 28, column: 63, message: "'AAD-UserReadUsingObjectId-CheckRefreshTokenDate' reads" }] },
    ]);
  });

  it('extension claims on non-directory profiles need nothing', () => {
    const files = withExtensionClaim(
      provider('<TechnicalProfile Id="SelfAsserted-LocalAccountSignin-Email"><OutputClaims><OutputClaim ClaimTypeReferenceId="extension_loyaltyId" /></OutputClaims></TechnicalProfile>'),
    );
    expect(lintFiles(files, 'EXT-001')).toEqual([]);
  });
});

describeShared('META-001 empty-app-id', () => {
  const clean = (): Files => readFlavour('SocialAndLocalAccounts');

  // Checked when a relying party is uploaded (samples#417): reported at each relying party whose journey runs the
  // profile (DefaultUserJourney, line 17 column 6), with the empty item related. SignUpOrSignin and ProfileEdit run
  // login-NonInteractive (validation profile of the sign-in page) and Facebook-OAUTH; PasswordReset runs neither.
  const SUSI = { file: RP, line: 17, column: 6 };
  const PE = { file: 'ProfileEdit.xml', line: 17, column: 6 };

  it('an empty client_id on login-NonInteractive (starterpack#57)', () => {
    const files = seed(clean(), EXT, '<Item Key="client_id">ProxyIdentityExperienceFrameworkAppId</Item>', '<Item Key="client_id"></Item>');
    const item = { file: EXT, line: 40, column: 14, message: "'client_id' is empty here, as 'login-NonInteractive' sees it" };
    expectFindings(lintFiles(files, 'META-001'), 'META-001', [
      { ...PE, severity: 'error', related: [item] },
      {
        ...SUSI,
        severity: 'error',
        message: `Relying party B2C_1A_signup_signin runs technical profiles with an empty application id: 'client_id' of 'login-NonInteractive'; the upload of this relying party fails with 'defines an invalid value "" for the metadata item "client_id"'`,
        related: [item],
      },
    ]);
  });

  it('white space only and self-closing items are empty too; each item is a related location', () => {
    let files = seed(clean(), EXT, '<Item Key="client_id">ProxyIdentityExperienceFrameworkAppId</Item>', '<Item Key="client_id" />');
    files = seed(files, EXT, '<Item Key="IdTokenAudience">IdentityExperienceFrameworkAppId</Item>', '<Item Key="IdTokenAudience">\n   </Item>');
    const related = [
      { file: EXT, line: 40, column: 14, message: "'client_id'" },
      { file: EXT, line: 41, column: 14, message: "'IdTokenAudience' is empty here" },
    ];
    expectFindings(lintFiles(files, 'META-001'), 'META-001', [
      { ...PE, related },
      { ...SUSI, related },
    ]);
  });

  it('resource_id, and the Facebook client_id in the Extensions file (samples#278, #417)', () => {
    let files = seed(clean(), EXT, '<Item Key="client_id">facebook_clientid</Item>', '<Item Key="client_id"></Item><Item Key="resource_id"/>');
    files = seed(files, EXT, '<Item Key="scope">email public_profile</Item>', '<Item Key="scope"></Item>');
    // Line 26: `            <Item Key="client_id"></Item>` is 41 characters, so the resource_id Item's name is at column 43.
    const related = [
      { file: EXT, line: 26, column: 14, message: "'client_id' is empty here, as 'Facebook-OAUTH' sees it" },
      { file: EXT, line: 26, column: 43, message: "'resource_id' is empty here, as 'Facebook-OAUTH' sees it" },
    ];
    expectFindings(lintFiles(files, 'META-001'), 'META-001', [
      { ...PE, related },
      { ...SUSI, related },
    ]);
  });

  it('comment-only and empty-CDATA values, single-quoted keys and spaces around = are empty too', () => {
    let files = seed(clean(), EXT, '<Item Key="client_id">ProxyIdentityExperienceFrameworkAppId</Item>', "<Item Key = 'client_id'><!-- set by the pipeline --></Item>");
    files = seed(files, EXT, '<Item Key="IdTokenAudience">IdentityExperienceFrameworkAppId</Item>', '<Item Key="IdTokenAudience"><![CDATA[ ]]></Item>');
    const related = [
      { file: EXT, line: 40, column: 14, message: "'client_id'" },
      { file: EXT, line: 41, column: 14, message: "'IdTokenAudience'" },
    ];
    expectFindings(lintFiles(files, 'META-001'), 'META-001', [
      { ...PE, related },
      { ...SUSI, related },
    ]);
  });

  it('an empty item in a profile no relying party runs is a warning at the item; one a child overrides with a value is clean', () => {
    const unused = '<ClaimsProvider><DisplayName>x</DisplayName><TechnicalProfiles><TechnicalProfile Id="Unused-OIDC"><Metadata><Item Key="client_id"></Item></Metadata></TechnicalProfile></TechnicalProfiles></ClaimsProvider>';
    const files = seed(clean(), EXT, '  <ClaimsProviders>\n', `  <ClaimsProviders>\n${unused}\n`);
    // Line 20; `<ClaimsProvider>…<Metadata><Item`: the Item name at column 110.
    expectFindings(lintFiles(files, 'META-001'), 'META-001', [{ file: EXT, line: 20, column: 110, severity: 'warning', message: "no relying party in the set runs the profile" }]);
    // Empty in the Extensions file, filled in every relying party that runs it: each upload sees a value.
    let filled = seed(clean(), EXT, '<Item Key="client_id">ProxyIdentityExperienceFrameworkAppId</Item>', '<Item Key="client_id"></Item>');
    for (const rp of [RP, 'ProfileEdit.xml', 'PasswordReset.xml']) {
      filled = seed(
        filled,
        rp,
        '  </RelyingParty>\n',
        '  </RelyingParty>\n  <ClaimsProviders><ClaimsProvider><DisplayName>x</DisplayName><TechnicalProfiles><TechnicalProfile Id="login-NonInteractive"><Metadata><Item Key="client_id">00000000-1111-2222-3333-444444444444</Item></Metadata></TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders>\n',
      );
    }
    expect(lintFiles(filled, 'META-001')).toEqual([]);
  });

  it('placeholders are not empty (ENV-001 reports them), and other keys may be empty', () => {
    expect(lintFiles(clean(), 'META-001')).toEqual([]);
    const files = seed(clean(), EXT, '<Item Key="scope">email public_profile</Item>', '<Item Key="scope"></Item><Item Key="client_Id"></Item>');
    expect(lintFiles(files, 'META-001')).toEqual([]);
  });
});

describeShared('JRN-005 selection-followed-by-exchange', () => {
  const clean = (): Files => readFlavour('SocialAndLocalAccounts');
  /** Adds XML on a new line 52 of the Extensions file, right after `</ClaimsProviders>` (line 51). */
  const inExtensions = (xml: string, files = clean()): Files => seed(files, EXT, '  </ClaimsProviders>\n', `  </ClaimsProviders>\n  ${xml}\n`);

  it('a base journey whose selection step is followed by another step type', () => {
    const files = seed(
      clean(),
      BASE,
      '        </OrchestrationStep>\n        <OrchestrationStep Order="2" Type="ClaimsExchange">\n          <ClaimsExchanges>\n            <ClaimsExchange Id="FacebookExchange"',
      '        </OrchestrationStep>\n        <OrchestrationStep Order="2" Type="InvokeSubJourney">\n          <ClaimsExchanges>\n            <ClaimsExchange Id="FacebookExchange"',
    );
    expectFindings(lintFiles(files, 'JRN-005'), 'JRN-005', [
      {
        file: BASE,
        line: 1204,
        column: 38,
        severity: 'error',
        message:
          "Step 1 of UserJourney 'ProfileEdit' is a ClaimsProviderSelection step whose selections target 'FacebookExchange', 'LocalAccountSigninEmailExchange', so step 2 must be a ClaimsExchange step, but it is of type 'InvokeSubJourney'",
      },
    ]);
  });

  it('a child that replaces the step after CombinedSignInAndSignUp is reported in the child, once', () => {
    const files = inExtensions(
      '<UserJourneys><UserJourney Id="SignUpOrSignIn"><OrchestrationSteps><OrchestrationStep Order="2" Type="InvokeSubJourney"><JourneyList><Candidate SubJourneyReferenceId="X" /></JourneyList></OrchestrationStep></OrchestrationSteps></UserJourney></UserJourneys>',
    );
    // `  <UserJourneys><UserJourney Id="SignUpOrSignIn"><OrchestrationSteps><OrchestrationStep Order="2" `: Type at column 99.
    expectFindings(lintFiles(files, 'JRN-005'), 'JRN-005', [
      { file: EXT, line: 52, column: 99, message: "Step 1 of UserJourney 'SignUpOrSignIn' is a CombinedSignInAndSignUp step whose selections target 'FacebookExchange', so step 2" },
    ]);
  });

  it('a selection step that is the last step of a sub-journey', () => {
    const files = inExtensions(
      '<SubJourneys><SubJourney Id="Pick" Type="Call"><OrchestrationSteps><OrchestrationStep Order="1" Type="ClaimsProviderSelection" ContentDefinitionReferenceId="api.idpselections"><ClaimsProviderSelections><ClaimsProviderSelection TargetClaimsExchangeId="FacebookExchange" /></ClaimsProviderSelections></OrchestrationStep></OrchestrationSteps></SubJourney></SubJourneys>',
    );
    // `  <SubJourneys><SubJourney Id="Pick" Type="Call"><OrchestrationSteps><OrchestrationStep Order="1" `: Type at column 99.
    expectFindings(lintFiles(files, 'JRN-005'), 'JRN-005', [{ file: EXT, line: 52, column: 99, message: "Step 1 of SubJourney 'Pick' is a ClaimsProviderSelection step whose selections target 'FacebookExchange', but no step follows it" }]);
  });

  it('selections with only a ValidationClaimsExchangeId need no following exchange', () => {
    const files = inExtensions(
      '<SubJourneys><SubJourney Id="SignIn" Type="Call"><OrchestrationSteps><OrchestrationStep Order="1" Type="CombinedSignInAndSignUp" ContentDefinitionReferenceId="api.signuporsignin"><ClaimsProviderSelections><ClaimsProviderSelection ValidationClaimsExchangeId="LocalAccountSigninEmailExchange" /></ClaimsProviderSelections><ClaimsExchanges><ClaimsExchange Id="LocalAccountSigninEmailExchange" TechnicalProfileReferenceId="SelfAsserted-LocalAccountSignin-Email" /></ClaimsExchanges></OrchestrationStep></OrchestrationSteps></SubJourney></SubJourneys>',
    );
    expect(lintFiles(files, 'JRN-005')).toEqual([]);
  });
});

describeShared('CD-003 script-execution-needs-contract', () => {
  const BEHAVIORS = '<UserJourneyBehaviors>\n      <ScriptExecution>Allow</ScriptExecution>\n    </UserJourneyBehaviors>';
  /** SocialAndLocalAccounts with JavaScript enabled in SignUpOrSignin.xml (ScriptExecution on line 23). */
  const withScripts = (): Files => seed(readFlavour('SocialAndLocalAccounts'), RP, '    </Endpoints>\n', `    </Endpoints>\n    ${BEHAVIORS}\n`);
  /** Replaces the DataUri of one content definition in `file`. */
  function withDataUri(files: Files, file: string, contentDefinition: string, value: string): Files {
    const text = files[file]!;
    const start = text.indexOf(`<ContentDefinition Id="${contentDefinition}">`);
    const open = text.indexOf('<DataUri>', start);
    const close = text.indexOf('</DataUri>', open);
    return seed(files, file, text.slice(start, close), `${text.slice(start, open)}<DataUri>${value}`);
  }

  it('a page the relying party shows uses a non-contract DataUri (MicrosoftDocs#45105)', () => {
    const files = withDataUri(withScripts(), BASE, 'api.localaccountsignup', `${URN}selfasserted:1.1.0`);
    expectFindings(lintFiles(files, 'CD-003'), 'CD-003', [
      {
        file: BASE,
        line: 464,
        column: 18,
        severity: 'error',
        message: `ScriptExecution is Allow in B2C_1A_signup_signin, whose journeys show content definition 'api.localaccountsignup', but its DataUri '${URN}selfasserted:1.1.0' is not a page contract; the upload fails ("Please use page contract in content definitions when enabling JavaScript."). Use a contract: DataUri such as '${URN}contract:selfasserted:1.1.0'.`,
      },
    ]);
  });

  it('content definitions no journey of the relying party shows get a warning (api.error, api.selfasserted)', () => {
    let files = withDataUri(withScripts(), BASE, 'api.error', `${URN}globalexception:1.1.0`);
    files = withDataUri(files, BASE, 'api.selfasserted', `${URN}selfasserted:1.1.0`);
    expectFindings(lintFiles(files, 'CD-003'), 'CD-003', [
      { file: BASE, line: 408, column: 18, severity: 'warning', message: "ScriptExecution is Allow in B2C_1A_signup_signin; no journey of it shows content definition 'api.error'" },
      { file: BASE, line: 446, column: 18, severity: 'warning', message: 'JavaScript needs page contracts on all content definitions of the policy' },
    ]);
  });

  it('without ScriptExecution Allow nothing is checked', () => {
    const seeded = withDataUri(readFlavour('SocialAndLocalAccounts'), BASE, 'api.localaccountsignup', `${URN}selfasserted:1.1.0`);
    expect(lintFiles(seeded, 'CD-003')).toEqual([]);
    const disallowed = seed(seeded, RP, '    </Endpoints>\n', `    </Endpoints>\n    ${BEHAVIORS.replace('Allow', 'Disallow')}\n`);
    expect(lintFiles(disallowed, 'CD-003')).toEqual([]);
  });

  it('a child override with a contract DataUri wins over the base', () => {
    let files = withDataUri(withScripts(), BASE, 'api.localaccountsignup', `${URN}selfasserted:1.1.0`);
    files = seed(
      files,
      EXT,
      ' <BuildingBlocks>\n      \n  </BuildingBlocks>\n',
      ` <BuildingBlocks><ContentDefinitions><ContentDefinition Id="api.localaccountsignup"><DataUri>${URN}contract:selfasserted:2.1.26</DataUri></ContentDefinition></ContentDefinitions></BuildingBlocks>\n`,
    );
    expect(lintFiles(files, 'CD-003')).toEqual([]);
    // The other way round: a contract base, and a child that downgrades it (the finding is in the child).
    const downgraded = seed(
      withScripts(),
      EXT,
      ' <BuildingBlocks>\n      \n  </BuildingBlocks>\n',
      ` <BuildingBlocks><ContentDefinitions><ContentDefinition Id="api.localaccountsignup"><DataUri>${URN}selfasserted:1.2.0</DataUri></ContentDefinition></ContentDefinitions></BuildingBlocks>\n`,
    );
    // ` <BuildingBlocks><ContentDefinitions><ContentDefinition Id="api.localaccountsignup"><DataUri>`: text at column 94.
    expectFindings(lintFiles(downgraded, 'CD-003'), 'CD-003', [{ file: EXT, line: 15, column: 94, severity: 'error', message: "content definition 'api.localaccountsignup'" }]);
  });

  it('sub-journeys are traced: a page only a sub-journey shows (phone-number-passwordless)', () => {
    const base = withDataUri(readFlavour('scenarios/phone-number-passwordless'), 'Phone_Email_Base.xml', 'newPhoneNumber', `${URN}selfasserted:1.1.0`);
    const allow = (files: Files, rp: string, journey: string): Files =>
      seed(files, rp, `<DefaultUserJourney ReferenceId="${journey}" />`, `<DefaultUserJourney ReferenceId="${journey}" />\n    ${BEHAVIORS}`);
    // ChangePhoneNumber invokes the ChangePhoneNumber sub-journey, whose LocalAccountInputNewPhoneNumber shows newPhoneNumber.
    expectFindings(lintFiles(allow(base, 'ChangePhoneNumber.xml', 'ChangePhoneNumber'), 'CD-003'), 'CD-003', [
      { file: 'Phone_Email_Base.xml', line: 649, column: 18, severity: 'error', message: 'ScriptExecution is Allow in B2C_1A_ChangePhoneNumber, whose journeys show' },
    ]);
    // PasswordResetEmail never reaches that page.
    expectFindings(lintFiles(allow(base, 'PasswordResetEmail.xml', 'PasswordResetEmail'), 'CD-003'), 'CD-003', [
      { file: 'Phone_Email_Base.xml', line: 649, column: 18, severity: 'warning', message: 'ScriptExecution is Allow in B2C_1A_PasswordResetEmail; no journey of it shows' },
    ]);
  });

  it('one finding per DataUri, naming every relying party that enables JavaScript and shows it', () => {
    let files = withDataUri(withScripts(), BASE, 'api.localaccountsignin', `${URN}selfasserted:1.1.0`);
    files = seed(files, 'ProfileEdit.xml', '<DefaultUserJourney ReferenceId="ProfileEdit" />', `<DefaultUserJourney ReferenceId="ProfileEdit" />\n    ${BEHAVIORS}`);
    expectFindings(lintFiles(files, 'CD-003'), 'CD-003', [{ file: BASE, line: 491, column: 18, message: 'ScriptExecution is Allow in B2C_1A_ProfileEdit and B2C_1A_signup_signin, whose journeys show' }]);
  });

  it('DataUris CD-001 rejects, and build tokens, are left to CD-001 and ENV-001', () => {
    let files = withDataUri(withScripts(), BASE, 'api.localaccountsignup', `${URN}selfasserted`);
    files = withDataUri(files, BASE, 'api.localaccountsignin', '{Settings:SignInDataUri}');
    expect(lintFiles(files, 'CD-003')).toEqual([]);
  });
});

describeShared('LIMIT-001 policy-file-size', () => {
  /** SignUpOrSignin.xml grown by a comment to exactly `bytes` bytes of UTF-8, `fill` repeated inside it. */
  function sized(bytes: number, fill = 'x'): Files {
    const files = readFlavour('SocialAndLocalAccounts');
    const text = files[RP]!;
    const room = bytes - Buffer.byteLength(text, 'utf8') - '<!--  -->\n'.length;
    const unit = Buffer.byteLength(fill, 'utf8');
    const comment = `<!-- ${fill.repeat(Math.floor(room / unit))}${'x'.repeat(room % unit)} -->\n`;
    return seed(files, RP, '  <RelyingParty>\n', `${comment}  <RelyingParty>\n`);
  }

  it('a file over 1024 KB, reported at 1:1 with its size', () => {
    const files = sized(MAX_POLICY_BYTES + 1);
    expect(Buffer.byteLength(files[RP]!, 'utf8')).toBe(1_048_577);
    expectFindings(lintFiles(files, 'LIMIT-001'), 'LIMIT-001', [
      {
        file: RP,
        line: 1,
        column: 1,
        severity: 'error',
        message: 'SignUpOrSignin.xml is 1,048,577 bytes (1024.0 KB); the service rejects policy files larger than 1024 KB (1,048,576 bytes).',
      },
    ]);
  });

  it('exactly 1024 KB is fine', () => {
    const files = sized(MAX_POLICY_BYTES);
    expect(Buffer.byteLength(files[RP]!, 'utf8')).toBe(MAX_POLICY_BYTES);
    expect(lintFiles(files, 'LIMIT-001')).toEqual([]);
  });

  it('bytes, not characters: multi-byte text over the limit with far fewer characters', () => {
    const files = sized(1_200_000, '€');
    expect(files[RP]!.length).toBeLessThan(500_000);
    expectFindings(lintFiles(files, 'LIMIT-001'), 'LIMIT-001', [{ file: RP, line: 1, column: 1, message: 'SignUpOrSignin.xml is 1,200,000 bytes (1171.8 KB)' }]);
  });
});
