import { attributeSpans, nameSpan, textSpan, type Span } from '../xml/element.js';
import { type Diagnostic, type Severity, type SeveritySetting, compareDiagnostics } from '../report/diagnostic.js';
import { Policy } from '../policy/policy.js';
import type { BrokenFile, PolicySet } from '../policy/set.js';
import type { LintOptions, Report, Rule, RuleContext, Target } from './types.js';
import { boundMessage, clip } from '../util/quote.js';

export interface EngineConfig {
  /** Severity per rule id or name. */
  rules?: Record<string, SeveritySetting>;
}

const DISABLE_RE = /<!--\s*b2c-totp-disable-next-line\b([\s\S]*?)-->/g;

/** Runs rules over a policy set: severities from config, inline disables, de-duplication, stable order. */
export function runRules(rules: readonly Rule[], set: PolicySet, options: LintOptions, config: EngineConfig = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const disables = new Map<Policy | BrokenFile, Map<number, Set<string> | 'all'>>();
  for (const rule of rules) {
    const configured = config.rules?.[rule.meta.id] ?? config.rules?.[rule.meta.name];
    if (configured === 'off') continue;
    const ctx: RuleContext = {
      set,
      options,
      report(r: Report) {
        const severity: Severity = configured ?? r.severity ?? rule.meta.severity;
        const d = toDiagnostic(r, rule.meta.id, severity);
        if (isDisabled(disables, r.file, d.line, rule)) return;
        const key = `${d.file}\0${d.line}\0${d.column}\0${d.ruleId}\0${d.message}`;
        if (seen.has(key)) return;
        seen.add(key);
        out.push(d);
      },
    };
    rule.check(ctx);
  }
  return out.sort(compareDiagnostics);
}

function toDiagnostic(r: Report, ruleId: string, severity: Severity): Diagnostic {
  const file = r.file;
  // No rule can put a user's megabytes into a report: long quoted values are clipped, long messages cut.
  const d: Diagnostic = { ...locate(file, r.at), severity, ruleId, message: boundMessage(r.message) };
  if (file instanceof Policy && file.policyId) d.policyId = clip(file.policyId);
  if (r.related?.length) d.related = r.related.map((x) => ({ ...locate(x.file, x.at), message: boundMessage(x.message) }));
  return d;
}

function locate(file: Policy | BrokenFile, at: Target): Pick<Diagnostic, 'file' | 'line' | 'column' | 'endLine' | 'endColumn'> {
  const text = file instanceof Policy ? file.text : file.text;
  const lines = file instanceof Policy ? file.source.lines : file.lines;
  const span = resolveSpan(text, at);
  const a = lines.position(span.start);
  const b = lines.position(Math.max(span.end, span.start));
  return { file: file.path, line: a.line, column: a.column, endLine: b.line, endColumn: b.line === a.line && b.column <= a.column ? a.column + 1 : b.column };
}

function resolveSpan(text: string, at: Target): Span {
  if ('span' in at) return at.span;
  if (at.attribute) {
    const s = attributeSpans(text, at.element, at.attribute);
    if (s) return { start: s.name.start, end: s.value.end + 1 };
  }
  if (at.text) return textSpan(at.element);
  return nameSpan(at.element);
}

function isDisabled(cache: Map<Policy | BrokenFile, Map<number, Set<string> | 'all'>>, file: Policy | BrokenFile, line: number, rule: Rule): boolean {
  let map = cache.get(file);
  if (!map) {
    map = parseDisables(file);
    cache.set(file, map);
  }
  const entry = map.get(line);
  if (!entry) return false;
  return entry === 'all' || entry.has(rule.meta.id.toUpperCase()) || entry.has(rule.meta.name.toUpperCase());
}

/** `<!-- b2c-totp-disable-next-line REF-001, unknown-technical-profile -->` silences those rules on the next line. */
function parseDisables(file: Policy | BrokenFile): Map<number, Set<string> | 'all'> {
  const map = new Map<number, Set<string> | 'all'>();
  const text = file instanceof Policy ? file.text : file.text;
  if (!text.includes('b2c-totp-disable')) return map;
  const lines = file instanceof Policy ? file.source.lines : file.lines;
  for (const m of text.matchAll(DISABLE_RE)) {
    const endLine = lines.position(m.index + m[0].length).line;
    const names = m[1]!
      .split(/[\s,]+/)
      .map((s) => s.trim().toUpperCase())
      .filter((s) => s && s !== '--');
    const target = endLine + 1;
    const prev = map.get(target);
    if (names.length === 0 || prev === 'all') map.set(target, 'all');
    else map.set(target, new Set([...(prev ?? []), ...names]));
  }
  return map;
}
