/*
 * The tree the reader builds (src/xml/parse.ts). It keeps what policy checks and edits need and no
 * more: elements with attributes and offsets, and text. Comments and processing instructions are
 * dropped, and so is whitespace between child elements: that was half the nodes of a policy.
 * Elements have no parent link; walks go downward (a large policy has 10^5 elements).
 */

/** Attribute values by name. Its prototype has no properties, so `'constructor' in attributes` is false. */
export type XmlAttributes = Record<string, string>;

/** Character data of an element (text, references and CDATA merged), line breaks normalized. */
export class XmlText {
  constructor(
    public text: string,
    /** Offset of the first character in the source text. */
    public start: number,
    /** Offset just past the last character. */
    public end: number,
  ) {}
}

export type XmlNode = XmlElement | XmlText;

export class XmlElement {
  constructor(
    public name: string,
    public attributes: XmlAttributes,
    /**
     * The child nodes; a lone child by itself; or a lone text child as just its string, when that is
     * exactly the source between the tags (its offsets follow from `end`). Most elements have one
     * child or only text, and an array (and a text node) for each would be a fifth of a large
     * policy's tree. Read `children`.
     */
    public kids: readonly XmlNode[] | XmlNode | string,
    /** Offset of `<` in the start tag. */
    public start: number,
    /** Offset just past the end tag (or `/>`). */
    public end: number,
  ) {}

  /** Elements and non-blank text in order; blank text only in an element without child elements. */
  get children(): readonly XmlNode[] {
    const k = this.kids;
    if (typeof k === 'string') {
      const end = this.end - this.name.length - 3; // where `</name>` starts
      return [new XmlText(k, end - k.length, end)];
    }
    return k instanceof XmlText || k instanceof XmlElement ? [k] : k;
  }

  /** Text content of this element and its descendants. */
  get text(): string {
    const k = this.kids;
    if (typeof k === 'string') return k;
    if (k instanceof XmlText || k instanceof XmlElement) return k.text;
    if (k.length === 1) return k[0]!.text;
    let s = '';
    for (const c of k) s += c.text;
    return s;
  }
}

export class XmlDocument {
  /** Every element in document order (start-tag order). */
  readonly elements: XmlElement[] = [];
  root: XmlElement | undefined;
}

/** A well-formedness error at an offset of the source text. */
export class XmlError extends Error {
  constructor(
    message: string,
    public pos: number,
  ) {
    super(message);
    this.name = 'XmlError';
  }
}
