import { expect, it } from 'vitest';
import { runRules } from '../src/rules/engine.js';
import { RULES } from '../src/rules/index.js';
import { buildSet, expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared } from './helpers/shared.js';

// Literal positions in the pinned starter pack (fc39b7d). Header attributes sit one per line:
// line 6 PolicySchemaVersion, 7 TenantId, 8 PolicyId, 9 PublicPolicyUri; BasePolicy TenantId/PolicyId on 12/13.
const BASE = 'TrustFrameworkBase.xml';
const EXT = 'TrustFrameworkExtensions.xml';
const LOC = 'TrustFrameworkLocalization.xml';
const SUSI = 'SignUpOrSignin.xml';

/** A minimal policy inheriting from `base`: its BasePolicy/PolicyId text is at 5:15. */
function child(id: string, base: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="yourtenant.onmicrosoft.com" PolicyId="${id}" PublicPolicyUri="http://yourtenant.onmicrosoft.com/${id}">
  <BasePolicy>
    <TenantId>yourtenant.onmicrosoft.com</TenantId>
    <PolicyId>${base}</PolicyId>
  </BasePolicy>
</TrustFrameworkPolicy>
`;
}

const errors = (files: Files, deployed: string[] = []) => lintFiles(files, undefined, {}, deployed).filter((d) => d.severity === 'error');

describeShared('chain rules (POL-001..007) on SocialAndLocalAccounts', () => {
  const clean = (): Files => readFlavour('SocialAndLocalAccounts');

  it('the unmodified flavour has no chain findings', () => {
    expect(lintFiles(clean()).filter((d) => d.ruleId.startsWith('POL-'))).toEqual([]);
  });

  // Was an error: the service adds B2C_1A_ to a policy's own id (upload-semantics.md §3: MicrosoftDocs#5303 shows the
  // stored id B2C_1A_B2C_1_policy-sign2; Microsoft's SendGrid sample ships PolicyId="DisplayControl_sendgrid_PasswordReset").
  it("POL-001: a policy's own PolicyId without the B2C_1A_ prefix is a warning, and its children find it by the prefixed id", () => {
    let files = seed(clean(), EXT, 'PolicyId="B2C_1A_TrustFrameworkExtensions"', 'PolicyId="TrustFrameworkExtensions"');
    files = seed(files, EXT, 'PublicPolicyUri="http://yourtenant.onmicrosoft.com/B2C_1A_TrustFrameworkExtensions"', 'PublicPolicyUri="http://yourtenant.onmicrosoft.com/TrustFrameworkExtensions"');
    const d = lintFiles(files);
    expectFindings(d, 'POL-001', [
      { file: EXT, line: 8, column: 3, severity: 'warning', message: "PolicyId 'TrustFrameworkExtensions' has no 'B2C_1A_' prefix: the service adds it and stores the policy as 'B2C_1A_TrustFrameworkExtensions'" },
    ]);
    // The relying parties' BasePolicy B2C_1A_TrustFrameworkExtensions resolves to it: no missing base, no unresolved reference.
    expect(d.filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('POL-001: a BasePolicy/PolicyId without the B2C_1A_ prefix is an error (MicrosoftDocs#5303: rejected)', () => {
    const files = seed(clean(), SUSI, '<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>', '<PolicyId>TrustFrameworkExtensions</PolicyId>');
    expectFindings(lintFiles(files, 'POL-001'), 'POL-001', [
      { file: SUSI, line: 13, column: 15, severity: 'error', message: "BasePolicy: PolicyId 'TrustFrameworkExtensions' must start with 'B2C_1A_': the service rejects a base policy id without it" },
    ]);
    // It still names the Extensions policy, so the chain resolves and POL-004 does not also report it.
    expect(lintFiles(files, 'POL-004')).toEqual([]);
  });

  it('POL-001: template ids (IefPolicies {0}, {{RELEASE_ID}}) are placeholders: info from POL-001 or ENV-001, errors with ready', () => {
    let files = seed(clean(), SUSI, 'PolicyId="B2C_1A_signup_signin"', 'PolicyId="B2C_1A_{0}_signup_signin"');
    files = seed(files, SUSI, '<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>', '<PolicyId>B2C_1A_TrustFrameworkExtensions_{{RELEASE_ID}}</PolicyId>');
    expectFindings(lintFiles(files, 'POL-001'), 'POL-001', [{ file: SUSI, line: 8, column: 3, severity: 'info', message: "PolicyId 'B2C_1A_{0}_signup_signin' is a template value" }]);
    expectFindings(lintFiles(files, 'POL-001', { ready: true }), 'POL-001', [{ file: SUSI, line: 8, column: 3, severity: 'error' }]);
    expectFindings(
      lintFiles(files, 'ENV-001').filter((x) => x.file === SUSI && x.line === 13),
      'ENV-001',
      [{ file: SUSI, line: 13, column: 47, severity: 'info', message: "Placeholder '{{RELEASE_ID}}' (template token)" }],
    );
  });

  it('POL-001: a BasePolicy/PolicyId the schema pattern rejects (trailing dot)', () => {
    const files = seed(clean(), SUSI, '<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>', '<PolicyId>B2C_1A_TrustFrameworkExtensions.</PolicyId>');
    expectFindings(lintFiles(files, 'POL-001'), 'POL-001', [{ file: SUSI, line: 13, column: 15, message: "BasePolicy: PolicyId 'B2C_1A_TrustFrameworkExtensions.' has characters" }]);
  });

  it('POL-001: no PolicyId attribute at all points at the root element', () => {
    const files = seed(clean(), SUSI, '  PolicyId="B2C_1A_signup_signin"\n', '');
    expectFindings(lintFiles(files, 'POL-001'), 'POL-001', [{ file: SUSI, line: 2, column: 2, message: 'TrustFrameworkPolicy has no PolicyId attribute (the schema requires it).' }]);
  });

  it('POL-002: a PublicPolicyUri that kept an old PolicyId is flagged even while the tenant is still a placeholder', () => {
    const files = seed(
      clean(),
      SUSI,
      'PublicPolicyUri="http://yourtenant.onmicrosoft.com/B2C_1A_signup_signin"',
      'PublicPolicyUri="http://yourtenant.onmicrosoft.com/B2C_1A_signup_signin_old"',
    );
    expectFindings(lintFiles(files, 'POL-002'), 'POL-002', [
      { file: SUSI, line: 9, column: 3, severity: 'warning', message: "expected 'http://yourtenant.onmicrosoft.com/B2C_1A_signup_signin'" },
    ]);
  });

  it('POL-002: a whole-URI token, or a token for the id part, is accepted', () => {
    const whole = seed(clean(), SUSI, 'PublicPolicyUri="http://yourtenant.onmicrosoft.com/B2C_1A_signup_signin"', 'PublicPolicyUri="{Settings:SignInUri}"');
    expect(lintFiles(whole, 'POL-002')).toEqual([]);
    const id = seed(clean(), SUSI, 'PublicPolicyUri="http://yourtenant.onmicrosoft.com/B2C_1A_signup_signin"', 'PublicPolicyUri="http://yourtenant.onmicrosoft.com/#{SignInPolicyId}#"');
    expect(lintFiles(id, 'POL-002')).toEqual([]);
  });

  it('POL-002: the id part may leave out the B2C_1A_ prefix the service adds; a template PolicyId is not compared; a real mismatch still is', () => {
    const unprefixed = seed(clean(), SUSI, 'PolicyId="B2C_1A_signup_signin"', 'PolicyId="signup_signin"');
    expect(lintFiles(unprefixed, 'POL-002')).toEqual([]);
    const template = seed(clean(), SUSI, 'PolicyId="B2C_1A_signup_signin"', 'PolicyId="B2C_1A_{0}_signup_signin"');
    expect(lintFiles(template, 'POL-002')).toEqual([]);
    const other = seed(unprefixed, SUSI, 'PublicPolicyUri="http://yourtenant.onmicrosoft.com/B2C_1A_signup_signin"', 'PublicPolicyUri="http://yourtenant.onmicrosoft.com/B2C_1A_signin"');
    expectFindings(lintFiles(other, 'POL-002'), 'POL-002', [{ file: SUSI, line: 9, column: 3, severity: 'warning', message: "expected 'http://yourtenant.onmicrosoft.com/signup_signin'" }]);
  });

  it('POL-002: a placeholder for the tenant part alone is accepted', () => {
    let files = seed(clean(), SUSI, 'TenantId="yourtenant.onmicrosoft.com"', 'TenantId="contoso.onmicrosoft.com"');
    files = seed(files, SUSI, '<TenantId>yourtenant.onmicrosoft.com</TenantId>', '<TenantId>contoso.onmicrosoft.com</TenantId>');
    files = seed(files, SUSI, 'http://yourtenant.onmicrosoft.com/B2C_1A_signup_signin', 'http://{Settings:Tenant}/B2C_1A_signup_signin');
    expect(lintFiles(files, 'POL-002')).toEqual([]);
  });

  it('POL-003: BasePolicy TenantId differs from the policy TenantId', () => {
    const files = seed(clean(), SUSI, '<TenantId>yourtenant.onmicrosoft.com</TenantId>', '<TenantId>contoso.onmicrosoft.com</TenantId>');
    expectFindings(lintFiles(files, 'POL-003'), 'POL-003', [
      { file: SUSI, line: 12, column: 15, severity: 'error', message: "This policy's TenantId 'yourtenant.onmicrosoft.com' is the starter-pack placeholder, but its BasePolicy names 'contoso.onmicrosoft.com'" },
    ]);
  });

  it('POL-003: two real tenants in TenantId and BasePolicy/TenantId are a warning (whether the service compares them is not known)', () => {
    let files = seed(clean(), SUSI, 'TenantId="yourtenant.onmicrosoft.com"', 'TenantId="contoso.onmicrosoft.com"');
    files = seed(files, SUSI, '<TenantId>yourtenant.onmicrosoft.com</TenantId>', '<TenantId>fabrikam.onmicrosoft.com</TenantId>');
    const d = lintFiles(files, 'POL-003');
    // The file's own TenantId against its parent's (still yourtenant) is the error; the BasePolicy element is not compared twice.
    expectFindings(d, 'POL-003', [{ file: SUSI, line: 7, column: 3, severity: 'error', message: "is the starter-pack placeholder, left in" }]);
    const parentReal = seed(files, EXT, 'TenantId="yourtenant.onmicrosoft.com"', 'TenantId="contoso.onmicrosoft.com"');
    expectFindings(lintFiles(parentReal, 'POL-003').filter((x) => x.file === SUSI), 'POL-003', [
      { file: SUSI, line: 12, column: 15, severity: 'warning', message: "BasePolicy TenantId 'fabrikam.onmicrosoft.com' differs from this policy's TenantId 'contoso.onmicrosoft.com'." },
    ]);
  });

  it('POL-003: template tenants are placeholders and never compared ({{x}}, {your tenant}.onmicrosoft.com, $tenantId)', () => {
    let files = seed(clean(), SUSI, 'TenantId="yourtenant.onmicrosoft.com"', 'TenantId="{{environmentName}}contoso.onmicrosoft.com"');
    files = seed(files, SUSI, '<TenantId>yourtenant.onmicrosoft.com</TenantId>', '<TenantId>{your B2C tenant name}.onmicrosoft.com</TenantId>');
    files = seed(files, EXT, 'TenantId="yourtenant.onmicrosoft.com"', 'TenantId="$tenantId"');
    const d = lintFiles(files, 'POL-003');
    expectFindings(d, 'POL-003', [{ file: EXT, line: 7, column: 3, severity: 'info', message: "TenantId '$tenantId' is a template value" }]);
    expect(lintFiles(files, 'POL-003', { ready: true }).map((x) => x.severity)).toEqual(['error']);
    const env = lintFiles(files, 'ENV-001').filter((x) => x.file === SUSI && (x.line === 7 || x.line === 12));
    expect(env.map((x) => `${x.line}:${x.column} ${x.message.slice(0, x.message.indexOf(')') + 1)}`)).toEqual([
      "7:13 Placeholder '{{environmentName}}' (template token)",
      "12:15 Placeholder '{your B2C tenant name}.onmicrosoft.com' (tenant placeholder)",
    ]);
  });

  it('POL-003: a file consistent with itself but on another tenant than its base, and its children', () => {
    let files = seed(clean(), EXT, 'TenantId="yourtenant.onmicrosoft.com"', 'TenantId="contoso.onmicrosoft.com"');
    files = seed(files, EXT, '<TenantId>yourtenant.onmicrosoft.com</TenantId>', '<TenantId>contoso.onmicrosoft.com</TenantId>');
    expectFindings(lintFiles(files, 'POL-003'), 'POL-003', [
      { file: 'PasswordReset.xml', line: 7, column: 3, message: "differs from base policy B2C_1A_TrustFrameworkExtensions (TrustFrameworkExtensions.xml), which says 'contoso.onmicrosoft.com'" },
      { file: 'ProfileEdit.xml', line: 7, column: 3 },
      { file: SUSI, line: 7, column: 3 },
      { file: EXT, line: 7, column: 3, message: "TenantId 'contoso.onmicrosoft.com' differs from base policy B2C_1A_TrustFrameworkLocalization" },
    ]);
  });

  it('POL-003: a TenantId that is not a tenant name', () => {
    const files = seed(clean(), BASE, 'TenantId="yourtenant.onmicrosoft.com"', 'TenantId="contoso onmicrosoft.com"');
    const got = lintFiles(files, 'POL-003');
    expect(got[0]).toMatchObject({ file: BASE, line: 7, column: 3, message: "TenantId 'contoso onmicrosoft.com' is not a tenant name (the schema allows 3-63 letters, digits and dots)." });
  });

  it('POL-004: a misspelled BasePolicy, with a suggestion', () => {
    const files = seed(clean(), SUSI, '<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>', '<PolicyId>B2C_1A_TrustFrameworkExtension</PolicyId>');
    expectFindings(lintFiles(files, 'POL-004'), 'POL-004', [
      { file: SUSI, line: 13, column: 15, severity: 'error', message: "Base policy 'B2C_1A_TrustFrameworkExtension' is not in this policy set. Did you mean 'B2C_1A_TrustFrameworkExtensions'?" },
    ]);
  });

  it('POL-004: a missing base is an error, and none once it is listed as deployed (case-insensitively)', () => {
    const files = clean();
    delete files[BASE];
    expectFindings(lintFiles(files), 'POL-004', [{ file: LOC, line: 13, column: 15, message: "Base policy 'B2C_1A_TrustFrameworkBase' is not in this policy set." }]);
    const d = runRules(RULES, buildSet(files, ['b2c_1a_trustframeworkbase']), { ready: false });
    expect(d.filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('POL-004: a relying party linted alone against deployed bases has no errors', () => {
    expect(errors({ [SUSI]: clean()[SUSI]! }, ['B2C_1A_TrustFrameworkExtensions'])).toEqual([]);
    expectFindings(lintFiles({ [SUSI]: clean()[SUSI]! }), 'POL-004', [{ file: SUSI, line: 13, column: 15 }]);
  });

  it('POL-004: a base that is present but not well-formed gets its own XML error, not "add its file"', () => {
    const files = seed(clean(), BASE, '</UserJourneys>', '</UserJourney>');
    const d = errors(files);
    expect(d.map((x) => `${x.file}:${x.line}:${x.column} ${x.ruleId}`)).toEqual([`${BASE}:1283:3 XML-001`]);
  });

  it('POL-005: two files with the same PolicyId both point at each other', () => {
    const files = { ...clean(), 'SignUpOrSignin_copy.xml': clean()[SUSI]! };
    expectFindings(lintFiles(files, 'POL-005'), 'POL-005', [
      { file: SUSI, line: 8, column: 3, message: "PolicyId 'B2C_1A_signup_signin' is also used by SignUpOrSignin_copy.xml." },
      { file: 'SignUpOrSignin_copy.xml', line: 8, column: 3, message: 'is also used by SignUpOrSignin.xml.' },
    ]);
  });

  it('POL-005: ids differing only in case are the same policy', () => {
    const copy = seed(clean(), SUSI, 'PolicyId="B2C_1A_signup_signin"', 'PolicyId="B2C_1A_SIGNUP_SIGNIN"')[SUSI]!;
    expect(lintFiles({ ...clean(), 'Copy.xml': copy }, 'POL-005')).toHaveLength(2);
  });

  it('POL-006: a self-inheriting policy', () => {
    const files = seed(clean(), LOC, '<PolicyId>B2C_1A_TrustFrameworkBase</PolicyId>', '<PolicyId>B2C_1A_TrustFrameworkLocalization</PolicyId>');
    expectFindings(lintFiles(files, 'POL-006'), 'POL-006', [
      { file: LOC, line: 13, column: 15, message: 'Inheritance cycle: B2C_1A_TrustFrameworkLocalization -> B2C_1A_TrustFrameworkLocalization.' },
    ]);
  });

  it('POL-006: a two-policy cycle is reported on both members, not on the relying parties that inherit into it', () => {
    const files = seed(clean(), LOC, '<PolicyId>B2C_1A_TrustFrameworkBase</PolicyId>', '<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>');
    const d = lintFiles(files);
    expectFindings(d, 'POL-006', [
      { file: EXT, line: 13, column: 15, message: 'Inheritance cycle: B2C_1A_TrustFrameworkExtensions -> B2C_1A_TrustFrameworkLocalization -> B2C_1A_TrustFrameworkExtensions.' },
      { file: LOC, line: 13, column: 15, message: 'Inheritance cycle: B2C_1A_TrustFrameworkLocalization -> B2C_1A_TrustFrameworkExtensions -> B2C_1A_TrustFrameworkLocalization.' },
    ]);
    // Nothing can be resolved through a loop, so no reference rule guesses.
    expect(d.filter((x) => x.severity === 'error').map((x) => x.ruleId)).toEqual(['POL-006', 'POL-006']);
  });

  it('POL-006: a chain of 11 levels is reported once, at the leaf; 10 levels is fine', () => {
    const files = clean();
    // Base(1) <- Localization(2) <- Extensions(3) <- L1(4) ... L8(11)
    let prev = 'B2C_1A_TrustFrameworkExtensions';
    for (let i = 1; i <= 8; i++) {
      files[`L${i}.xml`] = child(`B2C_1A_L${i}`, prev);
      prev = `B2C_1A_L${i}`;
    }
    expectFindings(lintFiles(files, 'POL-006'), 'POL-006', [
      { file: 'L8.xml', line: 5, column: 15, message: 'Inheritance chain is deeper than 10 levels: B2C_1A_L8 -> B2C_1A_L7 ->' },
    ]);
    delete files['L8.xml'];
    expect(lintFiles(files, 'POL-006')).toEqual([]);
    expect(errors(files)).toEqual([]);
  });

  it('POL-007: a wrong PolicySchemaVersion', () => {
    const files = seed(clean(), SUSI, 'PolicySchemaVersion="0.3.0.0"', 'PolicySchemaVersion="0.3.0"');
    expectFindings(lintFiles(files, 'POL-007'), 'POL-007', [{ file: SUSI, line: 6, column: 3, severity: 'error', message: "PolicySchemaVersion '0.3.0' must be '0.3.0.0'." }]);
  });
});
