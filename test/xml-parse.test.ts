import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as rgrove from '@rgrove/parse-xml';
import { describe, expect, it } from 'vitest';
import { XmlElement, XmlError, XmlText } from '../src/xml/nodes.js';
import { parseDocument, UNTERMINATED_REFERENCE, XmlDepthError } from '../src/xml/parse.js';
import { describeShared, FLAVOURS, STARTER } from './helpers/shared.js';

/*
 * The reader must accept and reject exactly what @rgrove/parse-xml (the parser it replaced, kept as a
 * dev dependency for this test) does, with the same message at the same offset, and build the same
 * tree, less what it leaves out on purpose: comments, processing instructions, and blank text in
 * elements that have child elements.
 */

const RUNS = Number(process.env.B2C_TOTP_FUZZ_RUNS ?? 300);
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

type Shape = { name: string; attributes: Record<string, string>; start: number; end: number; children: Shape[] } | { text: string; start: number; end: number };

const isWs = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Where a text node's first source character that is neither blank nor in a comment is (its start when there is none). */
function firstNonBlank(src: string, start: number, end: number): number {
  let i = start;
  for (;;) {
    while (i < end && isWs(src[i])) i++;
    if (!src.startsWith('<!--', i)) break;
    i = src.indexOf('-->', i) + 3;
  }
  return i >= end ? start : i;
}

/*
 * Text is compared exactly in an element without child elements (where the reader keeps it all), and
 * trimmed, from its first non-blank character, in mixed content (where it drops blank runs).
 */
function textShape(src: string, text: string, start: number, end: number, mixed: boolean): Shape {
  return mixed ? { text: text.trim(), start: firstNonBlank(src, start, end), end } : { text, start, end };
}

function shapeOfTheirs(src: string, el: rgrove.XmlElement): Shape {
  const mixed = el.children.some((c) => c instanceof rgrove.XmlElement);
  let kids: Shape[] = [];
  for (const c of el.children) {
    if (c instanceof rgrove.XmlElement) kids.push(shapeOfTheirs(src, c));
    else if (c instanceof rgrove.XmlText) kids.push(textShape(src, c.text, c.start, c.end, mixed));
  }
  if (mixed) kids = kids.filter((k) => !('text' in k) || k.text !== '');
  return { name: el.name, attributes: { ...el.attributes }, start: el.start, end: el.end, children: kids };
}

function shapeOfOurs(src: string, el: XmlElement): Shape {
  const mixed = el.children.some((c) => c instanceof XmlElement);
  const kids: Shape[] = el.children.map((c) => (c instanceof XmlElement ? shapeOfOurs(src, c) : textShape(src, c.text, c.start, c.end, mixed)));
  return { name: el.name, attributes: { ...el.attributes }, start: el.start, end: el.end, children: kids };
}

/** The characters a reference name can have (XML NameChar in the BMP, and `#`). */
const REF_NAME = /[#:A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD.0-9\u00B7\u0300-\u036F\u203F\u2040-]*/y;

type Outcome = { ok: true; tree: Shape } | { ok: false; message: string; pos: number };

function theirs(text: string): Outcome {
  try {
    const doc = rgrove.parseXml(text, { includeOffsets: true });
    return { ok: true, tree: shapeOfTheirs(text, doc.root!) };
  } catch (e) {
    if (!(e instanceof rgrove.XmlError)) throw e;
    const message = e.message.split('\n')[0]!.replace(/\s*\(line \d+, column \d+\)\s*$/, '');
    // Where the reader differs on purpose: an unterminated reference is reported at its `&`, with the fix.
    // rgrove points one character past the reference name (or at the end of the input).
    if (message === 'Unterminated reference (a reference must end with `;`)') {
      for (let amp = text.lastIndexOf('&', e.pos - 1); amp >= 0; amp = text.lastIndexOf('&', amp - 1)) {
        REF_NAME.lastIndex = amp + 1;
        const after = amp + 1 + REF_NAME.exec(text)![0].length;
        if (Math.min(after + 1, text.length) === e.pos) return { ok: false, message: UNTERMINATED_REFERENCE, pos: amp };
      }
    }
    return { ok: false, message, pos: e.pos };
  }
}

function ours(text: string): Outcome {
  try {
    const doc = parseDocument(text);
    return { ok: true, tree: shapeOfOurs(text, doc.root!) };
  } catch (e) {
    if (!(e instanceof XmlError)) throw e;
    // The reader names the end tag it found instead; rgrove does not (checked on its own below).
    return { ok: false, message: e.message.replace(/^(Missing end tag for element \S+) \(found <\/[^>]*>\)$/, '$1'), pos: e.pos };
  }
}

/** Inputs where the two may differ on purpose: a DOCTYPE (refused earlier), astral characters (rgrove counts code points). */
const comparable = (text: string) => !text.includes('<!DOCTYPE') && !/[\ud800-\udfff]/.test(text);

function expectSame(text: string): Outcome {
  const expected = theirs(text);
  expect(ours(text), JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…` : text)).toEqual(expected);
  return expected;
}

describe('the reader agrees with @rgrove/parse-xml', () => {
  const GOOD = [
    '<a/>',
    '\uFEFF<?xml version="1.0" encoding="utf-8"?>\r\n<!-- c -->\r\n<a x="1"\ty = \'2\'>text &amp; &#65;&#x42; <![CDATA[<raw>]]> tail</a>\n<?pi data?>\n',
    '<a>\r\n  <b c="v&lt;\r\nw\tx"/>\r\n  <!-- between -->\r\n  <c>  </c>\r\n</a>',
    '<a>one<!-- c -->two<?p x?>three<b/>four  <!-- c -->  </a>',
    '<a><b>\n  <!-- only comments and blanks -->\n  </b></a>',
    '<a xml:space="preserve">  </a>',
    '<?xml-stylesheet href="x"?><a>é ü — 中</a>',
    '<a>&lt;&gt;&amp;&apos;&quot;</a>',
    '<a><b/><b/><b/></a>',
    '<a>\r</a>',
    '<a>x\ry</a>',
    '<a b="x\ry">x\r\ny&#13;</a>',
    '<?xml version="1.0" standalone="yes"?><a/>',
  ];
  it.each(GOOD.map((t) => [JSON.stringify(t).slice(0, 60), t]))('accepts %s the same way', (_, text) => {
    expect(expectSame(text).ok).toBe(true);
  });

  const BAD = [
    '',
    '   ',
    'text',
    '<a>',
    '<a>text',
    '<a><b></a>',
    '<a></b>',
    '<a></a ',
    '<a></ a>',
    '<a x></a>',
    '<a x=1></a>',
    '<a x="1"y="2"/>',
    '<a x="1" x="2"/>',
    '<a x="<"/>',
    '<a x="never closed',
    '<a x="v&amp;never closed',
    '<a x="&unknown;"/>',
    '<a>&#xZZ;</a>',
    '<a>&#0;</a>',
    '<a>&#1114112;</a>',
    '<a>& b</a>',
    '<a>&amp</a>',
    '<a>]]></a>',
    '<a><!-- a -- b --></a>',
    '<a><!-- never closed',
    '<a><![CDATA[ never closed',
    '<a><?</a>',
    '<a><?pi</a>',
    '<a><?pi never closed',
    '<a><?xml version="1.0"?></a>',
    ' <?xml version="1.0"?><a/>',
    '<?xml?><a/>',
    '<?xml version="2.0"?><a/>',
    '<?xml version="1.0" encoding="-x"?><a/>',
    '<?xml version="1.0" standalone="maybe"?><a/>',
    '<?xml version="1.0"',
    '<?xml version="1.0><a/>',
    '<a/><b/>',
    '<a/>text',
    '<a>\u0001</a>',
    '<a x="\u000b"/>',
    '<a><!-- \uffff --></a>',
    '<a xml:space="keep"/>',
    '<a><!x></a>',
    '<1a/>',
    '<a',
    '<a b="1"',
  ];
  it.each(BAD.map((t) => [JSON.stringify(t).slice(0, 60), t]))('rejects %s with the same message at the same offset', (_, text) => {
    expect(expectSame(text).ok).toBe(false);
  });

  /** Our own fixture policies, mutated at random with the characters XML cares about. */
  const seeds = readdirSync(path.join(FIXTURES, 'contoso')).filter((f) => f.endsWith('.xml')).map((f) => readFileSync(path.join(FIXTURES, 'contoso', f), 'utf8'));
  const piece = fc.string({ unit: fc.constantFrom(...'<>/&;#x="\' \t\r\n!-[]?:aZ0éCDATA\u0001\uFFFE'.split('')), maxLength: 6 });
  const edit = fc.record({ at: fc.nat(), cut: fc.nat({ max: 8 }), insert: piece });

  it(`random edits of our fixtures: same verdict, message, offset and tree (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 3 }), (i, edits) => {
        let text = seeds[i]!;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.cut);
        }
        if (comparable(text)) expectSame(text);
      }),
      { numRuns: RUNS },
    );
  }, 10_000 + RUNS);
});

describe('what the reader adds', () => {
  it('stops at the first element deeper than maxDepth, without recursion', () => {
    const text = `<r>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</r>`;
    let error: unknown;
    try {
      parseDocument(text, { maxDepth: 256 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(XmlDepthError);
    expect((error as XmlDepthError).pos).toBe(3 + 255 * 3);
  });

  it('keeps UTF-16 offsets after astral characters (rgrove counts code points there)', () => {
    const text = '<a>😀<b x="1"/></a>';
    const b = parseDocument(text).root!.children[1] as XmlElement;
    expect(text.slice(b.start, b.end)).toBe('<b x="1"/>');
    const error = (() => {
      try {
        parseDocument('<a>😀<b></a>');
      } catch (e) {
        return e as XmlError;
      }
    })();
    expect(error?.pos).toBe('<a>😀<b>'.length);
  });

  it('accepts surrogate pairs and rejects unpaired surrogates where they are data', () => {
    const fails = (text: string) => {
      try {
        parseDocument(text);
        return undefined;
      } catch (e) {
        return { message: (e as XmlError).message, pos: (e as XmlError).pos };
      }
    };
    expect(fails('<a x="😀">😀😀</a>')).toBeUndefined();
    expect(fails('<a>ok\ud800x</a>')).toEqual({ message: 'Invalid character', pos: 5 });
    expect(fails('<a>ok\udc00</a>')).toEqual({ message: 'Invalid character', pos: 5 });
    expect(fails('<a x="😀\udbff"/>')).toEqual({ message: 'Invalid character', pos: 8 });
    expect(fails('<a>😀\ud83d</a>')).toEqual({ message: 'Invalid character', pos: 5 });
    expect(fails('<a>\ufffe</a>')).toEqual({ message: 'Invalid character', pos: 3 });
  });

  it('decodes text made of many references, in attributes and content', () => {
    const n = 50_000;
    const root = parseDocument(`<a b="${'&#65;'.repeat(n)}">${'&amp;'.repeat(n)}<c/>${'&lt;'.repeat(n)}</a>`).root!;
    expect(root.attributes.b).toBe('A'.repeat(n));
    expect(root.children.map((c) => (c instanceof XmlText ? c.text : `<${(c as XmlElement).name}/>`))).toEqual(['&'.repeat(n), '<c/>', '<'.repeat(n)]);
  });

  it('names the end tag it found where another was missing', () => {
    const fail = (text: string) => {
      try {
        parseDocument(text);
      } catch (e) {
        return `${(e as XmlError).pos} ${(e as XmlError).message}`;
      }
    };
    expect(fail('<a><b></c></a>')).toBe('6 Missing end tag for element b (found </c>)');
    expect(fail('<a><b></a>')).toBe('6 Missing end tag for element b (found </a>)');
    expect(fail('<a><b>text')).toBe('6 Missing end tag for element b');
    expect(fail('<a></ a>')).toBe('3 Missing end tag for element a');
  });

  it('lists every element in start-tag order, and shares one string per name', () => {
    const doc = parseDocument('<a><b Id="1"><c/></b><b Id="2"/></a>');
    expect(doc.elements.map((e) => `${e.name}${e.attributes.Id ?? ''}`)).toEqual(['a', 'b1', 'c', 'b2']);
    expect(doc.elements[1]!.name).toBe(doc.elements[3]!.name);
  });

  it('attribute maps have no inherited keys', () => {
    const el = parseDocument('<a Id="x"/>').root!;
    expect('constructor' in el.attributes).toBe(false);
    expect(el.attributes.toString).toBeUndefined();
    expect(Object.keys(el.attributes)).toEqual(['Id']);
  });

  it('keeps blank text only where there are no child elements', () => {
    const root = parseDocument('<a>\n  <b>  </b>\n  <c>x</c>\n</a>').root!;
    expect(root.children.map((c) => (c instanceof XmlText ? `text:${c.text}` : (c as XmlElement).name))).toEqual(['b', 'c']);
    expect((root.children[0] as XmlElement).text).toBe('  ');
  });
});

describeShared('the reader agrees with @rgrove/parse-xml on the starter packs', () => {
  const files = FLAVOURS.flatMap((f) =>
    readdirSync(path.join(STARTER, f))
      .filter((n) => n.endsWith('.xml'))
      .map((n) => path.join(STARTER, f, n)),
  );

  it(`every ${FLAVOURS.join(', ')} file gives the same tree`, () => {
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect(expectSame(readFileSync(f, 'utf8')).ok).toBe(true);
  });

  it(`random edits of the starter packs agree too (${Math.ceil(RUNS / 3)} cases)`, () => {
    const seeds = files.slice(0, 8).map((f) => readFileSync(f, 'utf8'));
    const piece = fc.string({ unit: fc.constantFrom(...'<>/&;#="\' \n!-[]?aé\u0001'.split('')), maxLength: 4 });
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.nat(), fc.nat({ max: 6 }), piece, (i, at, cut, insert) => {
        const base = seeds[i]!;
        const k = at % (base.length + 1);
        const text = base.slice(0, k) + insert + base.slice(k + cut);
        if (comparable(text)) expectSame(text);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  }, 10_000 + RUNS);
});
