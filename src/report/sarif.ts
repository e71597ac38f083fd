import type * as Sarif from 'sarif';
import { compareDiagnostics, type LintResult, type RuleDescriptor, type Severity } from './diagnostic.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
// GitHub rejects/truncates rule descriptions longer than this.
const MAX_DESCRIPTION = 1024;

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

const PROBLEM_SEVERITY: Record<Severity, string> = {
  error: 'error',
  warning: 'warning',
  info: 'recommendation',
};

export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * The range every formatter prints for a diagnostic. All values are forced to >= 1 (SARIF's schema and
 * GitHub reject 0) and the end never precedes the start, so the three formats always agree.
 */
export function normalizeRange(d: Range): Range {
  const line = Math.max(1, Math.trunc(d.line) || 1);
  const column = Math.max(1, Math.trunc(d.column) || 1);
  const endLine = Math.max(line, Math.trunc(d.endLine) || line);
  let endColumn = Math.max(1, Math.trunc(d.endColumn) || 1);
  if (endLine === line && endColumn < column) endColumn = column;
  return { line, column, endLine, endColumn };
}

/** Percent-encodes each segment so spaces, `%`, `#`, `?` and non-ASCII survive GitHub's `decodeURIComponent`. */
export function toUriReference(path: string): string {
  const segments = path.replace(/\\/g, '/').split('/');
  // GitHub wants repo-relative paths without a `./` prefix.
  while (segments.length > 1 && segments[0] === '.') segments.shift();
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

function limit(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // Do not leave half a surrogate pair behind.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function nonEmpty(...candidates: string[]): string {
  for (const c of candidates) if (c.trim() !== '') return c;
  return '(no description)';
}

function ruleDescriptor(rule: RuleDescriptor): Sarif.ReportingDescriptor {
  const summary = limit(nonEmpty(rule.summary, rule.name, rule.id), MAX_DESCRIPTION);
  const description = limit(nonEmpty(rule.description, rule.summary, rule.name, rule.id), MAX_DESCRIPTION);
  // No base URL is known here, so the docs page is named rather than linked (helpUri must be absolute).
  const docs = `Documentation: ${rule.docsPath}`;
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: summary },
    fullDescription: { text: description },
    help: {
      text: `${description}\n\n${docs}`,
      markdown: `${description}\n\nDocumentation: \`${rule.docsPath}\``,
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      precision: 'very-high',
      'problem.severity': PROBLEM_SEVERITY[rule.severity],
    },
  };
}

/** In a message with embedded links, literal brackets are escaped (SARIF §3.11.5). */
function escapeBrackets(text: string): string {
  return text.replace(/[\\[\]]/g, (c) => `\\${c}`);
}

function physicalLocation(file: string, range: Range): Sarif.PhysicalLocation {
  return {
    artifactLocation: { uri: toUriReference(file), uriBaseId: '%SRCROOT%' },
    region: { startLine: range.line, startColumn: range.column, endLine: range.endLine, endColumn: range.endColumn },
  };
}

/** SARIF 2.1.0 for GitHub code scanning: one run, stable rule order, no fingerprints (upload-sarif computes them). */
export function formatSarif(result: LintResult, opts: { category?: string } = {}): string {
  // Sorted by id so rule indices (and thus the whole file) are stable between runs; first definition wins.
  const rules: RuleDescriptor[] = [];
  const index = new Map<string, number>();
  for (const rule of [...result.rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (index.has(rule.id)) continue;
    index.set(rule.id, rules.length);
    rules.push(rule);
  }

  const results: Sarif.Result[] = [...result.diagnostics].sort(compareDiagnostics).map((d) => {
    const range = normalizeRange(d);
    const ruleIndex = index.get(d.ruleId);
    return {
      ruleId: d.ruleId,
      // An unknown rule id gets no index: a wrong index is worse than none.
      ...(ruleIndex === undefined ? {} : { ruleIndex }),
      level: LEVEL[d.severity],
      // GitHub rejects an empty message; it is the alert title.
      // GitHub shows a related location only when the message links to it: `[text](id)` (SARIF §3.11.6).
      message: { text: d.related?.length ? `${escapeBrackets(nonEmpty(d.message, d.ruleId))} Related: ${d.related.map((r, i) => `[${escapeBrackets(`${r.file}:${r.line}`)}](${i + 1})`).join(', ')}` : nonEmpty(d.message, d.ruleId) },
      locations: [{ physicalLocation: physicalLocation(d.file, range) }],
      ...(d.related?.length
        ? {
            relatedLocations: d.related.map((r, i) => ({
              id: i + 1,
              physicalLocation: physicalLocation(r.file, normalizeRange(r)),
              message: { text: nonEmpty(r.message, 'related location') },
            })),
          }
        : {}),
    };
  });

  const run: Sarif.Run = {
    tool: {
      driver: {
        name: 'b2c-totp',
        semanticVersion: result.toolVersion,
        rules: rules.map(ruleDescriptor),
      },
    },
  };
  // Only when asked: an id here overrides the `category` input of the upload-sarif action.
  const category = opts.category?.trim();
  if (category) run.automationDetails = { id: category.endsWith('/') ? category : `${category}/` };
  run.columnKind = 'utf16CodeUnits';
  // Always present, even empty: an empty list is what closes fixed alerts.
  run.results = results;

  const log: Sarif.Log = { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
  return `${JSON.stringify(log, null, 2)}\n`;
}
