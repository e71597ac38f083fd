/**
 * Optional XSD validation of policy files against Microsoft's TrustFrameworkPolicy_0.3.0.0.xsd,
 * using libxml2-wasm. The library is ESM-only with top-level await and weighs ~1 MB, so it is
 * imported lazily (only when validation is requested) and must stay external to the bundle.
 *
 * Errors are mapped to exact UTF-16 offsets by following libxml2's xpath for the failing node
 * through the tree our reader already built (libxml2's own line number is the line where
 * the start tag ENDS, and its column is always 0).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { XmlElement, type XmlDocument, type XmlNode } from '../xml/nodes.js';
import type * as Libxml from 'libxml2-wasm';

export interface XsdProblem {
  /** UTF-16 offset into the file text (a leading BOM counts). */
  start: number;
  end: number;
  /** One line, without libxml2's file/line prefix. */
  message: string;
}

export interface XsdValidator {
  validate(text: string, doc: XmlDocument): XsdProblem[];
  /** Frees the compiled schema. The validator must not be used afterwards. */
  dispose(): void;
}

export const XSD_FILE_NAME = 'TrustFrameworkPolicy_0.3.0.0.xsd';

/** The B2C policy namespace; stripped from libxml2's `{ns}Name` notation in messages. */
const POLICY_NS = 'http://schemas.microsoft.com/online/cpim/schemas/2013/06';

/** Messages longer than this get their "Expected is one of ( … )" / "{'a', 'b', …}" lists shortened. */
const MAX_MESSAGE = 300;

type LibxmlModule = typeof Libxml;
let libxmlPromise: Promise<LibxmlModule> | undefined;

function importLibxml(): Promise<LibxmlModule> {
  libxmlPromise ??= import('libxml2-wasm');
  return libxmlPromise;
}

/**
 * Fixes the shipped XSD for standards-conforming validators:
 * - `xs:pattern value="^…$"`: in XSD regexes `^`/`$` are literal characters (patterns are implicitly
 *   anchored), so such a pattern can never match; the anchors are removed.
 * - `\/` is not a valid XSD escape (older libxml2 and Xerces reject it); it is replaced by `/`.
 * - JourneyInsights accepts the `ConnectionString` attribute the current docs use (patchJourneyInsights).
 * Nothing else is touched; the line count stays the same.
 */
export function patchXsd(xsdText: string): string {
  return patchJourneyInsights(patchPatterns(xsdText));
}

/**
 * The 2020 XSD predates Application Insights connection strings: its JourneyInsights requires
 * InstrumentationKey and has no ConnectionString. Microsoft Learn's "Collect Azure AD B2C logs with
 * Application Insights" now sets `ConnectionString` instead (instrumentation-key ingestion ended
 * 2025-03-31; azure-ad-b2c/vscode-extension#107 notes the docs change and the outdated schema), so
 * ConnectionString is added and InstrumentationKey made optional, on the same line.
 */
function patchJourneyInsights(xsdText: string): string {
  const start = xsdText.indexOf('<xs:complexType name="JourneyInsights">');
  if (start < 0) return xsdText;
  const end = xsdText.indexOf('</xs:complexType>', start);
  const required = '<xs:attribute use="required" name="InstrumentationKey" type="tfp:InstrumentationKey">';
  const at = xsdText.indexOf(required, start);
  if (at < 0 || at > end) return xsdText;
  const patched = '<xs:attribute use="optional" name="ConnectionString" type="xs:string" /><xs:attribute use="optional" name="InstrumentationKey" type="tfp:InstrumentationKey">';
  return xsdText.slice(0, at) + patched + xsdText.slice(at + required.length);
}

function patchPatterns(xsdText: string): string {
  return xsdText.replace(
    /(<xs:pattern\s+value=")([^"]*)(")/g,
    (_m, open: string, value: string, close: string) => {
      let v = value;
      if (v.length >= 2 && v.startsWith('^') && v.endsWith('$') && !v.endsWith('\\$')) v = v.slice(1, -1);
      // Walk escape pairs so that `\\/` (escaped backslash, then slash) is left alone.
      v = v.replace(/\\(.)/gs, (pair: string, ch: string) => (ch === '/' ? '/' : pair));
      return open + v + close;
    },
  );
}

/**
 * Finds TrustFrameworkPolicy_0.3.0.0.xsd in any of the given folders or their ancestors.
 * Nearest first: all start folders are checked, then all their parents, and so on; ties go to the
 * earlier start folder. Returns an absolute path, or undefined if there is none.
 */
export function findXsd(startDirs: string[]): string | undefined {
  let level = [...new Set(startDirs.map((d) => path.resolve(d)))];
  const seen = new Set<string>();
  while (level.length > 0) {
    const next: string[] = [];
    for (const dir of level) {
      if (seen.has(dir)) continue;
      seen.add(dir);
      const candidate = path.join(dir, XSD_FILE_NAME);
      if (isFile(candidate)) return candidate;
      const parent = path.dirname(dir);
      if (parent !== dir) next.push(parent);
    }
    level = next;
  }
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads the XSD, patches the known-broken patterns in memory, compiles it.
 * Throws an Error with a one-line message if the XSD cannot be read or compiled.
 */
export async function loadXsdValidator(xsdPath: string): Promise<XsdValidator> {
  let xsdText: string;
  try {
    xsdText = readFileSync(xsdPath, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read XSD ${xsdPath}: ${oneLine(errorMessage(e))}`);
  }

  let lx: LibxmlModule;
  try {
    lx = await importLibxml();
  } catch (e) {
    libxmlPromise = undefined;
    throw new Error(`Cannot load libxml2-wasm for XSD validation: ${oneLine(errorMessage(e))}`);
  }

  const safeOptions =
    lx.ParseOption.XML_PARSE_NONET | lx.ParseOption.XML_PARSE_NO_XXE | lx.ParseOption.XML_PARSE_BIG_LINES;

  let schemaDoc: Libxml.XmlDocument | undefined;
  let schema: Libxml.XsdValidator;
  try {
    schemaDoc = lx.XmlDocument.fromString(patchXsd(xsdText), { option: safeOptions });
    schema = lx.XsdValidator.fromDoc(schemaDoc);
  } catch (e) {
    schemaDoc?.dispose();
    throw new Error(`Cannot compile XSD ${xsdPath}: ${describeLibxmlError(e)}`);
  }
  // The compiled schema may point into the schema document, so both live until dispose().
  const ownedSchemaDoc = schemaDoc;

  let disposed = false;
  return {
    validate(text: string, doc: XmlDocument): XsdProblem[] {
      if (disposed) throw new Error('XSD validator used after dispose()');
      return validateText(lx, schema, safeOptions, text, doc);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      schema.dispose();
      ownedSchemaDoc.dispose();
    },
  };
}

function validateText(
  lx: LibxmlModule,
  schema: Libxml.XsdValidator,
  options: number,
  text: string,
  doc: XmlDocument,
): XsdProblem[] {
  const lines = new Lines(text);
  const root = rootElement(doc);

  // Belt and braces: the reader rejects DOCTYPE before we get here, but never hand libxml2 a DTD.
  const doctype = findDoctype(text, root?.start ?? text.length);
  if (doctype >= 0) {
    return [
      {
        start: doctype,
        end: doctype + '<!DOCTYPE'.length,
        message: 'XSD validation skipped: the document has a DOCTYPE declaration.',
      },
    ];
  }

  let xdoc: Libxml.XmlDocument;
  try {
    xdoc = lx.XmlDocument.fromString(text, { option: options, encoding: 'utf-8' });
  } catch (e) {
    // Should not happen (the text already parsed), but report rather than crash.
    const d = e instanceof lx.XmlLibError ? e.details[0] : undefined;
    const start = d ? Math.min(text.length, lines.lineStart(d.line) + Math.max(0, d.col - 1)) : 0;
    return [{ start, end: lines.lineEnd(start), message: `XSD validation: libxml2 cannot parse the file: ${describeLibxmlError(e)}` }];
  }

  let details: Libxml.ErrorDetail[] = [];
  try {
    schema.validate(xdoc);
  } catch (e) {
    if (e instanceof lx.XmlLibError && e.details.length > 0) {
      details = e.details;
    } else {
      const start = root?.start ?? 0;
      return [{ start, end: start + 1 + (root?.name.length ?? 0), message: `XSD validation failed: ${describeLibxmlError(e)}` }];
    }
  } finally {
    xdoc.dispose();
  }

  const problems: XsdProblem[] = [];
  const seen = new Set<string>();
  for (const d of details) {
    const message = cleanMessage(d.message);
    const range = locate(text, lines, root, d, message);
    const key = `${range.start}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ ...range, message });
  }
  problems.sort((a, b) => a.start - b.start);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Mapping libxml2 errors to offsets

function locate(
  text: string,
  lines: Lines,
  root: XmlElement | undefined,
  d: Libxml.ErrorDetail,
  message: string,
): { start: number; end: number } {
  const target = d.xpath !== undefined && root ? followXpath(root, d.xpath) : undefined;
  if (target) {
    const attrName = target.attribute ?? attributeNamedIn(message);
    if (attrName !== undefined) {
      const attr = findAttribute(text, target.element, attrName);
      if (attr) return attr;
    }
    const start = target.element.start;
    return { start, end: start + 1 + target.element.name.length };
  }
  const start = lines.lineStart(d.line > 0 ? d.line : 1);
  const end = lines.lineEnd(start);
  return { start, end: end > start ? end : Math.min(text.length, start + 1) };
}

function isElement(node: XmlNode): node is XmlElement {
  return node instanceof XmlElement;
}

function rootElement(doc: XmlDocument): XmlElement | undefined {
  return doc.root;
}

/**
 * Follows an xpath as produced by libxml2's xmlGetNodePath, e.g. `/*\/*[1]/*[5]/*`, `/a/b[2]`,
 * `/p:a/p:b`, optionally ending in `@attr` or `text()`. `*` steps count all element siblings;
 * named steps count siblings with the same (qualified) name; a missing index means the only one.
 */
function followXpath(root: XmlElement, xpath: string): { element: XmlElement; attribute?: string } | undefined {
  if (!xpath.startsWith('/')) return undefined;
  const steps = xpath.slice(1).split('/');
  let current: XmlElement | undefined;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (current && step.startsWith('@')) {
      return i === steps.length - 1 ? { element: current, attribute: step.slice(1) } : undefined;
    }
    if (current && /^(text|comment|processing-instruction|node)\(\)(\[\d+\])?$/.test(step)) {
      return { element: current };
    }
    const m = /^(\*|[^[\]/()@*]+)(?:\[(\d+)\])?$/.exec(step);
    if (!m) return undefined;
    const name = m[1]!;
    const index = m[2] === undefined ? 1 : Number(m[2]);
    const candidates: XmlElement[] = current ? current.children.filter(isElement) : [root];
    const matching = name === '*' ? candidates : candidates.filter((c) => c.name === name);
    const next = matching[index - 1];
    if (!next) return undefined;
    current = next;
  }
  return current ? { element: current } : undefined;
}

/** The attribute a message is about: "…, attribute 'Idd': …" or "The attribute 'Idd' is …". */
function attributeNamedIn(message: string): string | undefined {
  const m = /\battribute '([^']+)'/.exec(message);
  if (!m) return undefined;
  const name = m[1]!;
  const brace = name.lastIndexOf('}');
  return brace >= 0 ? name.slice(brace + 1) : name;
}

/**
 * Scans the element's start tag for an attribute; returns the offset of its name and the offset
 * just past its closing quote. Matches the qualified name first, then the local name.
 */
function findAttribute(text: string, el: XmlElement, name: string): { start: number; end: number } | undefined {
  let i = el.start + 1 + el.name.length;
  const limit = text.length;
  let localMatch: { start: number; end: number } | undefined;
  while (i < limit) {
    while (i < limit && isXmlSpace(text.charCodeAt(i))) i++;
    const c = text[i];
    if (c === undefined || c === '>' || c === '/') break;
    const nameStart = i;
    while (i < limit && !isXmlSpace(text.charCodeAt(i)) && text[i] !== '=' && text[i] !== '>' && text[i] !== '/') i++;
    const attrName = text.slice(nameStart, i);
    while (i < limit && isXmlSpace(text.charCodeAt(i))) i++;
    if (text[i] !== '=') break;
    i++;
    while (i < limit && isXmlSpace(text.charCodeAt(i))) i++;
    const quote = text[i];
    if (quote !== '"' && quote !== "'") break;
    const close = text.indexOf(quote, i + 1);
    if (close < 0) break;
    i = close + 1;
    if (attrName.length === 0) break;
    const range = { start: nameStart, end: i };
    if (attrName === name) return range;
    const colon = attrName.indexOf(':');
    if (!localMatch && colon >= 0 && attrName.slice(colon + 1) === name) localMatch = range;
  }
  return localMatch;
}

function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Offset of `<!DOCTYPE` before the root element (outside comments), or -1. */
function findDoctype(text: string, rootStart: number): number {
  const prolog = text.slice(0, rootStart).replace(/<!--[\s\S]*?-->/g, (c) => ' '.repeat(c.length));
  return prolog.search(/<!DOCTYPE\b/i);
}

/** Line starts like libxml2 counts lines (CRLF, CR and LF are all one break). */
class Lines {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }
  /** First character of a 1-based line (clamped); line 1 starts after a BOM. */
  lineStart(line: number): number {
    const i = Math.max(0, Math.min(line - 1, this.starts.length - 1));
    return i === 0 && this.text.charCodeAt(0) === 0xfeff ? 1 : this.starts[i]!;
  }
  /** Just past the last character of the line holding `offset`, before its line break. */
  lineEnd(offset: number): number {
    let i = offset;
    while (i < this.text.length && this.text.charCodeAt(i) !== 10 && this.text.charCodeAt(i) !== 13) i++;
    return i;
  }
}

// ---------------------------------------------------------------------------------------------
// Messages

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function describeLibxmlError(e: unknown): string {
  const details = (e as { details?: Libxml.ErrorDetail[] } | undefined)?.details;
  const first = Array.isArray(details) ? details.find((d) => d.level >= 2) ?? details[0] : undefined;
  if (first) {
    const more = details!.length > 1 ? ` (+${details!.length - 1} more)` : '';
    const where = first.line > 0 ? ` (line ${first.line})` : '';
    return `${cleanMessage(first.message)}${where}${more}`;
  }
  return oneLine(errorMessage(e)) || 'unknown error';
}

/** One line, no `file:line:` prefix, policy namespace removed, long lists shortened. */
function cleanMessage(raw: string): string {
  let m = oneLine(raw);
  // libxml2's formatted prefix, should it ever be present: "file.xml:12: element X: Schemas validity error : ".
  m = m.replace(/^\S*:\d+:\s*(?:element \S+:\s*)?(?:[\w ]+? (?:error|warning)\s*:\s*)?/, '');
  m = m.split(`{${POLICY_NS}}`).join('');
  if (m.length > MAX_MESSAGE) m = shortenLists(m);
  return m;
}

/** Shortens "( a, b, c )" and "{'a', 'b'}" lists, longest first, until the message fits. */
function shortenLists(message: string): string {
  let m = message;
  const listRe = /(\( )([^()]*?)( \))|(\{)('[^{}]*')(\})/g;
  for (let guard = 0; guard < 10 && m.length > MAX_MESSAGE; guard++) {
    let best: { index: number; length: number; open: string; items: string[]; close: string } | undefined;
    for (const match of m.matchAll(listRe)) {
      const body = match[2] ?? match[5] ?? '';
      const items = body.split(', ');
      if (items.length < 3) continue;
      if (!best || match[0].length > best.length) {
        best = {
          index: match.index,
          length: match[0].length,
          open: match[1] ?? match[4] ?? '',
          items,
          close: match[3] ?? match[6] ?? '',
        };
      }
    }
    if (!best) break;
    const budget = Math.max(40, MAX_MESSAGE - (m.length - best.length));
    const kept: string[] = [];
    let used = best.open.length + best.close.length;
    for (const item of best.items) {
      const moreNote = `, … (+${best.items.length - kept.length - 1} more)`.length;
      if (kept.length > 0 && used + item.length + 2 + moreNote > budget) break;
      kept.push(item);
      used += item.length + 2;
    }
    if (kept.length === best.items.length) break;
    const replacement = `${best.open}${kept.join(', ')}, … (+${best.items.length - kept.length} more)${best.close}`;
    m = m.slice(0, best.index) + replacement + m.slice(best.index + best.length);
  }
  return m;
}

/**
 * The validator a run uses: `--xsd false` turns it off, an explicit path wins, then the config's `xsd`
 * (relative to the config's folder), then an XSD found beside or above the policy files. A path that
 * cannot be loaded throws an Error with a one-line message.
 */
export async function openXsdForRun(opts: {
  explicit: string | false | undefined;
  cwd: string;
  configXsd: string | undefined;
  configDir: string;
  policyDirs: string[];
}): Promise<{ validator: XsdValidator; file: string } | undefined> {
  if (opts.explicit === false) return undefined;
  const file =
    typeof opts.explicit === 'string'
      ? path.resolve(opts.cwd, opts.explicit)
      : opts.configXsd
        ? path.resolve(opts.configDir, opts.configXsd)
        : findXsd([...new Set(opts.policyDirs)]);
  return file ? { validator: await loadXsdValidator(file), file } : undefined;
}
