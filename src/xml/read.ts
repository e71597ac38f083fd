import { XmlElement, XmlError, type XmlDocument } from './nodes.js';
import { parseDocument, XmlDepthError } from './parse.js';
import { isAscii, isUtf8 } from 'node:buffer';
import { LineIndex } from './lines.js';

/** Why a file could not be read as XML. Each kind maps to one rule. */
export type ReadProblemKind = 'not-well-formed' | 'doctype' | 'encoding';

export interface ReadProblem {
  kind: ReadProblemKind;
  message: string;
  start: number;
  end: number;
}

/** A parsed XML file: the original text, its tree with offsets, and a lazy line index. */
export interface XmlSource {
  text: string;
  doc: XmlDocument;
  root: XmlElement;
  lines: LineIndex;
  /** Every element in document order: one walk at read time, so rules iterate instead of recursing. */
  elements: XmlElement[];
  /** True when the bytes after any BOM are plain ASCII (known when read from bytes): no invisible character can be there. */
  ascii: boolean;
  /** The file starts with a UTF-8 byte-order mark, which `text` leaves out. */
  bom: boolean;
  /** Size of the file in bytes, BOM included (measuring the text again would copy it). */
  bytes: number;
}

export type ReadResult =
  | { ok: true; source: XmlSource }
  | { ok: false; problem: ReadProblem; text: string; lines: LineIndex };

/** Policies nest about 12 levels; anything this deep is hostile or generated garbage. */
export const MAX_DEPTH = 256;

export type Decoded = { text: string; bom: boolean; ascii: boolean; bytes: number } | { problem: ReadProblem; text: string; bom: boolean };

/**
 * Decodes bytes as UTF-8 without losing anything: refuses UTF-16, NUL bytes and invalid sequences.
 * The text leaves out a byte-order mark (`bom` says there was one): without it, a file in Latin-1
 * characters is a one-byte string in V8, half the memory of the same text behind a U+FEFF.
 */
export function decodeUtf8(buf: Uint8Array): Decoded {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    return {
      text: '',
      bom: false,
      problem: {
        kind: 'encoding',
        message: 'File is UTF-16 encoded; B2C policy files must be UTF-8. Re-save the file as UTF-8.',
        start: 0,
        end: 0,
      },
    };
  }
  const skip = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const bom = skip === 3;
  // The native check is fast; the byte-by-byte scan runs only to locate a problem.
  const bad = isUtf8(buf) ? -1 : firstInvalidUtf8(buf);
  if (bad >= 0) {
    const text = Buffer.from(buf.subarray(skip, Math.max(skip, bad))).toString('utf8');
    return {
      text,
      bom,
      problem: {
        kind: 'encoding',
        message: `Invalid UTF-8 byte 0x${buf[bad]!.toString(16).padStart(2, '0')}; B2C policy files must be UTF-8.`,
        start: text.length,
        end: text.length,
      },
    };
  }
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', skip);
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    return {
      text,
      bom,
      problem: {
        kind: 'not-well-formed',
        message: 'File contains a NUL byte: it is binary, not XML.',
        start: nul,
        end: nul + 1,
      },
    };
  }
  return { text, bom, ascii: isAscii(buf.subarray(skip)), bytes: buf.length };
}

/** A file's contents as written: its text behind the byte-order mark it had. */
export function fileText(f: { text: string; bom: boolean }): string {
  return f.bom ? `\uFEFF${f.text}` : f.text;
}

/** Byte index of the first invalid UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) (need = 1), (min = 0x80);
    else if (c >= 0xe0 && c <= 0xef) (need = 2), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (need = 3), (min = 0x10000);
    else return i;
    if (i + need >= n) return i;
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Finds `<!DOCTYPE` or `<!ENTITY` outside comments: policies never need one, and entities are an attack surface. */
function findDoctype(text: string): ReadProblem | undefined {
  // Native substring searches first; the scan below runs only when a declaration may be there.
  // (Lower-case <!doctype is not XML: the parser rejects it as not well-formed.)
  if (text.indexOf('<!D') < 0 && text.indexOf('<!E') < 0) return undefined;
  const re = /<!(DOCTYPE|ENTITY)\b/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = text.lastIndexOf('<!--', m.index);
    if (open >= 0 && text.lastIndexOf('-->', m.index) < open) continue;
    const kind = m[1]!.toUpperCase();
    return {
      kind: 'doctype',
      message:
        kind === 'DOCTYPE'
          ? 'DOCTYPE declarations are not allowed in policy files (entities could expand or read files); remove it.'
          : 'ENTITY declarations are not allowed in policy files; remove it.',
      start: m.index,
      end: m.index + m[0].length,
    };
  }
  return undefined;
}

/** Parses XML text strictly, with offsets on every node. Never throws. */
export function parseXmlText(text: string, opts: { ascii?: boolean; bom?: boolean; bytes?: number } = {}): ReadResult {
  const lines = new LineIndex(text);
  const fail = (problem: ReadProblem): ReadResult => ({ ok: false, problem, text, lines });
  // A search for the first non-blank character, not a trimmed copy of a possibly large text.
  if (!/[^\s\uFEFF]/.test(text)) {
    return fail({ kind: 'not-well-formed', message: 'File is empty.', start: 0, end: 0 });
  }
  const doctype = findDoctype(text);
  if (doctype) return fail(doctype);
  let doc: XmlDocument;
  try {
    doc = parseDocument(text, { maxDepth: MAX_DEPTH });
  } catch (e) {
    if (e instanceof XmlDepthError) {
      return fail({ kind: 'not-well-formed', message: `Elements nest more than ${MAX_DEPTH} levels deep; this is not a policy file.`, start: e.pos, end: e.pos });
    }
    if (e instanceof XmlError) {
      return fail({ kind: 'not-well-formed', message: `Not well-formed XML: ${e.message}`, start: e.pos, end: e.pos });
    }
    // Not expected from the reader; still one diagnostic rather than a stack trace.
    return fail({ kind: 'not-well-formed', message: `Could not read the XML: ${String((e as Error)?.message ?? e)}`, start: 0, end: 0 });
  }
  const root = doc.root!;
  return { ok: true, source: { text, doc, root, lines, elements: doc.elements, ascii: opts.ascii ?? false, bom: opts.bom ?? false, bytes: opts.bytes ?? Buffer.byteLength(text) + (opts.bom ? 3 : 0) } };
}
