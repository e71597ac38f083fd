import { XmlElement, XmlText } from './nodes.js';

export type { XmlElement };

/*
 * These run for every element of every policy, many times per lint: they read `kids` directly (a lone
 * child is not wrapped in an array) and use indexed loops (for-of made an iterator result per child).
 */

/** Element children only (skips text, comments). */
export function childElements(el: XmlElement): XmlElement[] {
  const k = el.kids;
  if (k instanceof XmlElement) return [k];
  const out: XmlElement[] = [];
  if (typeof k === 'string' || k instanceof XmlText) return out;
  for (let i = 0; i < k.length; i++) {
    const c = k[i];
    if (c instanceof XmlElement) out.push(c);
  }
  return out;
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!el) return undefined;
  const k = el.kids;
  if (k instanceof XmlElement) return k.name === name ? k : undefined;
  if (typeof k === 'string' || k instanceof XmlText) return undefined;
  for (let i = 0; i < k.length; i++) {
    const c = k[i];
    if (c instanceof XmlElement && c.name === name) return c;
  }
  return undefined;
}

export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  if (el) collect(el, name, out);
  return out;
}

function collect(el: XmlElement, name: string, out: XmlElement[]): void {
  const k = el.kids;
  if (k instanceof XmlElement) {
    if (k.name === name) out.push(k);
    return;
  }
  if (typeof k === 'string' || k instanceof XmlText) return;
  for (let i = 0; i < k.length; i++) {
    const c = k[i];
    if (c instanceof XmlElement && c.name === name) out.push(c);
  }
}

/** Follows a path of child names, collecting every match at the last level. */
export function descendants(el: XmlElement | undefined, ...path: string[]): XmlElement[] {
  let level: XmlElement[] = el ? [el] : [];
  for (let p = 0; p < path.length; p++) {
    const next: XmlElement[] = [];
    for (let i = 0; i < level.length; i++) collect(level[i]!, path[p]!, next);
    level = next;
  }
  return level;
}

/** Trimmed text content of a leaf element ('' when none). */
export function textOf(el: XmlElement | undefined): string {
  return el ? el.text.trim() : '';
}

export interface Span {
  start: number;
  end: number;
}

/** The element's name in its start tag, e.g. `TechnicalProfile` in `<TechnicalProfile Id="x">`. */
export function nameSpan(el: XmlElement): Span {
  return { start: el.start + 1, end: el.start + 1 + el.name.length };
}

/**
 * Locates an attribute inside the element's start tag in the original text. The parser gives no
 * attribute offsets, so the start tag is scanned; quotes are respected, so `>` inside values is fine.
 */
export function attributeSpans(text: string, el: XmlElement, attr: string): { name: Span; value: Span } | undefined {
  let i = el.start + 1 + el.name.length;
  const n = text.length;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const c = text[i];
    if (c === '>' || c === '/' || c === undefined) return undefined;
    const nameStart = i;
    while (i < n && !isSpace(text.charCodeAt(i)) && text[i] !== '=' && text[i] !== '>' && text[i] !== '/') i++;
    const name = text.slice(nameStart, i);
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (text[i] !== '=') return undefined;
    i++;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const q = text[i];
    if (q !== '"' && q !== "'") return undefined;
    const close = text.indexOf(q, i + 1);
    if (close < 0) return undefined;
    if (name === attr) {
      return { name: { start: nameStart, end: nameStart + name.length }, value: { start: i + 1, end: close } };
    }
    i = close + 1;
  }
  return undefined;
}

/** Span of an element's own text (first text node), or of its start-tag name when it has none. */
export function textSpan(el: XmlElement): Span {
  for (const c of el.children) {
    if (c instanceof XmlText && c.text.trim() !== '') {
      const raw = c.text;
      const lead = raw.length - raw.trimStart().length;
      const start = c.start + lead;
      return { start, end: start + raw.trim().length };
    }
  }
  return nameSpan(el);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
