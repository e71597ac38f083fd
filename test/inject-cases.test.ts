import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../src/util/diff.js';
import type { Diagnostic } from '../src/report/diagnostic.js';
import { type InjectOptions, inputFindingKey } from '../src/totp/inject.js';
import { injectFiles } from './helpers/inject.js';
import { CASE_GOLDEN, caseFiles, caseGolden } from './helpers/inject-cases.js';
import { type Files, lintFiles } from './helpers/policy-set.js';

/**
 * inject on hand-made policy sets, one per shape real repositories have (test/fixtures/inject/<case>),
 * each checked against reviewed output (test/golden/inject/<golden>): exactly the files written, a
 * result that lints with no error, a second run that changes nothing, and the user's files untouched
 * (layer mode) or changed only by added lines and moved step numbers (inline mode).
 */
function expectGolden(name: string, fixture: string, opts: Partial<InjectOptions> = {}, alone = false) {
  const input = caseFiles(fixture, { alone });
  const { plan, result } = injectFiles(input, opts);
  expect(plan.problems).toEqual([]);
  const golden = caseGolden(name);
  expect(plan.changes.map((c) => c.path).sort()).toEqual(Object.keys(golden).sort());
  for (const c of plan.changes) expect(c.after, c.path).toBe(golden[c.path]);
  // No error the input did not have (an input error copied into a TOTP copy, renumbered, is the input's).
  const had = new Set(errors(input).map((d) => inputFindingKey(d, plan.generatedFrom)));
  expect(errors(result).filter((d) => !had.has(inputFindingKey(d, plan.generatedFrom))).map(show)).toEqual([]);
  const again = injectFiles(result, opts).plan;
  expect(again.problems).toEqual([]);
  expect(again.changes).toEqual([]);
  if ((opts.mode ?? 'layer') === 'layer') for (const c of plan.changes) expect(c.before, `${c.path} is new`).toBeUndefined();
  else {
    for (const c of plan.changes) {
      const removed = unifiedDiff(c.before, c.after, c.path, c.path)
        .split('\n')
        .filter((l) => l.startsWith('-') && !l.startsWith('---'));
      for (const l of removed) expect(l, c.path).toMatch(/Order="\d+"|DefaultUserJourney ReferenceId=/);
    }
  }
  return plan;
}

const errors = (files: Files) => lintFiles(files).filter((d) => d.severity === 'error');
const show = (d: Diagnostic) => `${d.file}:${d.line}:${d.column} ${d.ruleId} ${d.message}`;

describe('inject on real-repository shapes (golden files)', () => {
  it('every golden folder has a test', () => {
    expect(readdirSync(CASE_GOLDEN).sort()).toEqual([
      'branching', 'collision', 'existing-totp', 'phone-replace', 'rest-signin', 'rp-journey-inline', 'rp-journey-layer', 'rp-override-inline', 'rp-override-layer', 'single-file-inline', 'single-file-layer', 'step-override', 'templated',
    ]);
  });

  it('a journey defined in the relying-party file, layer mode: the TOTP copy of the RP carries its own journey copy', () => {
    const plan = expectGolden('rp-journey-layer', 'rp-journey');
    expect(plan.relyingParties).toEqual([{ path: 'SignIn.xml', policyId: 'B2C_1A_ContosoSignIn', journey: 'SignInHere', status: 'protected', signIn: true }]);
    expect(plan.protected.map((p) => `${p.copyId} before ${p.beforeWhat}`)).toEqual(['SignInHere_TOTP before step 3 (SendClaims)']);
    // The layer holds the building blocks only: the journey copy is in the RP copy.
    expect(caseGolden('rp-journey-layer')['Extensions_TOTP.xml']).not.toContain('<UserJourneys>');
  });

  it('a journey defined in the relying-party file, inline mode: edited in place', () => {
    const plan = expectGolden('rp-journey-inline', 'rp-journey', { mode: 'inline' });
    expect(plan.protected.map((p) => `${p.journeyId} -> ${p.copyId}`)).toEqual(['SignInHere -> SignInHere']);
  });

  it('a relying party that overrides one step of a base journey: layer mode replaces the override with the whole copy in the RP copy; inline mode adds the copy beside it', () => {
    expectGolden('rp-override-layer', 'rp-override');
    expect(caseGolden('rp-override-layer')['SignIn_TOTP.xml']).not.toContain('<UserJourney Id="SignIn">');
    const plan = expectGolden('rp-override-inline', 'rp-override', { mode: 'inline' });
    expect(plan.protected.map((p) => `${p.journeyId} -> ${p.copyId}`)).toEqual(['SignIn -> SignIn_TOTP']);
    expect(caseGolden('rp-override-inline')['SignIn.xml']).toContain('<UserJourney Id="SignIn">');
  });

  it('a step a child policy overrides keeps the base step\'s other exchanges in the copy (merged by ClaimsExchange Id)', () => {
    expectGolden('step-override', 'step-override');
    expect(caseGolden('step-override')['Brand_TOTP.xml']).toContain(
      [
        '                        <!-- The brand\'s own password page. -->',
        '                        <ClaimsExchange Id="PasswordExchange" TechnicalProfileReferenceId="SelfAsserted-LocalAccountSignin-Email" />',
        '                        <ClaimsExchange Id="EmailExchange" TechnicalProfileReferenceId="LocalAccountDiscoveryUsingEmailAddress" />',
      ].join('\n'),
    );
  });

  it('a step a child policy overrides keeps what only the base step states (attributes, Preconditions), as the journey model merges it', () => {
    const base = caseFiles('step-override');
    const files: Files = {
      ...base,
      'Extensions.xml': base['Extensions.xml']!.replace(
        '<OrchestrationStep Order="2" Type="ClaimsExchange">\n',
        '<OrchestrationStep Order="2" Type="ClaimsExchange" ContentDefinitionReferenceId="api.selfasserted">\n                    <Preconditions>\n                        <Precondition Type="ClaimsExist" ExecuteActionsIf="true">\n                            <Value>objectId</Value>\n                            <Action>SkipThisOrchestrationStep</Action>\n                        </Precondition>\n                    </Preconditions>\n',
      ),
    };
    // The brand also restates the SendClaims step without its issuer: the base's stays.
    files['Brand.xml'] = base['Brand.xml']!.replace('            </OrchestrationSteps>', '                <OrchestrationStep Order="4" Type="SendClaims" />\n            </OrchestrationSteps>');
    expect(files['Extensions.xml']).not.toBe(base['Extensions.xml']);
    expect(files['Brand.xml']).not.toBe(base['Brand.xml']);
    const { plan, result } = injectFiles(files);
    expect(plan.problems).toEqual([]);
    const copy = result['Brand_TOTP.xml']!;
    const journey = copy.indexOf('<UserJourney Id="SignInChoice_TOTP">');
    expect(journey).toBeGreaterThan(0);
    const at = copy.indexOf('<OrchestrationStep Order="2"', journey);
    const step = copy.slice(at, copy.indexOf('</OrchestrationStep>', at));
    expect(step.split('\n').map((l) => l.trim())).toEqual([
      '<OrchestrationStep Order="2" Type="ClaimsExchange" ContentDefinitionReferenceId="api.selfasserted">',
      '<Preconditions>',
      '<Precondition Type="ClaimsExist" ExecuteActionsIf="true">',
      '<Value>objectId</Value>',
      '<Action>SkipThisOrchestrationStep</Action>',
      '</Precondition>',
      '</Preconditions>',
      '<ClaimsExchanges>',
      "<!-- The brand's own password page. -->",
      '<ClaimsExchange Id="PasswordExchange" TechnicalProfileReferenceId="SelfAsserted-LocalAccountSignin-Email" />',
      '<ClaimsExchange Id="EmailExchange" TechnicalProfileReferenceId="LocalAccountDiscoveryUsingEmailAddress" />',
      '</ClaimsExchanges>',
      '',
    ]);
    expect(copy.slice(journey, copy.indexOf('</UserJourney>', journey))).toContain('<OrchestrationStep Order="6" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />');
    expect(errors(result).filter((d) => d.file === 'Brand_TOTP.xml').map(show)).toEqual([]);
    expect(injectFiles(result).plan.changes).toEqual([]);
  });

  it('a policy with no base (one file): layer mode writes a copy with TOTP inside and a PolicyId of its own; inline mode edits the file', () => {
    const layer = expectGolden('single-file-layer', 'single-file', {}, true);
    expect(layer.notes).toEqual(['Upload order: B2C_1A_ContosoAllInOne_TOTP.']);
    expect(caseGolden('single-file-layer')['AllInOne_TOTP.xml']).toContain('PolicyId="B2C_1A_ContosoAllInOne_TOTP" PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_ContosoAllInOne_TOTP"');
    const inline = expectGolden('single-file-inline', 'single-file', { mode: 'inline' }, true);
    expect(inline.protected.map((p) => `${p.journeyId} -> ${p.copyId} before ${p.beforeWhat}`)).toEqual(['SignIn -> SignIn before step 3 (SendClaims)']);
  });

  it('sign-in checked by a REST API: protected; TOTP after the error SendClaims, before the token; tracking stays after it', () => {
    const plan = expectGolden('rest-signin', 'rest-signin');
    expect(plan.relyingParties.map((r) => [r.status, r.signIn])).toEqual([['protected', true]]);
    expect(plan.protected.map((p) => p.beforeWhat)).toEqual(['step 4 (SendClaims)']);
  });

  it('a branching chain: each relying party gets a layer on its own parent', () => {
    const plan = expectGolden('branching', 'branching');
    expect(plan.relyingParties.map((r) => `${r.path} ${r.status}`)).toEqual(['ResetB.xml protected', 'SignInA.xml protected']);
    const golden = caseGolden('branching');
    expect(golden['BranchA_TOTP.xml']).toContain('<PolicyId>B2C_1A_ContosoBranchA</PolicyId>');
    expect(golden['BranchB_TOTP.xml']).toContain('<PolicyId>B2C_1A_ContosoBranchB</PolicyId>');
    expect(golden['SignInA_TOTP.xml']).toContain('<PolicyId>B2C_1A_ContosoBranchA_TOTP</PolicyId>');
    expect(golden['ResetB_TOTP.xml']).toContain('<PolicyId>B2C_1A_ContosoBranchB_TOTP</PolicyId>');
  });

  it('a templated tenant: the tokens are carried the way the user writes them', () => {
    expectGolden('templated', 'templated');
    const golden = caseGolden('templated');
    expect(golden['Extensions_TOTP.xml']).toContain('    TenantId="{Settings:Tenant}"\n    PolicyId="B2C_1A_ContosoExtensions_TOTP"\n    PublicPolicyUri="https://{Settings:Tenant}/{Settings:Environment}/B2C_1A_ContosoExtensions_TOTP">');
    expect(golden['SignIn_TOTP.xml']).toContain('PublicPolicyUri="https://{Settings:Tenant}/{Settings:Environment}/B2C_1A_ContosoSignIn_TOTP"');
  });

  it('TOTP already verified under other ids: already protected; the other relying party is protected', () => {
    const plan = expectGolden('existing-totp', 'existing-totp');
    expect(plan.relyingParties.map((r) => `${r.path} ${r.status}`)).toEqual(['SignIn.xml protected', 'SignInWithCode.xml already-protected']);
  });

  it('phone MFA: by default TOTP goes before it and the plan says so; --replace-phone leaves the phone steps out', () => {
    const files = caseFiles('phone');
    const dflt = injectFiles(files).plan;
    expect(dflt.protected.map((p) => p.beforeWhat)).toEqual(['step 3 (ClaimsExchange: PhoneFactor-InputOrVerify)']);
    expect(dflt.notes).toContain("Journey 'SignInPhone' already runs phone MFA (step 3); TOTP is added before it, so users get both. Run with --replace-phone to leave the phone steps out of SignInPhone_TOTP.");
    const plan = expectGolden('phone-replace', 'phone', { replacePhone: true });
    expect(plan.notes[0]).toBe("--replace-phone: SignInPhone_TOTP leaves out step 3, 4 of 'SignInPhone' (phone MFA and what only saves its result).");
    expect(plan.protected.map((p) => p.beforeWhat)).toEqual(['step 5 (SendClaims)']);
  });

  it('an SMS code on a page that signs the user in (it outputs objectId) is not phone MFA', () => {
    const sms = [
      '                <TechnicalProfile Id="AzureMfa-SendSms">',
      '                    <DisplayName>Send a code</DisplayName>',
      '                    <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.AzureMfaProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />',
      '                    <Metadata><Item Key="Operation">OneWaySMS</Item></Metadata>',
      '                    <InputClaims>',
      '                        <InputClaim ClaimTypeReferenceId="userPrincipalName" />',
      '                        <InputClaim ClaimTypeReferenceId="strongAuthenticationPhoneNumber" PartnerClaimType="phoneNumber" />',
      '                    </InputClaims>',
      '                </TechnicalProfile>',
      '                <TechnicalProfile Id="SmsPage">',
      '                    <DisplayName>Code by SMS</DisplayName>',
      '                    <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.SelfAssertedAttributeProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />',
      '                    <Metadata><Item Key="ContentDefinitionReferenceId">api.selfasserted</Item></Metadata>',
      '                    <OutputClaims>',
      '                        <OutputClaim ClaimTypeReferenceId="strongAuthenticationPhoneNumber" />',
      '                    </OutputClaims>',
      '                    <ValidationTechnicalProfiles><ValidationTechnicalProfile ReferenceId="AzureMfa-SendSms" /></ValidationTechnicalProfiles>',
      '                </TechnicalProfile>',
      '                <TechnicalProfile Id="AAD-UserWritePhoneNumberUsingObjectId">',
    ].join('\n');
    const withSms = (outputsObjectId: boolean) => {
      let files = caseFiles('phone');
      const ext = files['Extensions.xml']!
        .replace('                <TechnicalProfile Id="AAD-UserWritePhoneNumberUsingObjectId">', outputsObjectId ? sms.replace('<OutputClaim ClaimTypeReferenceId="strongAuthenticationPhoneNumber" />', '<OutputClaim ClaimTypeReferenceId="strongAuthenticationPhoneNumber" />\n                        <OutputClaim ClaimTypeReferenceId="objectId" />') : sms)
        .replace('TechnicalProfileReferenceId="PhoneFactor-InputOrVerify" />', 'TechnicalProfileReferenceId="SmsPage" />');
      files = { ...files, 'Extensions.xml': ext };
      const { plan } = injectFiles(files);
      return plan.protected.map((p) => p.beforeWhat);
    };
    expect(withSms(false)).toEqual(['step 3 (ClaimsExchange: SmsPage)']);
    // Not phone MFA: TOTP goes after it, before the step that changes the account.
    expect(withSms(true)).toEqual(['step 4 (ClaimsExchange: AAD-UserWritePhoneNumberUsingObjectId)']);
  });

  it('names the user already has (in another case) are not reused', () => {
    const plan = expectGolden('collision', 'collision');
    expect(plan.protected.map((p) => `${p.relyingParty.policyId}: ${p.copyId}`)).toEqual(['B2C_1A_ContosoSignIn: SignIn_TOTP2', 'B2C_1A_ContosoSignIn_Totp: SignIn_Totp_TOTP']);
    expect(plan.changes.map((c) => path.basename(c.path)).sort()).toEqual(['Extensions_TOTP.xml', 'SignIn_TOTP2.xml', 'SignIn_Totp_TOTP.xml']);
  });
});
