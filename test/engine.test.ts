import { parseDocument } from '../src/xml/parse.js';
import type { XmlElement } from '../src/xml/nodes.js';
import { describe, expect, it } from 'vitest';
import type { Diagnostic, Severity } from '../src/report/diagnostic.js';
import { runRules } from '../src/rules/engine.js';
import { RULES } from '../src/rules/index.js';
import type { Rule, RuleContext } from '../src/rules/types.js';
import { attributeSpans, nameSpan, textSpan } from '../src/xml/element.js';
import { LineIndex } from '../src/xml/lines.js';
import { buildSet, expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared } from './helpers/shared.js';

const BASE = 'TrustFrameworkBase.xml';
const SUSI = 'SignUpOrSignin.xml';
const NS = 'http://schemas.microsoft.com/online/cpim/schemas/2013/06';

function rule(id: string, name: string, check: (ctx: RuleContext) => void, severity: Severity = 'error'): Rule {
  return {
    meta: { id, name, category: 'xml', severity, summary: id, description: id, source: 'test', examples: { bad: '', good: '' } },
    check,
  };
}

/** A one-file policy whose PolicyId is a bare (invalid) id: POL-001 flags it at the PolicyId attribute. */
function tinyPolicy(policyId = 'NoPrefix'): string {
  return `<TrustFrameworkPolicy xmlns="${NS}" PolicySchemaVersion="0.3.0.0" TenantId="contoso.onmicrosoft.com" PolicyId="${policyId}" PublicPolicyUri="http://contoso.onmicrosoft.com/${policyId}"/>`;
}

const at = (d: Diagnostic[]) => d.map((x) => `${x.file}:${x.line}:${x.column} ${x.ruleId}`);

// SignUpOrSignIn journey step 4 (line 1156) holds ClaimsExchange "SelfAsserted-Social"; line 1155 is its <ClaimsExchanges>.
const EXCHANGE_LINE = '<ClaimsExchanges>\n            <ClaimsExchange Id="SelfAsserted-Social" TechnicalProfileReferenceId="SelfAsserted-Social" />';
const brokenExchange = (comment = '') => `<ClaimsExchanges>${comment}\n            <ClaimsExchange Id="SelfAsserted-Social" TechnicalProfileReferenceId="SelfAsserted-Socal" />`;
// Line 1189 (SendClaims of SignUpOrSignIn) follows the blank line 1188; two defects of two rules on one line.
const SEND_LINE = '\n\n        <OrchestrationStep Order="7" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />';
const brokenSend = (comment = '') =>
  `\n${comment}\n        <OrchestrationStep Order="7" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer2" ContentDefinitionReferenceId="api.nope" />`;

describeShared('engine: inline disable comments', () => {
  const clean = (): Files => readFlavour('SocialAndLocalAccounts');

  it('the seeded defects are reported without a comment', () => {
    let files = seed(clean(), BASE, EXCHANGE_LINE, brokenExchange());
    files = seed(files, BASE, SEND_LINE, brokenSend());
    expect(at(lintFiles(files).filter((d) => d.severity === 'error'))).toEqual([`${BASE}:1156:54 REF-002`, `${BASE}:1189:56 REF-002`, `${BASE}:1189:107 REF-004`]);
  });

  it('by rule id, on the next line only', () => {
    let files = seed(clean(), BASE, EXCHANGE_LINE, brokenExchange('<!-- b2c-totp-disable-next-line REF-002 -->'));
    files = seed(files, BASE, SEND_LINE, brokenSend());
    expect(at(lintFiles(files, 'REF-002'))).toEqual([`${BASE}:1189:56 REF-002`]);
  });

  it('by rule name, case-insensitively', () => {
    const files = seed(clean(), BASE, EXCHANGE_LINE, brokenExchange('<!-- b2c-totp-disable-next-line Unknown-Technical-Profile -->'));
    expect(lintFiles(files, 'REF-002')).toEqual([]);
    const lower = seed(clean(), BASE, EXCHANGE_LINE, brokenExchange('<!-- b2c-totp-disable-next-line ref-002 -->'));
    expect(lintFiles(lower, 'REF-002')).toEqual([]);
  });

  it('another rule named in the comment does not silence this one', () => {
    const files = seed(clean(), BASE, EXCHANGE_LINE, brokenExchange('<!-- b2c-totp-disable-next-line REF-001 -->'));
    expect(at(lintFiles(files, 'REF-002'))).toEqual([`${BASE}:1156:54 REF-002`]);
  });

  it('several rules, by id and name, comma- or space-separated', () => {
    const files = seed(clean(), BASE, SEND_LINE, brokenSend('<!-- b2c-totp-disable-next-line REF-002, unknown-content-definition -->'));
    expect(lintFiles(files).filter((d) => d.severity === 'error')).toEqual([]);
    const spaced = seed(clean(), BASE, SEND_LINE, brokenSend('<!-- b2c-totp-disable-next-line REF-002 REF-004 -->'));
    expect(lintFiles(spaced).filter((d) => d.severity === 'error')).toEqual([]);
    const one = seed(clean(), BASE, SEND_LINE, brokenSend('<!-- b2c-totp-disable-next-line REF-004 -->'));
    expect(at(lintFiles(one).filter((d) => d.severity === 'error'))).toEqual([`${BASE}:1189:56 REF-002`]);
  });

  it('no rule named silences every rule on the next line', () => {
    const files = seed(clean(), BASE, SEND_LINE, brokenSend('<!-- b2c-totp-disable-next-line -->'));
    expect(lintFiles(files).filter((d) => d.line === 1189)).toEqual([]);
  });

  it('a comment two lines above does nothing (it covers line 1155, the defect is on 1156)', () => {
    const files = seed(
      clean(),
      BASE,
      `</Preconditions>\n          ${EXCHANGE_LINE}`,
      `</Preconditions><!-- b2c-totp-disable-next-line -->\n          ${brokenExchange()}`,
    );
    expect(at(lintFiles(files, 'REF-002'))).toEqual([`${BASE}:1156:54 REF-002`]);
  });

  it('a comment spanning lines applies to the line after it ends', () => {
    const files = seed(clean(), BASE, SEND_LINE, `\n<!-- b2c-totp-disable-next-line\n  REF-002 REF-004 -->\n        <OrchestrationStep Order="7" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer2" ContentDefinitionReferenceId="api.nope" />`);
    expect(lintFiles(files).filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describeShared('engine: configured severities', () => {
  const files = () => seed(readFlavour('SocialAndLocalAccounts'), BASE, SEND_LINE, brokenSend());
  const run = (config: Record<string, Severity | 'off'>, ready = false) => runRules(RULES, buildSet(files()), { ready }, { rules: config });

  it('by id and by name', () => {
    const d = run({ 'REF-002': 'warning', 'unknown-content-definition': 'info' });
    expectFindings(d, 'REF-002', [{ file: BASE, line: 1189, column: 56, severity: 'warning' }]);
    expectFindings(d, 'REF-004', [{ file: BASE, line: 1189, column: 107, severity: 'info' }]);
  });

  it("'off' removes a rule entirely and leaves the others", () => {
    const d = run({ 'REF-002': 'off', placeholder: 'off' });
    expect(d.filter((x) => x.ruleId === 'REF-002' || x.ruleId === 'ENV-001')).toEqual([]);
    expectFindings(d, 'REF-004', [{ file: BASE, line: 1189, column: 107, severity: 'error' }]);
  });

  it('config wins over a per-finding severity (ENV-001 is an error with ready, a warning when configured)', () => {
    expect(new Set(run({}, true).filter((x) => x.ruleId === 'ENV-001').map((x) => x.severity))).toEqual(new Set(['error']));
    expect(new Set(run({ 'ENV-001': 'warning' }, true).filter((x) => x.ruleId === 'ENV-001').map((x) => x.severity))).toEqual(new Set(['warning']));
  });

  it('a localization warning can be raised to an error', () => {
    const social = readFlavour('SocialAccounts');
    const d = runRules(RULES, buildSet(social), { ready: false }, { rules: { 'REF-001': 'error' } });
    expectFindings(d, 'REF-001', [
      { file: 'TrustFrameworkLocalization.xml', line: 55, column: 52, severity: 'error', message: "LocalizedString ElementId 'signInName'" },
      { file: 'TrustFrameworkLocalization.xml', line: 59, column: 52, severity: 'error', message: "LocalizedString ElementId 'password'" },
    ]);
  });
});

describe('engine: de-duplication and order', () => {
  const files: Files = { 'b.xml': tinyPolicy('B2C_1A_B'), 'a.xml': `${tinyPolicy('B2C_1A_A')}\n` };

  it('identical findings (same file, position, rule, message) are reported once', () => {
    const twice = rule('T-001', 'twice', ({ set, report }) => {
      for (const p of set.policies) for (let i = 0; i < 3; i++) report({ file: p, at: { element: p.root }, message: 'same' });
    });
    const d = runRules([twice], buildSet(files), { ready: false });
    expect(at(d)).toEqual(['a.xml:1:2 T-001', 'b.xml:1:2 T-001']);
  });

  it('different messages, or different rules, at one position are kept', () => {
    const r1 = rule('T-001', 'one', ({ set, report }) => {
      const p = set.policies[0]!;
      report({ file: p, at: { element: p.root }, message: 'first' });
      report({ file: p, at: { element: p.root }, message: 'second' });
    });
    const r2 = rule('T-002', 'two', ({ set, report }) => {
      const p = set.policies[0]!;
      report({ file: p, at: { element: p.root }, message: 'first' });
    });
    expect(runRules([r1, r2], buildSet({ 'x.xml': tinyPolicy() }), { ready: false })).toHaveLength(3);
  });

  it('findings come out sorted by file, line, column, severity, rule id, message, whatever the report order', () => {
    const messy = rule('T-009', 'messy', ({ set, report }) => {
      const [b, a] = [set.policies.find((p) => p.path === 'b.xml')!, set.policies.find((p) => p.path === 'a.xml')!];
      report({ file: b, at: { element: b.root, attribute: 'PolicyId' }, message: 'z' });
      report({ file: a, at: { element: a.root, attribute: 'TenantId' }, message: 'y', severity: 'info' });
      report({ file: a, at: { element: a.root, attribute: 'TenantId' }, message: 'x', severity: 'warning' });
      report({ file: a, at: { element: a.root }, message: 'w' });
      report({ file: a, at: { element: a.root, attribute: 'TenantId' }, message: 'b', severity: 'warning' });
    });
    const early = rule('T-001', 'early', ({ set, report }) => {
      const a = set.policies.find((p) => p.path === 'a.xml')!;
      report({ file: a, at: { element: a.root, attribute: 'TenantId' }, message: 'z', severity: 'warning' });
    });
    const d = runRules([messy, early], buildSet(files), { ready: false });
    expect(d.map((x) => `${x.file}:${x.line}:${x.column} ${x.severity} ${x.ruleId} ${x.message}`)).toEqual([
      'a.xml:1:2 error T-009 w',
      'a.xml:1:118 warning T-001 z',
      'a.xml:1:118 warning T-009 b',
      'a.xml:1:118 warning T-009 x',
      'a.xml:1:118 info T-009 y',
      'b.xml:1:153 error T-009 z',
    ]);
  });
});

describe('engine: bounded messages', () => {
  it("a rule that quotes a 200,000-character value gets it clipped to 100 characters; the location still spans it", () => {
    const id = `B2C_1A_${'x'.repeat(200_000)}`;
    const text = tinyPolicy(id);
    const echo = rule('T-001', 'echo', ({ set, report }) => {
      const p = set.policies[0]!;
      report({ file: p, at: { element: p.root, attribute: 'PolicyId' }, message: `PolicyId '${p.policyId}' is long.` });
    });
    const [d] = runRules([echo], buildSet({ 'p.xml': text }), { ready: false });
    expect(d!.message).toBe(`PolicyId '${id.slice(0, 99)}…' is long.`);
    const start = text.indexOf(' PolicyId="') + 2;
    expect([d!.line, d!.column, d!.endLine, d!.endColumn]).toEqual([1, start, 1, start + 'PolicyId="'.length + id.length + 1]);
  });

  it('a message without quotes is cut at 1,000 characters, with an ellipsis', () => {
    const files: Files = { 'p.xml': tinyPolicy('B2C_1A_P') };
    const wordy = rule('T-001', 'wordy', ({ set, report }) => {
      const p = set.policies[0]!;
      report({ file: p, at: { element: p.root }, message: 'word '.repeat(100_000) });
    });
    const [d] = runRules([wordy], buildSet(files), { ready: false });
    expect(d!.message).toHaveLength(1000);
    expect(d!.message.endsWith('…')).toBe(true);
  });

  it('a list of files in a message shows five and says how many more (POL-005 with eight copies of one PolicyId)', () => {
    const files: Files = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`p${i + 1}.xml`, tinyPolicy('B2C_1A_Same')]));
    const d = lintFiles(files, 'POL-005');
    expect(d).toHaveLength(8);
    expect(d[0]!.message).toBe("PolicyId 'B2C_1A_Same' is also used by p2.xml, p3.xml, p4.xml, p5.xml, p6.xml and 2 more.");
  });

  it('short messages and short quoted values are left as they are', () => {
    const files: Files = { 'p.xml': tinyPolicy('B2C_1A_P') };
    const msg = `Value '${'y'.repeat(100)}' and '${'z'.repeat(100)}' fit.`;
    const ok = rule('T-001', 'ok', ({ set, report }) => report({ file: set.policies[0]!, at: { element: set.policies[0]!.root }, message: msg }));
    expect(runRules([ok], buildSet(files), { ready: false })[0]!.message).toBe(msg);
  });
});

describe('engine: positions with a BOM and with CRLF / CR line ends', () => {
  it('a BOM on line 1 is not a column', () => {
    const plain = lintFiles({ 'p.xml': tinyPolicy() }, 'POL-001');
    const bom = lintFiles({ 'p.xml': `\uFEFF${tinyPolicy()}` }, 'POL-001');
    expectFindings(plain, 'POL-001', [{ file: 'p.xml', line: 1, column: 153 }]);
    expect(bom).toEqual(plain);
  });

  it('a BOM changes nothing on later lines either', () => {
    const text = `<?xml version="1.0"?>\n${tinyPolicy()}`;
    expect(lintFiles({ 'p.xml': `\uFEFF${text}` })).toEqual(lintFiles({ 'p.xml': text }));
    expectFindings(lintFiles({ 'p.xml': text }, 'POL-001'), 'POL-001', [{ file: 'p.xml', line: 2, column: 153 }]);
  });

  it('an element name at the very start of a BOM file is column 2 (the "<" is column 1)', () => {
    const d = lintFiles({ 'p.xml': `\uFEFF<TrustFrameworkPolicy xmlns="${NS}" PolicySchemaVersion="0.3.0.0" TenantId="contoso.onmicrosoft.com" PublicPolicyUri="x"/>` }, 'POL-001');
    expectFindings(d, 'POL-001', [{ file: 'p.xml', line: 1, column: 2, message: 'no PolicyId attribute' }]);
  });
});

describeShared('engine: CRLF and CR-only copies of a starter pack report the same positions as LF', () => {
  const convert = (f: Files, eol: string): Files => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.replace(/\r\n|\r|\n/g, eol)]));
  const positions = (f: Files) => lintFiles(f).map((d) => `${d.file}:${d.line}:${d.column}-${d.endLine}:${d.endColumn} ${d.ruleId}`);

  it('attribute, text and element targets on every line ending', () => {
    let files = seed(readFlavour('SocialAndLocalAccounts'), BASE, EXCHANGE_LINE, brokenExchange());
    files = seed(files, SUSI, '<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>', '<PolicyId>B2C_1A_TrustFrameworkExtensions.</PolicyId>');
    files = seed(files, BASE, '<Item Key="ContentDefinitionReferenceId">api.socialccountsignup</Item>', '<Item Key="ContentDefinitionReferenceId">api.socialaccountsignup</Item>');
    const lf = positions(files);
    expect(lf.filter((x) => !x.endsWith('ENV-001') && !x.endsWith('REF-010'))).toEqual([
      `${SUSI}:13:15-13:47 POL-001`,
      `${SUSI}:13:15-13:47 POL-004`,
      `${BASE}:804:54-804:77 REF-004`,
      `${BASE}:1156:54-1156:102 REF-002`,
    ]);
    expect(positions(convert(files, '\r\n'))).toEqual(lf);
    expect(positions(convert(files, '\r'))).toEqual(lf);
  });

  it('disable comments count lines the same way with CRLF', () => {
    const files = seed(readFlavour('SocialAndLocalAccounts'), BASE, EXCHANGE_LINE, brokenExchange('<!-- b2c-totp-disable-next-line REF-002 -->'));
    expect(lintFiles(convert(files, '\r\n'), 'REF-002')).toEqual([]);
    expect(lintFiles(convert(files, '\r'), 'REF-002')).toEqual([]);
  });
});

describe('LineIndex', () => {
  it('maps offsets across LF, CRLF and CR breaks', () => {
    const li = new LineIndex('ab\ncd\r\nef\rgh');
    const pos = (o: number) => `${li.position(o).line}:${li.position(o).column}`;
    expect([0, 1, 2, 3, 5, 6, 7, 9, 10, 11].map(pos)).toEqual(['1:1', '1:2', '1:3', '2:1', '2:3', '2:4', '3:1', '3:3', '4:1', '4:2']);
  });

  it('does not count a leading BOM as a column, and clamps offsets outside the text', () => {
    const li = new LineIndex('\uFEFFab\ncd');
    expect(li.position(0)).toEqual({ line: 1, column: 1 });
    expect(li.position(1)).toEqual({ line: 1, column: 1 });
    expect(li.position(2)).toEqual({ line: 1, column: 2 });
    expect(li.position(5)).toEqual({ line: 2, column: 2 });
    expect(li.position(-3)).toEqual({ line: 1, column: 1 });
    expect(li.position(999)).toEqual({ line: 2, column: 3 });
    expect(li.lineStart(1)).toBe(1);
    expect(li.lineStart(2)).toBe(4);
    expect(li.lineEnd(1)).toBe(3);
  });

  it('an empty text is line 1 column 1', () => {
    expect(new LineIndex('').position(0)).toEqual({ line: 1, column: 1 });
  });
});

describe('attributeSpans and element spans', () => {
  const root = (xml: string): XmlElement => parseDocument(xml).root!;
  const value = (xml: string, attr: string) => {
    const s = attributeSpans(xml, root(xml), attr);
    return s && { name: xml.slice(s.name.start, s.name.end), value: xml.slice(s.value.start, s.value.end), at: s.name.start };
  };

  it("skips values that contain '>' and the other kind of quote", () => {
    const xml = `<A x='a">b' y="c'>d" Id="z"/>`;
    expect(value(xml, 'Id')).toEqual({ name: 'Id', value: 'z', at: 21 });
    expect(value(xml, 'x')).toEqual({ name: 'x', value: 'a">b', at: 3 });
    expect(value(xml, 'y')).toEqual({ name: 'y', value: "c'>d", at: 12 });
  });

  it('matches whole names only (Id vs IdX, xmlns vs xmlns:xsi), with space and line breaks around =', () => {
    const xml = `<A IdX="1"\r\n\txmlns:xsi="u" xmlns = 'n'\n  Id\t=\t"2"></A>`;
    expect(value(xml, 'Id')?.value).toBe('2');
    expect(value(xml, 'xmlns')?.value).toBe('n');
    expect(value(xml, 'xmlns:xsi')?.value).toBe('u');
    expect(value(xml, 'missing')).toBeUndefined();
  });

  it('does not read into children or past the start tag', () => {
    const xml = '<A a="1"><B Id="2"/></A>';
    expect(value(xml, 'Id')).toBeUndefined();
  });

  it('keeps raw offsets when values hold entity references', () => {
    const xml = '<A t="&lt;&amp;&quot;" Id="v"/>';
    expect(value(xml, 'Id')).toEqual({ name: 'Id', value: 'v', at: 23 });
  });

  it('nameSpan and textSpan', () => {
    const xml = '<Root><PolicyId>\n   B2C_1A_X  \n</PolicyId><Empty/></Root>';
    const r = root(xml);
    const [pid, empty] = r.children.filter((c): c is XmlElement => 'name' in c);
    expect(xml.slice(nameSpan(pid!).start, nameSpan(pid!).end)).toBe('PolicyId');
    const t = textSpan(pid!);
    expect(xml.slice(t.start, t.end)).toBe('B2C_1A_X');
    expect(xml.slice(textSpan(empty!).start, textSpan(empty!).end)).toBe('Empty');
  });
});

describeShared('engine: attribute positions in a real file with tricky values', () => {
  it("a value with '>' and quotes before the reported attribute does not shift the column", () => {
    const files = seed(readFlavour('SocialAndLocalAccounts'), SUSI, '<DefaultUserJourney ReferenceId="SignUpOrSignIn" />', `<DefaultUserJourney x='a>"b' y="c'>d" ReferenceId="Nope" />`);
    // 4 spaces + `<DefaultUserJourney ` (20) + `x='a>"b' ` (9) + `y="c'>d" ` (9) = 42: ReferenceId starts at column 43.
    expectFindings(lintFiles(files, 'REF-007'), 'REF-007', [{ file: SUSI, line: 17, column: 43, message: "DefaultUserJourney ReferenceId 'Nope'" }]);
    const d = lintFiles(files, 'REF-007')[0]!;
    expect(d.endColumn).toBe(43 + 'ReferenceId="Nope"'.length);
  });
});

