import type { XmlElement } from './nodes.js';

/** A splice into the original text. Files are written as original text plus edits, never re-serialized. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

export class EditConflictError extends Error {}

/** Applies non-overlapping edits; insertions at the same offset keep their given order. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = edits.map((e, i) => ({ ...e, i })).sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos || e.end < e.start) throw new EditConflictError(`overlapping edits at offset ${e.start}`);
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}

export interface TextStyle {
  eol: '\n' | '\r\n';
  /** One level of indentation as the file uses it: two spaces, four spaces, a tab... */
  unit: string;
}

/** The file's own line ending (by majority) and indentation unit (the most common positive step). */
export function detectStyle(text: string): TextStyle {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  const eol = crlf > lf ? '\r\n' : '\n';
  const steps = new Map<string, number>();
  let prev = '';
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const indent = /^[ \t]*/.exec(line)![0];
    if (indent.length > prev.length && indent.startsWith(prev)) {
      const step = indent.slice(prev.length);
      if (/^( +|\t+)$/.test(step) && step.length <= 8) steps.set(step, (steps.get(step) ?? 0) + 1);
    }
    prev = indent;
  }
  let unit = '  ';
  let best = 0;
  for (const [step, n] of steps) if (n > best || (n === best && step.length < unit.length)) [unit, best] = [step, n];
  return { eol, unit };
}

/** The whitespace that starts the line holding `offset`. */
export function indentOfLine(text: string, offset: number): string {
  let s = offset;
  while (s > 0 && text[s - 1] !== '\n' && text[s - 1] !== '\r') s--;
  return /^[ \t]*/.exec(text.slice(s, offset + 1))![0];
}

/**
 * Re-indents a template fragment (written with two-space indentation and `\n`) to sit at `base`
 * in a file with the given style.
 */
export function reindent(fragment: string, base: string, style: TextStyle): string {
  return fragment
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => {
      if (line.trim() === '') return '';
      const lead = /^ */.exec(line)![0].length;
      return base + style.unit.repeat(Math.floor(lead / 2)) + ' '.repeat(lead % 2) + line.slice(lead);
    })
    .join(style.eol);
}

/** Offset where the element's closing tag starts (`</Name>`), or undefined for `<Name/>`. */
export function closeTagStart(text: string, el: XmlElement): number | undefined {
  const end = Math.min(el.end, text.length);
  if (text.slice(end - 2, end) === '/>') return undefined;
  const i = text.lastIndexOf('</', end);
  return i > el.start ? i : undefined;
}

/**
 * Inserts fragments as the last children of `parent`, as whole lines before its closing-tag line,
 * so a diff shows only added lines. Expands `<Parent/>` when needed.
 */
export function appendChildren(text: string, parent: XmlElement, fragments: string[], style: TextStyle): Edit {
  const parentIndent = indentOfLine(text, parent.start);
  const childIndent = parentIndent + style.unit;
  const body = fragments.map((f) => reindent(f, childIndent, style)).join(style.eol);
  const close = closeTagStart(text, parent);
  if (close === undefined) {
    // <Parent ... /> → <Parent ...>…</Parent>
    const end = Math.min(parent.end, text.length);
    const head = text.slice(parent.start, end - 2).replace(/\s+$/, '');
    return { start: parent.start, end, text: `${head}>${style.eol}${body}${style.eol}${parentIndent}</${parent.name}>` };
  }
  const lineStart = startOfLine(text, close);
  if (/^[ \t]*$/.test(text.slice(lineStart, close))) {
    // Closing tag on its own line: insert whole lines before it.
    return { start: lineStart, end: lineStart, text: body + style.eol };
  }
  return { start: close, end: close, text: style.eol + body + style.eol + parentIndent };
}

/**
 * Inserts a fragment as a new child of `parent` right after `after` (or as the first child when
 * `after` is undefined), on lines of its own.
 */
export function insertAfter(text: string, parent: XmlElement, after: XmlElement | undefined, fragment: string, style: TextStyle): Edit {
  const childIndent = indentOfLine(text, parent.start) + style.unit;
  const body = reindent(fragment, childIndent, style);
  if (after) {
    const end = Math.min(after.end, text.length);
    const lineEnd = endOfLine(text, end);
    if (/^[ \t]*$/.test(text.slice(end, lineEnd))) {
      const next = lineEnd + (text.startsWith('\r\n', lineEnd) ? 2 : text[lineEnd] === '\n' || text[lineEnd] === '\r' ? 1 : 0);
      if (next > lineEnd) return { start: next, end: next, text: body + style.eol };
    }
    return { start: end, end, text: style.eol + body };
  }
  const tagEnd = text.indexOf('>', parent.start) + 1;
  const lineEnd = endOfLine(text, tagEnd);
  if (/^[ \t]*$/.test(text.slice(tagEnd, lineEnd)) && lineEnd < text.length) {
    const next = lineEnd + (text.startsWith('\r\n', lineEnd) ? 2 : 1);
    return { start: next, end: next, text: body + style.eol };
  }
  return { start: tagEnd, end: tagEnd, text: style.eol + body };
}

function startOfLine(text: string, offset: number): number {
  let s = offset;
  while (s > 0 && text[s - 1] !== '\n' && text[s - 1] !== '\r') s--;
  return s;
}

function endOfLine(text: string, offset: number): number {
  let e = offset;
  while (e < text.length && text[e] !== '\n' && text[e] !== '\r') e++;
  return e;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes a value for an attribute or text node. Every template interpolation goes through this. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Tagged template that escapes every interpolated value: xml`<Item Key="x">${value}</Item>`. */
export function xml(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += escapeXml(String(v)) + strings[i + 1]!;
  });
  return out;
}
