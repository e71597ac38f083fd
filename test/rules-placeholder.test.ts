import { describe, expect, it } from 'vitest';
import { findPlaceholders } from '../src/rules/placeholder/patterns.js';
import { expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared } from './helpers/shared.js';

// Literal positions in the pinned starter pack (fc39b7d). Every file's header has TenantId="yourtenant..." at 7:13 and
// PublicPolicyUri="http://yourtenant..." whose tenant starts at 9:27; a BasePolicy TenantId text is at 12:15.
const EXT = 'TrustFrameworkExtensions.xml';
const SUSI = 'SignUpOrSignin.xml';

const HEADER = (file: string, base = true) => [
  { file, line: 7, column: 13 },
  { file, line: 9, column: 27 },
  ...(base ? [{ file, line: 12, column: 15 }] : []),
];

describeShared('ENV-001 placeholders on SocialAndLocalAccounts', () => {
  const clean = (): Files => readFlavour('SocialAndLocalAccounts');

  it('the unmodified flavour: every starter-pack placeholder is an info, at its exact position', () => {
    const d = lintFiles(clean(), 'ENV-001');
    expectFindings(d, 'ENV-001', [
      ...HEADER('PasswordReset.xml'),
      ...HEADER('ProfileEdit.xml'),
      ...HEADER(SUSI),
      ...HEADER('TrustFrameworkBase.xml', false),
      ...HEADER(EXT),
      { file: EXT, line: 26, column: 35, message: "Placeholder 'facebook_clientid' (starter-pack Facebook app id placeholder)" },
      { file: EXT, line: 40, column: 35, message: "Placeholder 'ProxyIdentityExperienceFrameworkAppId'" },
      { file: EXT, line: 41, column: 41, message: "Placeholder 'IdentityExperienceFrameworkAppId' (starter-pack IdentityExperienceFramework app id placeholder)" },
      { file: EXT, line: 44, column: 72, message: "Placeholder 'ProxyIdentityExperienceFrameworkAppId'" },
      { file: EXT, line: 45, column: 102, message: "Placeholder 'IdentityExperienceFrameworkAppId'" },
      ...HEADER('TrustFrameworkLocalization.xml'),
    ]);
    expect(new Set(d.map((x) => x.severity))).toEqual(new Set(['info']));
    expect(d[0]!.message).toBe("Placeholder 'yourtenant.onmicrosoft.com' (starter-pack tenant placeholder) must be replaced before upload.");
  });

  it('with {ready: true} the same findings are errors', () => {
    const d = lintFiles(clean(), 'ENV-001', { ready: true });
    expect(d).toHaveLength(22);
    expect(new Set(d.map((x) => x.severity))).toEqual(new Set(['error']));
  });

  it('B2C claim resolvers are never flagged (the pack uses {Policy:TenantObjectId}, {OIDC:LoginHint}, {RelyingPartyTenantId}, {tenant}, {service:te})', () => {
    let files = seed(clean(), SUSI, 'DefaultValue="{Policy:TenantObjectId}"', 'DefaultValue="{Context:CorrelationId}"');
    files = seed(files, SUSI, '<OutputClaim ClaimTypeReferenceId="identityProvider" />', '<OutputClaim ClaimTypeReferenceId="identityProvider" DefaultValue="{OIDC:ClientId} {Claim:email} {Culture:LanguageName} {OAUTH-KV:campaignId} {RelyingPartyTenantId} {Policy:PolicyId} {Context:IPAddress}" />');
    const d = lintFiles(files, 'ENV-001', { ready: true }).filter((x) => x.file === SUSI);
    expectFindings(d, 'ENV-001', HEADER(SUSI));
  });

  it('build and pipeline tokens are flagged at their exact column', () => {
    const files = seed(
      clean(),
      SUSI,
      '<OutputClaim ClaimTypeReferenceId="identityProvider" />',
      '<OutputClaim ClaimTypeReferenceId="identityProvider" DefaultValue="{Settings:IdpName}" /><!--x--><Item Key="a">{config:PolicyPrefix}</Item><Item Key="b">#{Tenant}#</Item><Item Key="c">{##Tenant##}</Item><Item Key="d">[CHANGE-THIS]</Item>',
    );
    const d = lintFiles(files, 'ENV-001', { ready: true }).filter((x) => x.line === 31);
    expectFindings(d, 'ENV-001', [
      { file: SUSI, line: 31, column: 76, severity: 'error', message: "Placeholder '{Settings:IdpName}' (VS Code B2C extension setting) must be replaced before upload." },
      { file: SUSI, line: 31, column: 120, message: "'{config:PolicyPrefix}' (pipeline token)" },
      { file: SUSI, line: 31, column: 162, message: "'#{Tenant}#'" },
      { file: SUSI, line: 31, column: 193, message: "'{##Tenant##}'" },
      { file: SUSI, line: 31, column: 226, message: "'[CHANGE-THIS]' (placeholder)" },
    ]);
  });

  it('placeholders inside comments are not flagged, single- or multi-line', () => {
    const files = seed(
      clean(),
      SUSI,
      '  <RelyingParty>\n',
      '  <!-- set TenantId to {Settings:Tenant}, not yourtenant.onmicrosoft.com -->\n  <!--\n    client_id: ProxyIdentityExperienceFrameworkAppId\n    #{Tenant}# [CHANGE-THIS]\n  -->\n  <RelyingParty>\n',
    );
    expect(lintFiles(files, 'ENV-001').filter((d) => d.file === SUSI && d.line >= 16 && d.line <= 20)).toEqual([]);
  });
});

describe('findPlaceholders', () => {
  const found = (text: string) => findPlaceholders(text).map((h) => [h.token, h.kind.id, h.start]);

  it('reports a {Settings:...} token once, not also the app-id word inside it; a hit inside any other hit is dropped too', () => {
    const text = '<a>{Settings:ProxyIdentityExperienceFrameworkAppId}</a><b>{Settings:IdentityExperienceFrameworkAppId}</b><c>IdentityExperienceFrameworkAppId</c><d x="#{Settings:Tenant}#"/>';
    expect(found(text)).toEqual([
      ['{Settings:ProxyIdentityExperienceFrameworkAppId}', 'settings', 3],
      ['{Settings:IdentityExperienceFrameworkAppId}', 'settings', text.indexOf('<b>') + 3],
      ['IdentityExperienceFrameworkAppId', 'ief', text.indexOf('<c>') + 3],
      ['#{Settings:Tenant}#', 'hash', text.indexOf('#{')],
    ]);
    // The same words on their own are still placeholders.
    expect(found('ProxyIdentityExperienceFrameworkAppId facebook_clientid')).toEqual([
      ['ProxyIdentityExperienceFrameworkAppId', 'proxy-ief', 0],
      ['facebook_clientid', 'facebook', 38],
    ]);
  });

  it('template families seen in real repositories (upload-semantics.md §4) are placeholders, each at its offset', () => {
    const cases: Array<[string, string[], string]> = [
      ['<a x="{{ tenantId }}"/>', ['{{ tenantId }}'], 'mustache'],
      ['<a>${tenant_name}.onmicrosoft.com</a>', ['${tenant_name}'], 'dollar'],
      ['<a x="1" %{ if env == "prod" }y="2"%{ endif }/>', ['%{ if env == "prod" }', '%{ endif }'], 'terraform'],
      ['<a>__TenantId__</a>', ['__TenantId__'], 'dunder'],
      ['<a>your-dev-tenant.onmicrosoft.com</a>', ['your-dev-tenant'], 'your-tenant'],
      ['<a>your_b2c_tenant_name</a>', ['your_b2c_tenant_name'], 'your-tenant'],
      ['<a>YOUR_TENANT_ID.onmicrosoft.com</a>', ['YOUR_TENANT_ID'], 'your-tenant'],
      ['<a>tenant-name.onmicrosoft.com</a>', ['tenant-name.onmicrosoft.com'], 'tenant-name'],
      ['<a>{tenant}.onmicrosoft.com</a>', ['{tenant}.onmicrosoft.com'], 'brace-tenant'],
      ['<a>{your B2C tenant name}</a>', ['{your B2C tenant name}'], 'brace-words'],
      ['<a>{your_tenant_name}</a>', ['{your_tenant_name}'], 'brace-words'],
    ];
    for (const [text, tokens, kind] of cases) {
      expect(found(text)).toEqual(tokens.map((t) => [t, kind, text.indexOf(t)]));
    }
  });

  it('what looks alike and is not a placeholder: claim resolvers, format items, {tenant} in a URL, plain words', () => {
    const text =
      '<a>https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration</a><b>{0}@{1}</b><c>{OAUTH-KV:campaign_id}</c>' +
      '<d>{RelyingPartyTenantId}</d><e>Enter your tenant name</e><f>__proto</f><g>a__b__c</g><h>{Claim:given_name}</h><i>yourdomain.com</i>';
    expect(found(text)).toEqual([]);
  });

  it('matches {Settings:...} in any case, as the VS Code extension and build do, also in a file without "{Settings:"', () => {
    expect(found('<a>{settings:Tenant}</a><b>{SETTINGS:x}</b><c>{SeTtInGs:IdentityExperienceFrameworkAppId}</c>')).toEqual([
      ['{settings:Tenant}', 'settings', 3],
      ['{SETTINGS:x}', 'settings', 27],
      ['{SeTtInGs:IdentityExperienceFrameworkAppId}', 'settings', 46],
    ]);
    // Claim resolvers that look alike are still never matched.
    expect(found('{Context:CorrelationId} {Setting:x} {Settings x}')).toEqual([]);
  });
});

describe('ENV-001 on a small set', () => {
  const policy = (body: string) => `<?xml version="1.0" encoding="utf-8"?>
<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="{settings:Tenant}" PolicyId="B2C_1A_X" PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_X">
  <ClaimsProviders><ClaimsProvider><DisplayName>x</DisplayName><TechnicalProfiles><TechnicalProfile Id="t"><Metadata>
${body}
  </Metadata></TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders>
</TrustFrameworkPolicy>
`;

  it('one finding per token: {Settings:<app id>} is not reported twice, and a lower-case {settings:...} is found', () => {
    const text = policy('<Item Key="client_id">{Settings:ProxyIdentityExperienceFrameworkAppId}</Item>');
    const d = lintFiles({ 'X.xml': text }, 'ENV-001', { ready: true });
    expectFindings(d, 'ENV-001', [
      { file: 'X.xml', line: 2, column: text.split('\n')[1]!.indexOf('{settings:') + 1, severity: 'error', message: "Placeholder '{settings:Tenant}' (VS Code B2C extension setting)" },
      { file: 'X.xml', line: 4, column: 23, severity: 'error', message: "Placeholder '{Settings:ProxyIdentityExperienceFrameworkAppId}' (VS Code B2C extension setting)" },
    ]);
  });
});
