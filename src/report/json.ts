import type { LintResult } from './diagnostic.js';

/** The stable machine format: `{version, diagnostics, summary}`. */
export function formatJson(result: LintResult): string {
  const diagnostics = result.diagnostics.map((d) => ({
    file: d.file,
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    severity: d.severity,
    ruleId: d.ruleId,
    message: d.message,
    ...(d.policyId !== undefined ? { policyId: d.policyId } : {}),
    ...(d.related?.length ? { related: d.related.map((r) => ({ file: r.file, line: r.line, column: r.column, endLine: r.endLine, endColumn: r.endColumn, message: r.message })) } : {}),
  }));
  return `${JSON.stringify({ version: 1, diagnostics, summary: result.summary }, null, 2)}\n`;
}
