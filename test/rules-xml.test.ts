import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { loadPolicySet, policyFromBytes } from '../src/policy/load.js';
import { Policy } from '../src/policy/policy.js';
import { type BrokenFile, PolicySet } from '../src/policy/set.js';
import type { Diagnostic } from '../src/report/diagnostic.js';
import { runRules } from '../src/rules/engine.js';
import { RULES } from '../src/rules/index.js';
import { expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared } from './helpers/shared.js';

// Literal positions in the pinned starter pack (fc39b7d). Every starter-pack file begins with a UTF-8 BOM.
const BASE = 'TrustFrameworkBase.xml';
const SUSI = 'SignUpOrSignin.xml';
const LOC = 'TrustFrameworkLocalization.xml';

/** A set built from raw bytes, so encodings and the scanned flag can be controlled. */
function lintBytes(files: Files, raw: Array<{ name: string; bytes: Uint8Array; scanned?: boolean }>): Diagnostic[] {
  const policies: Policy[] = [];
  const broken: BrokenFile[] = [];
  const all = [...Object.entries(files).map(([name, text]) => ({ name, bytes: Buffer.from(text, 'utf8'), scanned: false })), ...raw];
  for (const f of all) {
    const p = policyFromBytes(f.bytes, f.name, `/virtual/${f.name}`, f.scanned ?? false);
    if (p instanceof Policy) policies.push(p);
    else broken.push(p);
  }
  return runRules(RULES, new PolicySet(policies, broken), { ready: false });
}

const errorsOf = (d: Diagnostic[]) => d.filter((x) => x.severity === 'error').map((x) => `${x.file}:${x.line}:${x.column} ${x.ruleId}`);

describeShared('XML rules (XML-001..006) on SocialAndLocalAccounts', () => {
  const clean = (): Files => readFlavour('SocialAndLocalAccounts');

  it('the unmodified flavour (UTF-8 with BOM in every file) has no XML findings', () => {
    expect(lintFiles(clean()).filter((d) => d.ruleId.startsWith('XML-'))).toEqual([]);
  });

  it('XML-001: a mismatched end tag, at the end tag', () => {
    const files = seed(clean(), SUSI, '</RelyingParty>', '</RelyingPart>');
    const d = lintFiles(files);
    expectFindings(d, 'XML-001', [{ file: SUSI, line: 36, column: 3, severity: 'error', message: 'Not well-formed XML: Missing end tag for element RelyingParty (found </RelyingPart>)' }]);
    // One broken file is one diagnostic; the rest of the set is still linted and stays clean.
    expect(errorsOf(d)).toEqual([`${SUSI}:36:3 XML-001`]);
  });

  it('XML-001: a file truncated mid-tag, at the end of the text', () => {
    const text = clean()[SUSI]!;
    const files = { ...clean(), [SUSI]: text.slice(0, text.indexOf('<OutputClaim ClaimTypeReferenceId="email"') + 20) };
    expectFindings(lintFiles(files, 'XML-001'), 'XML-001', [{ file: SUSI, line: 29, column: 29, message: 'Not well-formed XML:' }]);
  });

  it('XML-001: an unescaped & in text', () => {
    const files = seed(clean(), BASE, '<DisplayName>Facebook</DisplayName>\n          <Protocol', '<DisplayName>Facebook & friends</DisplayName>\n          <Protocol');
    expectFindings(lintFiles(files, 'XML-001'), 'XML-001', [
      { file: BASE, line: 515, column: 33, message: 'Not well-formed XML: Unterminated reference (a reference must end with `;`); write a literal & as &amp;' },
    ]);
  });

  it('XML-001: an empty file, a BOM-only file and a whitespace-only file', () => {
    for (const text of ['', '\uFEFF', ' \n\t\r\n ']) {
      expectFindings(lintFiles({ ...clean(), [SUSI]: text }, 'XML-001'), 'XML-001', [{ file: SUSI, line: 1, column: 1, message: 'File is empty.' }]);
    }
  });

  it('XML-001: binary content with NUL bytes', () => {
    const d = lintBytes({}, [{ name: 'archive.xml', bytes: Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]) }]);
    expectFindings(d, 'XML-001', [{ file: 'archive.xml', line: 1, column: 5, message: 'File contains a NUL byte: it is binary, not XML.' }]);
    expect(d).toHaveLength(1);
  });

  it('XML-001: an unreadable path (a folder named like a file) is one diagnostic, not an exception', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'b2c-xml-'));
    try {
      const set = loadPolicySet([{ absPath: dir, scanned: false }], os.tmpdir());
      const d = runRules(RULES, set, { ready: false });
      expectFindings(d, 'XML-001', [{ file: path.basename(dir), line: 1, column: 1, message: 'Cannot read file (EISDIR).' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('XML-002: a DOCTYPE with an internal entity is rejected before parsing', () => {
    const files = seed(clean(), SUSI, '<TrustFrameworkPolicy\n', '<!DOCTYPE TrustFrameworkPolicy [ <!ENTITY t "yourtenant.onmicrosoft.com"> ]>\n<TrustFrameworkPolicy\n');
    const d = lintFiles(files);
    expectFindings(d, 'XML-002', [{ file: SUSI, line: 2, column: 1, severity: 'error', message: 'DOCTYPE declarations are not allowed in policy files' }]);
    expect(errorsOf(d)).toEqual([`${SUSI}:2:1 XML-002`]);
  });

  it('XML-002: a stray ENTITY declaration', () => {
    const files = seed(clean(), SUSI, '  <RelyingParty>', '  <!ENTITY t "x"><RelyingParty>');
    expectFindings(lintFiles(files, 'XML-002'), 'XML-002', [{ file: SUSI, line: 16, column: 3, message: 'ENTITY declarations are not allowed' }]);
  });

  it('XML-002: the word DOCTYPE inside a comment is fine', () => {
    const files = seed(clean(), SUSI, '<TrustFrameworkPolicy\n', '<!-- no <!DOCTYPE here --><TrustFrameworkPolicy\n');
    expect(lintFiles(files).filter((d) => d.severity === 'error')).toEqual([]);
  });

  // Was an error: the TOTP sample carried this U+200B in display text for two years and uploaded (samples#517); the PR#547
  // failure was a PowerShell script re-encoding the file (upload-semantics.md §5). In text it is a warning now.
  it('XML-003: a zero-width space in display text (the TOTP sample) is a warning', () => {
    const files = seed(clean(), BASE, '<DisplayName>Facebook</DisplayName>\n          <Protocol', '<DisplayName>Face\u200Bbook</DisplayName>\n          <Protocol');
    expectFindings(lintFiles(files, 'XML-003'), 'XML-003', [
      { file: BASE, line: 515, column: 28, severity: 'warning', message: 'Invisible character U+200B (ZERO WIDTH SPACE) in text; it uploads, but shows up in copy-paste and search; delete it.' },
    ]);
  });

  it('XML-003: in a LocalizedString and a comment it is a warning; in an Id attribute, PolicyId text or an id metadata item an error', () => {
    let files = seed(clean(), SUSI, '<DisplayName>PolicyProfile</DisplayName>', '<DisplayName>PolicyProfile</DisplayName><!-- note\u200B -->');
    files = seed(files, SUSI, '<TechnicalProfile Id="PolicyProfile">', '<TechnicalProfile Id="Policy\u200BProfile">');
    files = seed(files, SUSI, '<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>', '<PolicyId>B2C_1A_TrustFrameworkExtensions\u200B</PolicyId>');
    files = seed(files, BASE, '<Item Key="ContentDefinitionReferenceId">api.localaccountsignin</Item>', '<Item Key="ContentDefinitionReferenceId">api.local\u200Baccountsignin</Item>');
    files = seed(files, LOC, 'StringId="LocalAccountSigninEmailExchange">Local Account Signin</LocalizedString>', 'StringId="LocalAccountSigninEmailExchange">Local\u200B Account Signin</LocalizedString>');
    const d = lintFiles(files, 'XML-003');
    expect(d.map((x) => `${x.file}:${x.line}:${x.column} ${x.severity}`)).toEqual([
      'SignUpOrSignin.xml:13:46 error',
      'SignUpOrSignin.xml:22:33 error',
      'SignUpOrSignin.xml:23:56 warning',
      'TrustFrameworkBase.xml:916:63 error',
      'TrustFrameworkLocalization.xml:221:105 warning',
    ]);
    expect(d[3]!.message).toBe('Invisible character U+200B (ZERO WIDTH SPACE) in metadata item ContentDefinitionReferenceId: it silently breaks matching (the value is no longer the Id or keyword it looks like); delete it.');
    expect(d[0]!.message).toContain('in <PolicyId>');
    expect(d[1]!.message).toContain('in the Id attribute of <TechnicalProfile>');
  });

  it('XML-003: a word joiner inside an Id also breaks the reference', () => {
    const files = seed(clean(), SUSI, '<DefaultUserJourney ReferenceId="SignUpOrSignIn" />', '<DefaultUserJourney ReferenceId="SignUpOr\u2060SignIn" />');
    const d = lintFiles(files);
    expectFindings(d, 'XML-003', [{ file: SUSI, line: 17, column: 46, severity: 'error', message: 'U+2060 (WORD JOINER) in the ReferenceId attribute of <DefaultUserJourney>' }]);
    expectFindings(d, 'REF-007', [{ file: SUSI, line: 17, column: 25 }]);
  });

  it('XML-003: a BOM is fine at offset 0 and reported anywhere else (a warning in display text)', () => {
    const files = seed(clean(), SUSI, '<DisplayName>PolicyProfile</DisplayName>', '<DisplayName>\uFEFFPolicyProfile</DisplayName>');
    expectFindings(lintFiles(files, 'XML-003'), 'XML-003', [{ file: SUSI, line: 23, column: 20, message: 'U+FEFF (BYTE ORDER MARK (not at the start of the file))' }]);
  });

  it('XML-003: at most 20 findings per file', () => {
    const files = seed(clean(), SUSI, '<DisplayName>PolicyProfile</DisplayName>', `<DisplayName>${'\u200B'.repeat(50)}PolicyProfile</DisplayName>`);
    expect(lintFiles(files, 'XML-003')).toHaveLength(20);
  });

  it('XML-004: the wrong namespace, at the xmlns attribute (not xmlns:xsi)', () => {
    const files = seed(clean(), SUSI, 'xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06"', 'xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/07"');
    expectFindings(lintFiles(files, 'XML-004'), 'XML-004', [
      { file: SUSI, line: 5, column: 3, severity: 'error', message: "Namespace 'http://schemas.microsoft.com/online/cpim/schemas/2013/07' is wrong; it must be 'http://schemas.microsoft.com/online/cpim/schemas/2013/06'." },
    ]);
  });

  it('XML-004: no default namespace at all, at the root element name', () => {
    const files = seed(clean(), SUSI, '  xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06"\n', '');
    expectFindings(lintFiles(files, 'XML-004'), 'XML-004', [{ file: SUSI, line: 2, column: 2, message: 'TrustFrameworkPolicy has no xmlns' }]);
  });

  it('XML-004 vs XML-006: a non-policy root is an error when named explicitly, an info when found by scanning', () => {
    const conf = '<?xml version="1.0"?>\n<configuration>\n  <appSettings />\n</configuration>\n';
    const named = lintFiles({ ...clean(), 'app.xml': conf });
    expectFindings(named, 'XML-004', [{ file: 'app.xml', line: 2, column: 2, severity: 'error', message: 'Root element is <configuration>, not <TrustFrameworkPolicy>: not a B2C policy file.' }]);
    expect(named.filter((d) => d.ruleId === 'XML-006')).toEqual([]);

    const scanned = lintBytes(clean(), [{ name: 'app.xml', bytes: Buffer.from(conf), scanned: true }]);
    expectFindings(scanned, 'XML-006', [{ file: 'app.xml', line: 2, column: 2, severity: 'info', message: 'Root element is <configuration>' }]);
    expect(scanned.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('XML-005: UTF-16 LE and BE with a BOM', () => {
    const text = clean()[SUSI]!.replace(/^\uFEFF/, '');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const bytes of [le, be]) {
      const d = lintBytes({}, [{ name: SUSI, bytes }]);
      expectFindings(d, 'XML-005', [{ file: SUSI, line: 1, column: 1, severity: 'error', message: 'File is UTF-16 encoded; B2C policy files must be UTF-8.' }]);
      expect(d).toHaveLength(1);
    }
  });

  it('XML-005: a Latin-1 byte, at the character where it sits', () => {
    const text = clean()[BASE]!;
    const at = Buffer.from(text.slice(0, text.indexOf('Facebook</DisplayName>\n          <Protocol')), 'utf8').length;
    const bytes = Buffer.from(text, 'utf8');
    bytes[at] = 0xe9; // 'é' in Latin-1, an invalid UTF-8 sequence before 'acebook'
    const d = lintBytes({}, [{ name: BASE, bytes }]);
    expectFindings(d, 'XML-005', [{ file: BASE, line: 515, column: 24, message: 'Invalid UTF-8 byte 0xe9; B2C policy files must be UTF-8.' }]);
  });

  it('XML-006: a malformed file found by scanning is still an error (it may be a policy)', () => {
    const d = lintBytes({}, [{ name: 'notes.xml', bytes: Buffer.from('<?xml version="1.0"?>\n<notes><a></notes>\n'), scanned: true }]);
    expect(errorsOf(d)).toEqual(['notes.xml:2:11 XML-001']);
  });
});

describeShared('XML-007 unbuilt templates on SocialAndLocalAccounts', () => {
  const clean = (): Files => readFlavour('SocialAndLocalAccounts');
  const xml = (d: Diagnostic[]) => d.filter((x) => x.ruleId.startsWith('XML-')).map((x) => `${x.file}:${x.line}:${x.column} ${x.severity} ${x.ruleId}`);

  it('template syntax that breaks XML: one XML-007 warning per file at the token, no XML-001; errors with ready', () => {
    // Line 7 is `  TenantId="yourtenant.onmicrosoft.com"` in every file; the token starts at column 12 or 13.
    let files = seed(clean(), SUSI, 'TenantId="yourtenant.onmicrosoft.com"', 'TenantId={{TenantId}}');
    files = seed(files, 'ProfileEdit.xml', 'TenantId="yourtenant.onmicrosoft.com"', 'TenantId="<b2c tenantname>.onmicrosoft.com"');
    files = seed(files, 'PasswordReset.xml', 'TenantId="yourtenant.onmicrosoft.com"', '%{ if env == "prod" }DeploymentMode="Production"%{ endif } TenantId="yourtenant.onmicrosoft.com"');
    files = seed(files, BASE, '<ContentDefinition Id="api.idpselections">\n        <LoadUri>~/tenant/templates/AzureBlue/idpSelector.cshtml</LoadUri>', '<ContentDefinition Id="api.idpselections">\n        <LoadUri>https://<yourstorageaccount>.blob.core.windows.net/idpSelector.html</LoadUri>');
    const baseLine = files[BASE]!.split('\n').findIndex((l) => l.includes('<yourstorageaccount>')) + 1;
    const want = [
      'PasswordReset.xml:7:3 warning XML-007',
      'ProfileEdit.xml:7:13 warning XML-007',
      `SignUpOrSignin.xml:7:12 warning XML-007`,
      `${BASE}:${baseLine}:26 warning XML-007`,
    ];
    const d = lintFiles(files);
    expect(xml(d)).toEqual(want);
    expect(d.find((x) => x.file === 'ProfileEdit.xml' && x.ruleId === 'XML-007')!.message).toContain("('<b2c tenantname>' here)");
    expect(xml(lintFiles(files, undefined, { ready: true }))).toEqual(want.map((w) => w.replace('warning', 'error')));
  });

  it('a real defect stays an XML-001 error, also in a file that has template tokens elsewhere', () => {
    let files = seed(clean(), SUSI, 'TenantId="yourtenant.onmicrosoft.com"', 'TenantId="{{TenantId}}"');
    files = seed(files, SUSI, '<DefaultUserJourney ReferenceId="SignUpOrSignIn" />', '<DefaultUserJourney ReferenceId="SignUpOrSignIn" >');
    expect(xml(lintFiles(files))).toEqual(['SignUpOrSignin.xml:36:3 error XML-001']);
  });
});
