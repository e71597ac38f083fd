import type { BrokenFile } from '../../policy/set.js';
import { parseXmlText, type ReadProblem } from '../../xml/read.js';

/**
 * Template syntax that makes a file not well-formed until it is built (upload-semantics.md §4): `{{x}}` as an
 * unquoted attribute value, `%{ if }` directives and `{Settings:X}` bare inside a start tag, and `<yourtenant>`-style
 * placeholders in angle brackets inside a value or a URL. Lengths never exceed what a token can be, so scans stay linear.
 */
const TOKEN = /\{\{[^{}<>\n]{1,100}\}\}|%\{[^{}\n]{0,200}\}|\$\{[^{}<>"\s]{1,100}\}|#\{[^{}<>"\s]{1,100}\}#|\{Settings:[^{}\s"<>]{0,100}\}|<[A-Za-z][\w ().,-]{0,60}>/gi;

export type TemplateVerdict =
  /** Well-formed once the tokens are neutralised: an unbuilt template; `token` is the one at (or nearest) the error. */
  | { kind: 'template'; token: string; start: number; end: number }
  /** Still not well-formed without the tokens: the first problem that is not template syntax (same offsets). */
  | { kind: 'broken'; problem: ReadProblem };

const cache = new WeakMap<BrokenFile, TemplateVerdict>();

/** For a file that is not well-formed: is it an unbuilt template, and if not, where is its first real problem? */
export function templateVerdict(f: BrokenFile): TemplateVerdict {
  let v = cache.get(f);
  if (!v) cache.set(f, (v = classify(f)));
  return v;
}

function classify(f: BrokenFile): TemplateVerdict {
  const text = f.text;
  const tokens: { start: number; end: number; token: string }[] = [];
  // Length-preserving replacement: offsets in the neutralised text are offsets in the file.
  const neutral = text.replace(TOKEN, (tok: string, at: number) => {
    if (tok.startsWith('<')) {
      // A placeholder sits inside a value or a URL, next to its punctuation, or has words with spaces; a start tag does not (`https://<account>.blob`, `"<b2c tenant>.onmicrosoft.com"`).
      const before = text[at - 1] ?? '\n';
      const after = text[at + tok.length] ?? '\n';
      const inValue = /[./:@"'=-]/.test(before) || /[./:@"'-]/.test(after) || /\w\s+\w/.test(tok);
      if (!inValue) return tok;
    }
    tokens.push({ start: at, end: at + tok.length, token: tok });
    // An unquoted attribute value (`TenantId={{TenantId}}`) becomes a quoted one; anything else, letters or spaces.
    if (/=\s*$/.test(text.slice(Math.max(0, at - 8), at)) && tok.length >= 2) return `"${'x'.repeat(tok.length - 2)}"`;
    return tok.startsWith('%{') || /^\{Settings:/i.test(tok) ? ' '.repeat(tok.length) : 'x'.repeat(tok.length);
  });
  if (tokens.length === 0) return { kind: 'broken', problem: f.problem as ReadProblem };
  const again = parseXmlText(neutral);
  if (!again.ok) return { kind: 'broken', problem: again.problem };
  const at = f.problem.start;
  // The token the parser stopped at, else the nearest one before it (an unclosed <placeholder> fails further on).
  const hit = tokens.find((t) => t.start <= at && at <= t.end) ?? [...tokens].reverse().find((t) => t.start <= at) ?? tokens[0]!;
  return { kind: 'template', ...hit };
}
