import { compareDiagnostics, type LintResult, type LintSummary, type Severity } from './diagnostic.js';
import { normalizeRange } from './sarif.js';

// GitHub keeps at most 10 annotations per severity per step and drops the rest silently.
const MAX_PER_SEVERITY = 10;

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Message escaping; `%` first so the other escapes are not double-encoded. A raw newline would start a new workflow command. */
const data = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
/** Property values additionally must not contain the `:` and `,` separators. */
const prop = (s: string): string => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(s: LintSummary): string {
  return `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')}`;
}

/** GitHub Actions workflow commands: errors, then warnings, then notices, each capped at what GitHub shows. */
export function formatGithub(result: LintResult): string {
  const sorted = [...result.diagnostics].sort(compareDiagnostics);
  const lines: string[] = [];
  let skipped = 0;
  for (const severity of SEVERITIES) {
    const group = sorted.filter((d) => d.severity === severity);
    skipped += Math.max(0, group.length - MAX_PER_SEVERITY);
    for (const d of group.slice(0, MAX_PER_SEVERITY)) {
      const r = normalizeRange(d);
      const props = [`file=${prop(d.file)}`, `line=${r.line}`, `endLine=${r.endLine}`];
      // col/endColumn are only valid on single-line ranges.
      if (r.line === r.endLine) props.push(`col=${r.column}`, `endColumn=${r.endColumn}`);
      props.push(`title=${prop(d.ruleId)}`);
      // Related places (the profile a relying-party finding is about) follow the message on lines of their own.
      const related = (d.related ?? []).map((x) => `\n↳ ${x.file}:${x.line}:${x.column} ${x.message}`).join('');
      lines.push(`::${COMMAND[severity]} ${props.join(',')}::${data(d.message + related)}`);
    }
  }
  if (skipped > 0) {
    lines.push(`${plural(skipped, 'finding')} not annotated (GitHub shows at most ${MAX_PER_SEVERITY} per severity).`);
  }
  lines.push(summaryLine(result.summary));
  return `${lines.join('\n')}\n`;
}
