import { XmlDocument, XmlElement, XmlError, XmlText, type XmlAttributes, type XmlNode } from './nodes.js';

/*
 * A strict, non-validating XML 1.0 reader for policy files, written for size: one pass over the
 * string, no recursion, interned names, exact-size child arrays, no comment or whitespace nodes.
 * It accepts and rejects what @rgrove/parse-xml does, with the same messages at the same offsets
 * (test/xml-parse.test.ts checks that differentially), except:
 *  - an unterminated reference is reported at its `&`, with the fix in the message;
 *  - a missing end tag names the end tag found in its place;
 *  - DOCTYPE is never accepted (the reader refuses it earlier with its own rule);
 *  - nesting deeper than `maxDepth` stops the read at the first element too deep;
 *  - offsets are UTF-16 string indices everywhere, also after astral characters.
 */

export class XmlDepthError extends XmlError {}

const EMPTY: readonly XmlNode[] = Object.freeze([]);
/** Prototype of every attribute map: no inherited keys, but unlike Object.create(null) objects stay fast. */
const ATTRIBUTE_PROTO: object = Object.freeze(Object.create(null));
/** Shared by every element without attributes (about half of a policy's elements). */
const NO_ATTRIBUTES = Object.freeze(Object.create(ATTRIBUTE_PROTO)) as XmlAttributes;

// Character classes for code units below 128.
const NAME_START = 1;
const NAME = 2;
const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const alpha = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  if (alpha || c === 0x3a || c === 0x5f) ASCII[c] = NAME_START | NAME;
  else if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e) ASCII[c] = NAME;
}

function isNameStartCp(cp: number): boolean {
  return (
    (cp >= 0xc0 && cp <= 0xd6) ||
    (cp >= 0xd8 && cp <= 0xf6) ||
    (cp >= 0xf8 && cp <= 0x2ff) ||
    (cp >= 0x370 && cp <= 0x37d) ||
    (cp >= 0x37f && cp <= 0x1fff) ||
    cp === 0x200c ||
    cp === 0x200d ||
    (cp >= 0x2070 && cp <= 0x218f) ||
    (cp >= 0x2c00 && cp <= 0x2fef) ||
    (cp >= 0x3001 && cp <= 0xd7ff) ||
    (cp >= 0xf900 && cp <= 0xfdcf) ||
    (cp >= 0xfdf0 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0xeffff)
  );
}

function isNameCp(cp: number): boolean {
  return cp === 0xb7 || (cp >= 0x300 && cp <= 0x36f) || cp === 0x203f || cp === 0x2040 || isNameStartCp(cp);
}

function isXmlCodePoint(cp: number): boolean {
  return (cp >= 0x20 && cp <= 0xd7ff) || cp === 0xa || cp === 0x9 || cp === 0xd || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** Characters XML forbids (C0 controls other than tab/LF/CR, U+FFFE/FFFF), and surrogates, which are fine in pairs. */
const SUSPECT_CHAR = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]/g;

/** Offset of the first character XML forbids (an unpaired surrogate included), or -1. One native scan in the usual case. */
function firstInvalidChar(s: string): number {
  SUSPECT_CHAR.lastIndex = 0;
  for (let m = SUSPECT_CHAR.exec(s); m; m = SUSPECT_CHAR.exec(s)) {
    const i = m.index;
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) return i;
    const next = s.charCodeAt(i + 1);
    if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return i; // a lone low surrogate, or a high one without its pair
    SUSPECT_CHAR.lastIndex = i + 2;
  }
  return -1;
}

/** rgrove's message, plus the fix; it pointed just past the reference, we point at its `&`. */
export const UNTERMINATED_REFERENCE = 'Unterminated reference (a reference must end with `;`); write a literal & as &amp;';

const PREDEFINED: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  amp: '&',
  apos: "'",
  gt: '>',
  lt: '<',
  quot: '"',
});

export interface ParseOptions {
  /** Elements nested deeper than this stop the read with an XmlDepthError at the first one. */
  maxDepth?: number;
}

/** Parses a whole document. Throws XmlError (well-formedness) or XmlDepthError; nothing else. */
export function parseDocument(text: string, options: ParseOptions = {}): XmlDocument {
  return new Reader(text, options.maxDepth ?? Infinity).document();
}

class Reader {
  private pos = 0;
  private readonly n: number;
  /** Offset of the first character XML forbids, or n: checked only where the characters are data. */
  private readonly bad: number;
  private readonly hasCR: boolean;
  /** Cached offsets of the next `&`, `<` and `]]>` at or after pos: searched again only once passed. */
  private nextAmp = -1;
  private nextLt = -1;
  private nextCdataEnd = -1;
  private readonly names = new Map<string, string>();
  /** Short attribute values and texts repeat (claim ids, "string", handler names): one string each. */
  private readonly values = new Map<string, string>();
  private readonly attributeLists = new Map<string, XmlAttributes>();

  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
  ) {
    this.n = s.length;
    const bad = firstInvalidChar(s);
    this.bad = bad < 0 ? this.n : bad;
    this.hasCR = s.includes('\r');
  }

  private fail(message: string, at = this.pos): never {
    throw new XmlError(message, at);
  }

  /** Fails with "Invalid character" when [from, to) holds a character XML forbids. */
  private checkChars(from: number, to: number): void {
    if (this.bad >= from && this.bad < to) this.fail('Invalid character', this.bad);
  }

  document(): XmlDocument {
    const s = this.s;
    if (s.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.xmlDeclaration();
    while (this.misc());
    if (s.charCodeAt(this.pos) !== 0x3c || !this.nameStartAt(this.pos + 1)) this.fail('Root element is missing or invalid');
    const doc = new XmlDocument();
    doc.root = this.content(doc);
    while (this.misc());
    if (this.pos < this.n) this.fail('Extra content at the end of the document');
    return doc;
  }

  // ---- prolog and misc ---------------------------------------------------------------------

  private skipWs(): boolean {
    const s = this.s;
    const start = this.pos;
    let i = start;
    while (i < this.n && isWs(s.charCodeAt(i))) i++;
    this.pos = i;
    return i > start;
  }

  private eat(literal: string): boolean {
    if (this.s.startsWith(literal, this.pos)) {
      this.pos += literal.length;
      return true;
    }
    return false;
  }

  /** Comment, processing instruction or whitespace outside the root element. */
  private misc(): boolean {
    return this.comment() || this.processingInstruction() || this.skipWs();
  }

  private xmlDeclaration(): void {
    const start = this.pos;
    if (!this.eat('<?xml')) return;
    if (this.nameAt(this.pos)) {
      this.pos = start; // a processing instruction such as <?xml-stylesheet?>
      return;
    }
    if (!this.skipWs()) this.fail('Invalid XML declaration');
    const version = this.eat('version') && this.equal() ? this.systemLiteral() : false;
    if (version === false) this.fail('XML version is missing or invalid');
    if (!/^1\.[0-9]+$/.test(version)) this.fail('Invalid character in version number');
    if (this.skipWs()) {
      const encoding = this.eat('encoding') && this.equal() ? this.systemLiteral() : false;
      if (encoding) {
        if (!/^[A-Za-z][\w.-]*$/.test(encoding)) this.fail('Invalid character in encoding name');
        this.skipWs();
      }
      const standalone = this.eat('standalone') && this.equal() ? this.systemLiteral() : false;
      if (standalone) {
        if (standalone !== 'yes' && standalone !== 'no') this.fail('Only "yes" and "no" are permitted as values of `standalone`');
        this.skipWs();
      }
    }
    if (!this.eat('?>')) this.fail('Invalid or unclosed XML declaration');
  }

  private equal(): boolean {
    this.skipWs();
    if (this.s.charCodeAt(this.pos) !== 0x3d) return false;
    this.pos++;
    this.skipWs();
    return true;
  }

  private systemLiteral(): string | false {
    const q = this.s[this.pos];
    if (q !== '"' && q !== "'") return false;
    const from = ++this.pos;
    const close = this.s.indexOf(q, from);
    if (close < 0) this.fail('Missing end quote');
    this.checkChars(from, close);
    this.pos = close + 1;
    return this.s.slice(from, close);
  }

  private comment(): boolean {
    if (!this.s.startsWith('<!--', this.pos)) return false;
    const from = (this.pos += 4);
    const dashes = this.s.indexOf('--', from);
    if (dashes < 0) this.fail('Unclosed comment');
    this.checkChars(from, dashes);
    this.pos = dashes;
    if (this.eat('-->')) return true;
    if (this.s.startsWith('--', this.pos)) this.fail("The string `--` isn't allowed inside a comment");
    this.fail('Unclosed comment');
  }

  private processingInstruction(): boolean {
    const start = this.pos;
    if (!this.s.startsWith('<?', start)) return false;
    this.pos += 2;
    const name = this.name();
    if (!name) this.fail('Invalid processing instruction');
    if (name.toLowerCase() === 'xml') this.fail("XML declaration isn't allowed here", start);
    if (!this.skipWs()) {
      if (this.eat('?>')) return true;
      this.fail('Whitespace is required after a processing instruction name');
    }
    const close = this.s.indexOf('?>', this.pos);
    if (close < 0) this.fail('Unterminated processing instruction');
    this.checkChars(this.pos, close);
    this.pos = close + 2;
    return true;
  }

  // ---- names -------------------------------------------------------------------------------

  private codePointAt(i: number): number {
    return this.s.codePointAt(i) ?? -1;
  }

  private nameStartAt(i: number): boolean {
    const c = this.s.charCodeAt(i);
    if (c < 128) return (ASCII[c]! & NAME_START) !== 0;
    return c === c && isNameStartCp(this.codePointAt(i)); // c !== c: NaN past the end
  }

  private nameAt(i: number): boolean {
    const c = this.s.charCodeAt(i);
    if (c < 128) return ASCII[c]! !== 0;
    return c === c && isNameCp(this.codePointAt(i));
  }

  /** Offset just past the Name starting at i (i itself when there is none). */
  private nameEnd(i: number): number {
    if (!this.nameStartAt(i)) return i;
    const s = this.s;
    i += s.charCodeAt(i) >= 0xd800 && s.charCodeAt(i) <= 0xdbff ? 2 : 1;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c < 128) {
        if (ASCII[c] === 0) return i;
        i++;
      } else if (c === c && isNameCp(this.codePointAt(i))) {
        i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      } else return i;
    }
  }

  /** Consumes a Name; '' when there is none. Names are interned: a policy repeats a few hundred. */
  private name(): string {
    const start = this.pos;
    const end = this.nameEnd(start);
    if (end === start) return '';
    this.pos = end;
    const raw = this.s.slice(start, end);
    const known = this.names.get(raw);
    if (known !== undefined) return known;
    this.names.set(raw, raw);
    return raw;
  }

  // ---- references ----------------------------------------------------------------------------

  /** At `&`: consumes a reference and returns its replacement text. */
  private reference(): string {
    const s = this.s;
    const amp = this.pos;
    let i = amp + 1;
    while (i < this.n && (s.charCodeAt(i) === 0x23 || this.nameAt(i))) i += s.charCodeAt(i) >= 0xd800 && s.charCodeAt(i) <= 0xdbff ? 2 : 1;
    const ref = s.slice(amp + 1, i);
    // The usual cause is a literal & (in a URL or a display name); point at it, not past it.
    if (s.charCodeAt(i) !== 0x3b) this.fail(UNTERMINATED_REFERENCE, amp);
    this.pos = i + 1;
    if (ref.charCodeAt(0) === 0x23) {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (Number.isNaN(cp) || !/^#(?:x[0-9A-Fa-f]+|[0-9]+)$/.test(ref)) this.fail('Invalid character reference');
      if (!isXmlCodePoint(cp)) this.fail('Character reference resolves to an invalid character');
      return String.fromCodePoint(cp);
    }
    const value = PREDEFINED[ref];
    if (value === undefined) this.fail(`Named entity isn't defined: &${ref};`, amp);
    return value;
  }

  /** Cached like `&`: text of many references would otherwise search to the same far `<` once per reference. */
  private ltAtOrAfter(i: number): number {
    if (this.nextLt < i) {
      const a = this.s.indexOf('<', i);
      this.nextLt = a < 0 ? this.n : a;
    }
    return this.nextLt;
  }

  private ampAtOrAfter(i: number): number {
    if (this.nextAmp < i) {
      const a = this.s.indexOf('&', i);
      this.nextAmp = a < 0 ? this.n : a;
    }
    return this.nextAmp;
  }

  // ---- elements ------------------------------------------------------------------------------

  /** At `<Name`: consumes the start tag and returns the element; its `end` is -1 until an end tag closes it. */
  private startTag(): XmlElement {
    const start = this.pos;
    this.pos++;
    const name = this.name();
    const rawStart = this.pos;
    let attributes = NO_ATTRIBUTES;
    while (this.skipWs()) {
      const attr = this.name();
      if (!attr) break;
      if (attributes === NO_ATTRIBUTES) attributes = Object.create(ATTRIBUTE_PROTO) as XmlAttributes;
      if (!this.equal()) this.fail('Attribute value expected');
      const value = this.attributeValue();
      if (attr in attributes) this.fail(`Duplicate attribute: ${attr}`);
      if (attr === 'xml:space' && value !== 'default' && value !== 'preserve') {
        this.fail('Value of the `xml:space` attribute must be "default" or "preserve"');
      }
      attributes[attr] = value;
    }
    const s = this.s;
    // Identical short attribute lists (`ClaimTypeReferenceId="objectId"`) share one map; none is ever changed.
    if (attributes !== NO_ATTRIBUTES && this.pos - rawStart <= 48) {
      const raw = s.slice(rawStart, this.pos);
      const known = this.attributeLists.get(raw);
      if (known) attributes = known;
      else this.attributeLists.set(raw, attributes);
    }
    let empty = false;
    if (s.charCodeAt(this.pos) === 0x2f && s.charCodeAt(this.pos + 1) === 0x3e) {
      this.pos += 2;
      empty = true;
    } else if (s.charCodeAt(this.pos) === 0x3e) {
      this.pos++;
    } else {
      this.fail(`Unclosed start tag for element \`${name}\``);
    }
    return new XmlElement(name, attributes, EMPTY, start, empty ? this.pos : -1);
  }

  /** At a quote: consumes an attribute value, normalizing whitespace and replacing references. */
  private attributeValue(): string {
    const s = this.s;
    const q = s.charCodeAt(this.pos);
    if (q !== 0x22 && q !== 0x27) this.fail('Attribute value expected');
    const from = ++this.pos;
    const close = s.indexOf(q === 0x22 ? '"' : "'", from);
    // The common case: closed, and no reference, no `<`, no character to normalize.
    let plain = close >= 0 && this.ampAtOrAfter(from) >= close;
    if (plain) {
      for (let i = from; i < close; i++) {
        const c = s.charCodeAt(i);
        if (c === 0x3c || c === 0x09 || c === 0x0a || c === 0x0d) {
          plain = false;
          break;
        }
      }
    }
    if (plain) {
      this.checkChars(from, close);
      this.pos = close + 1;
      return this.shared(s.slice(from, close));
    }
    let value = '';
    for (;;) {
      let i = this.pos;
      while (i < this.n) {
        const c = s.charCodeAt(i);
        if (c === q || c === 0x26 || c === 0x3c) break;
        i++;
      }
      // With no delimiter left nothing is consumed: the error points at the start of the rest.
      if (i >= this.n) this.fail('Unclosed attribute');
      this.checkChars(this.pos, i);
      if (i > this.pos) value += s.slice(this.pos, i).replace(/\r\n|[\n\r\t]/g, ' ');
      this.pos = i;
      const c = s.charCodeAt(i);
      if (c === q) {
        this.pos++;
        return value;
      }
      if (c === 0x26) value += this.reference();
      else this.fail('Unescaped `<` is not allowed in an attribute value');
    }
  }

  /**
   * Reads the root element and everything in it, iteratively. Children collect on one shared
   * stack and are copied into an exact-size array when their element closes.
   */
  private content(doc: XmlDocument): XmlElement {
    const s = this.s;
    const pending: XmlNode[] = [];
    const open: XmlElement[] = [];
    const marks: number[] = [];
    /** Whether each open element has a child element yet: blank text is dropped from then on. */
    const hasElement: boolean[] = [];
    let lastText: XmlText | undefined;
    let root: XmlElement | undefined;

    const addText = (text: string, start: number, end: number): void => {
      if (lastText) {
        lastText.text += text;
        lastText.end = end;
        return;
      }
      if (hasElement[hasElement.length - 1] && isBlank(text)) return;
      lastText = new XmlText(text, start, end);
      pending.push(lastText);
    };

    const startElement = (): void => {
      if (open.length + 1 > this.maxDepth) throw new XmlDepthError('nesting too deep', this.pos);
      const el = this.startTag();
      const empty = el.end >= 0;
      doc.elements.push(el);
      if (open.length) {
        const top = hasElement.length - 1;
        if (!hasElement[top]) {
          hasElement[top] = true;
          dropBlankText(pending, marks[top]!);
        }
        pending.push(el);
      } else {
        root = el;
      }
      lastText = undefined;
      if (!empty) {
        open.push(el);
        marks.push(pending.length);
        hasElement.push(false);
      }
    };

    startElement();
    while (open.length) {
      const el = open[open.length - 1]!;
      // Character data up to the next markup or reference.
      const from = this.pos;
      const lt = this.ltAtOrAfter(from);
      const amp = this.ampAtOrAfter(from);
      let to = amp < lt ? amp : lt;
      if (this.nextCdataEnd < from) {
        const c = s.indexOf(']]>', from);
        this.nextCdataEnd = c < 0 ? this.n : c;
      }
      const cdataEnd = this.nextCdataEnd < to ? this.nextCdataEnd : -1;
      if (cdataEnd >= 0) to = cdataEnd;
      // Text that runs to the end of the input is not consumed: the error points at its start.
      if (to >= this.n) this.fail(`Missing end tag for element ${el.name}`, from);
      if (to > from) {
        this.checkChars(from, to);
        this.pos = to;
        if (cdataEnd >= 0) this.fail('Element content may not contain the CDATA section close delimiter `]]>`');
        addText(this.normalized(from, to), from, to);
      }
      if (to === amp) {
        const text = this.reference();
        addText(text, amp, this.pos);
        continue;
      }
      // At `<`.
      const next = s.charCodeAt(to + 1);
      if (next === 0x2f) {
        const nameEnd = this.nameEnd(to + 2);
        if (nameEnd - (to + 2) !== el.name.length || !s.startsWith(el.name, to + 2)) {
          // Name the end tag that is there: a misspelled or misplaced one is the usual cause.
          const found = nameEnd > to + 2 ? ` (found </${s.slice(to + 2, nameEnd)}>)` : '';
          this.fail(`Missing end tag for element ${el.name}${found}`, to);
        }
        this.pos = nameEnd;
        this.skipWs();
        if (s.charCodeAt(this.pos) !== 0x3e) this.fail(`Unclosed end tag for element ${el.name}`);
        this.pos++;
        const mark = marks.pop()!;
        const count = pending.length - mark;
        const only = count === 1 ? pending[mark] : undefined;
        if (count === 0) el.kids = EMPTY;
        else if (only === undefined) el.kids = pending.slice(mark);
        else if (only instanceof XmlElement) el.kids = only;
        // The string alone is enough when the text spans the source right up to `</name>` and is as
        // long as that source (no reference, CRLF or CDATA shortened it): its offsets follow from `end`.
        else if (only.end === to && only.end - only.start === only.text.length && this.pos === to + el.name.length + 3) el.kids = this.shared(only.text);
        else el.kids = only;
        pending.length = mark;
        el.end = this.pos;
        open.pop();
        hasElement.pop();
        lastText = undefined;
      } else if (this.nameStartAt(to + 1)) {
        startElement();
      } else if (this.comment()) {
        // Comments are dropped; text around them merges, as in the parser this replaces.
      } else if (s.startsWith('<![CDATA[', to)) {
        const body = (this.pos = to + 9);
        const close = s.indexOf(']]>', body);
        if (close < 0) this.fail('Unclosed CDATA section');
        this.checkChars(body, close);
        this.pos = close + 3;
        addText(this.normalized(body, close), to, this.pos);
      } else if (next === 0x3f) {
        this.processingInstruction();
        lastText = undefined; // a processing instruction separates text nodes
      } else {
        this.fail(`Missing end tag for element ${el.name}`, to);
      }
    }
    return root!;
  }

  private shared(v: string): string {
    if (v.length > 12) return v;
    const known = this.values.get(v);
    if (known !== undefined) return known;
    this.values.set(v, v);
    return v;
  }

  /** The text of [from, to) with CRLF and CR as LF (XML 1.0 §2.11). */
  private normalized(from: number, to: number): string {
    const t = this.s.slice(from, to);
    return this.hasCR && t.includes('\r') ? t.replace(/\r\n?/g, '\n') : t;
  }
}

function isBlank(t: string): boolean {
  for (let i = 0; i < t.length; i++) if (!isWs(t.charCodeAt(i))) return false;
  return true;
}

/** Drops blank text from an element's collected children once it turns out to have child elements. */
function dropBlankText(pending: XmlNode[], mark: number): void {
  let w = mark;
  for (let r = mark; r < pending.length; r++) {
    const c = pending[r]!;
    if (!(c instanceof XmlText) || !isBlank(c.text)) pending[w++] = c;
  }
  pending.length = w;
}
