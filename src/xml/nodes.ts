/*
 * The tree the reader builds (src/xml/parse.ts). It keeps what policy checks and edits need and no
 * more: elements with attributes and offsets, and text. Comments and processing instructions are
 * dropped, and so is whitespace between child elements: that was half the nodes of a policy.
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
    /** Elements and non-blank text in order; blank text only in an element without child elements. */
    public children: readonly XmlNode[],
    public parent: XmlElement | XmlDocument,
    /** Offset of `<` in the start tag. */
    public start: number,
    /** Offset just past the end tag (or `/>`). */
    public end: number,
  ) {}

  /** Text content of this element and its descendants. */
  get text(): string {
    const kids = this.children;
    if (kids.length === 1) return kids[0]!.text;
    let s = '';
    for (const c of kids) s += c.text;
    return s;
  }
}

export class XmlDocument {
  /** Every element in document order (start-tag order). */
  readonly elements: XmlElement[] = [];
  constructor(
    public root: XmlElement | undefined,
    public start: number,
    public end: number,
  ) {}
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
