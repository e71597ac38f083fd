import { describe, expect, it } from 'vitest';
import { child } from '../src/xml/element.js';
import { appendChildren, applyEdits, detectStyle, escapeXml, insertAfter, reindent, xml } from '../src/xml/edit.js';
import { parseXmlText } from '../src/xml/read.js';
import { readFlavour } from './helpers/policy-set.js';
import { describeShared } from './helpers/shared.js';

function root(text: string) {
  const r = parseXmlText(text);
  if (!r.ok) throw new Error(r.problem.message);
  return r.source.root;
}

const FRAGMENT = '<ClaimType Id="otpCode">\n  <DisplayName>Code &amp; more</DisplayName>\n  <DataType>string</DataType>\n</ClaimType>';

describe('edits are splices that keep every other byte', () => {
  it('detects the line ending and indentation unit', () => {
    expect(detectStyle('<a>\r\n    <b>\r\n        <c/>\r\n    </b>\r\n</a>\r\n')).toEqual({ eol: '\r\n', unit: '    ' });
    expect(detectStyle('<a>\n\t<b/>\n</a>\n')).toEqual({ eol: '\n', unit: '\t' });
    expect(detectStyle('<a/>')).toEqual({ eol: '\n', unit: '  ' });
  });

  it('re-indents a two-space template to the file style', () => {
    expect(reindent(FRAGMENT, '\t\t', { eol: '\r\n', unit: '\t' })).toBe(
      '\t\t<ClaimType Id="otpCode">\r\n\t\t\t<DisplayName>Code &amp; more</DisplayName>\r\n\t\t\t<DataType>string</DataType>\r\n\t\t</ClaimType>',
    );
  });

  it('appends children as whole lines before the closing tag line', () => {
    const text = '<R>\r\n    <S>\r\n        <X/>\r\n    </S>\r\n</R>\r\n';
    const s = child(root(text), 'S')!;
    const out = applyEdits(text, [appendChildren(text, s, ['<Y/>', '<Z>\n  <W/>\n</Z>'], detectStyle(text))]);
    expect(out).toBe('<R>\r\n    <S>\r\n        <X/>\r\n        <Y/>\r\n        <Z>\r\n            <W/>\r\n        </Z>\r\n    </S>\r\n</R>\r\n');
  });

  it('expands a self-closing parent', () => {
    const text = '<R>\n  <S />\n</R>\n';
    const s = child(root(text), 'S')!;
    expect(applyEdits(text, [appendChildren(text, s, ['<Y/>'], detectStyle(text))])).toBe('<R>\n  <S>\n    <Y/>\n  </S>\n</R>\n');
  });

  it('handles a closing tag that shares its line with content', () => {
    const text = '<R>\n  <S><X/></S>\n</R>\n';
    const s = child(root(text), 'S')!;
    expect(applyEdits(text, [appendChildren(text, s, ['<Y/>'], detectStyle(text))])).toBe('<R>\n  <S><X/>\n    <Y/>\n  </S>\n</R>\n');
  });

  it('inserts after a sibling, or first', () => {
    const text = '<R>\n  <A/>\n  <C/>\n</R>\n';
    const r = root(text);
    const style = detectStyle(text);
    expect(applyEdits(text, [insertAfter(text, r, child(r, 'A'), '<B/>', style)])).toBe('<R>\n  <A/>\n  <B/>\n  <C/>\n</R>\n');
    expect(applyEdits(text, [insertAfter(text, r, undefined, '<Z/>', style)])).toBe('<R>\n  <Z/>\n  <A/>\n  <C/>\n</R>\n');
  });

  it('refuses overlapping edits', () => {
    expect(() => applyEdits('abcdef', [{ start: 1, end: 4, text: 'x' }, { start: 2, end: 3, text: 'y' }])).toThrow(/overlapping/);
  });

  it('escapes every interpolation', () => {
    expect(escapeXml(`a&b<c>"d'`)).toBe('a&amp;b&lt;c&gt;&quot;d&#39;');
    expect(xml`<Item Key="${'a"b'}">${'Contoso & Co'}</Item>`).toBe('<Item Key="a&quot;b">Contoso &amp; Co</Item>');
  });
});

describeShared('splicing into a real starter-pack file', () => {
  const ext = readFlavour('SocialAndLocalAccounts')['TrustFrameworkExtensions.xml']!;

  for (const [name, text] of [
    ['as shipped (BOM, LF)', ext],
    ['with CRLF', ext.replace(/\n/g, '\r\n')],
  ] as const) {
    it(`keeps the BOM, line endings and untouched bytes: ${name}`, () => {
      const r = root(text);
      const claimsProviders = child(r, 'ClaimsProviders')!;
      const edit = appendChildren(text, claimsProviders, ['<ClaimsProvider>\n  <DisplayName>TOTP</DisplayName>\n</ClaimsProvider>'], detectStyle(text));
      const out = applyEdits(text, [edit]);
      expect(out.startsWith(text.slice(0, edit.start))).toBe(true);
      expect(out.endsWith(text.slice(edit.end))).toBe(true);
      expect(out.charCodeAt(0)).toBe(text.charCodeAt(0));
      const before = text.split(/\r?\n/);
      const after = out.split(/\r?\n/);
      expect(after.length - before.length).toBe(3);
      // Only added lines: removing them gives the original back.
      const added = edit.text;
      expect(out.slice(0, edit.start) + out.slice(edit.start + added.length)).toBe(text);
      expect(parseXmlText(out).ok).toBe(true);
      if (name === 'with CRLF') expect(/[^\r]\n/.test(out)).toBe(false);
    });
  }
});
