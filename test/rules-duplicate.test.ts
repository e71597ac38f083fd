import { expect, it } from 'vitest';
import { expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared } from './helpers/shared.js';

// Literal positions in the pinned starter pack (fc39b7d); each duplicate is reported at the second occurrence,
// naming the line of the first.
const BASE = 'TrustFrameworkBase.xml';
const EXT = 'TrustFrameworkExtensions.xml';

describeShared('DUP-001 duplicate keys on SocialAndLocalAccounts', () => {
  const clean = (): Files => readFlavour('SocialAndLocalAccounts');

  it('the unmodified flavour has none; the same Id in Base and Extensions is an override, not a duplicate', () => {
    expect(lintFiles(clean(), 'DUP-001')).toEqual([]);
  });

  it('TechnicalProfile Id, within one ClaimsProvider', () => {
    const files = seed(clean(), BASE, '<TechnicalProfile Id="AAD-UserReadUsingAlternativeSecurityId-NoError">', '<TechnicalProfile Id="AAD-UserReadUsingAlternativeSecurityId">');
    expectFindings(lintFiles(files, 'DUP-001'), 'DUP-001', [
      { file: BASE, line: 664, column: 27, severity: 'error', message: "Duplicate TechnicalProfile Id 'AAD-UserReadUsingAlternativeSecurityId' (first at line 642)." },
    ]);
  });

  it('TechnicalProfile Id, across ClaimsProviders of the same file', () => {
    const files = seed(clean(), BASE, '<TechnicalProfile Id="SM-Noop">', '<TechnicalProfile Id="JwtIssuer">');
    expectFindings(lintFiles(files, 'DUP-001'), 'DUP-001', [{ file: BASE, line: 1049, column: 27, message: "Duplicate TechnicalProfile Id 'JwtIssuer' (first at line 988)." }]);
  });

  it('TechnicalProfile Id, twice in a child file', () => {
    const files = seed(clean(), EXT, '<TechnicalProfile Id="login-NonInteractive">', '<TechnicalProfile Id="Facebook-OAUTH">');
    expectFindings(lintFiles(files, 'DUP-001'), 'DUP-001', [{ file: EXT, line: 38, column: 28, message: "(first at line 24)" }]);
  });

  it('ClaimType Id', () => {
    const files = seed(clean(), BASE, '<ClaimType Id="nca">', '<ClaimType Id="scope">');
    expectFindings(lintFiles(files, 'DUP-001'), 'DUP-001', [{ file: BASE, line: 275, column: 18, message: "Duplicate ClaimType Id 'scope' (first at line 263)." }]);
  });

  it('ClaimsTransformation Id', () => {
    const files = seed(clean(), BASE, '<ClaimsTransformation Id="CreateSubjectClaimFromAlternativeSecurityId"', '<ClaimsTransformation Id="CreateAlternativeSecurityId"');
    expectFindings(lintFiles(files, 'DUP-001'), 'DUP-001', [{ file: BASE, line: 363, column: 29, message: "Duplicate ClaimsTransformation Id 'CreateAlternativeSecurityId' (first at line 353)." }]);
  });

  it('ContentDefinition Id', () => {
    const files = seed(clean(), BASE, '<ContentDefinition Id="api.localaccountsignin">', '<ContentDefinition Id="api.selfasserted">');
    expectFindings(lintFiles(files, 'DUP-001'), 'DUP-001', [{ file: BASE, line: 488, column: 26, message: "Duplicate ContentDefinition Id 'api.selfasserted' (first at line 443)." }]);
  });

  it('UserJourney Id', () => {
    const files = seed(clean(), BASE, '<UserJourney Id="RedeemRefreshToken">', '<UserJourney Id="PasswordReset">');
    expectFindings(lintFiles(files, 'DUP-001'), 'DUP-001', [{ file: BASE, line: 1263, column: 18, message: "Duplicate UserJourney Id 'PasswordReset' (first at line 1246)." }]);
  });

  it('OrchestrationStep Order within one journey (the merged view hides it, so only DUP-001 can see it)', () => {
    const files = seed(clean(), BASE, 'Order="6" Type="SendClaims"', 'Order="5" Type="SendClaims"');
    const d = lintFiles(files);
    expectFindings(d, 'DUP-001', [{ file: BASE, line: 1240, column: 28, severity: 'error', message: "Duplicate OrchestrationStep Order '5' (first at line 1235)." }]);
    expect(d.filter((x) => x.severity === 'error').map((x) => x.ruleId)).toEqual(['DUP-001']);
  });

  it('the same Order in two different journeys is fine', () => {
    // Every journey has an Order="1": the key is scoped per OrchestrationSteps.
    expect(lintFiles(clean(), 'DUP-001')).toEqual([]);
  });

  it('ClaimsExchange Id within one journey, across steps', () => {
    const files = seed(clean(), BASE, '<ClaimsExchange Id="AADUserWrite"', '<ClaimsExchange Id="SelfAsserted-Social"');
    expectFindings(lintFiles(files, 'DUP-001'), 'DUP-001', [{ file: BASE, line: 1185, column: 29, message: "Duplicate ClaimsExchange Id 'SelfAsserted-Social' (first at line 1156)." }]);
  });

  it('Metadata Item Key within one Metadata element', () => {
    const files = seed(clean(), BASE, '<Item Key="HttpBinding">GET</Item>', '<Item Key="ProviderName">GET</Item>');
    expectFindings(lintFiles(files, 'DUP-001'), 'DUP-001', [{ file: BASE, line: 521, column: 19, message: "Duplicate Metadata Item Key 'ProviderName' (first at line 518)." }]);
  });

  it('several duplicates in one file are each reported once, in position order', () => {
    let files = seed(clean(), BASE, '<ClaimType Id="nca">', '<ClaimType Id="scope">');
    files = seed(files, BASE, '<Item Key="HttpBinding">GET</Item>', '<Item Key="ProviderName">GET</Item>');
    files = seed(files, BASE, '<ClaimsExchange Id="AADUserWrite"', '<ClaimsExchange Id="SelfAsserted-Social"');
    expectFindings(lintFiles(files, 'DUP-001'), 'DUP-001', [
      { file: BASE, line: 275, column: 18 },
      { file: BASE, line: 521, column: 19 },
      { file: BASE, line: 1185, column: 29 },
    ]);
  });
});
