/** Severity as users configure it; `off` never reaches a diagnostic. */
export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

/** One finding, positioned in a file. Lines and columns are 1-based; columns count UTF-16 code units. */
export interface Diagnostic {
  /** Path relative to the working folder, with `/` separators. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  ruleId: string;
  message: string;
  /** PolicyId of the policy the finding sits in, when the file parsed far enough to have one. */
  policyId?: string;
  /**
   * Other places that explain the finding, e.g. the technical profile a relying party runs that lacks
   * what the relying party's upload checks. Same coordinates as the finding itself.
   */
  related?: RelatedLocation[];
}

export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

/** What formatters need to know about a rule (the SARIF `rules[]` table, docs links). */
export interface RuleDescriptor {
  id: string;
  name: string;
  severity: Severity;
  summary: string;
  description: string;
  docsPath: string;
}

export interface LintSummary {
  errors: number;
  warnings: number;
  infos: number;
}

/** Everything a formatter gets. Pure input: formatters never read files or the clock. */
export interface LintResult {
  diagnostics: Diagnostic[];
  /** Files that were linted, relative like `Diagnostic.file` (clean files appear here too). */
  files: string[];
  rules: RuleDescriptor[];
  summary: LintSummary;
  toolVersion: string;
}

const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    order[a.severity] - order[b.severity] ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

export function summarize(diagnostics: readonly Diagnostic[]): LintSummary {
  const s: LintSummary = { errors: 0, warnings: 0, infos: 0 };
  for (const d of diagnostics) {
    if (d.severity === 'error') s.errors++;
    else if (d.severity === 'warning') s.warnings++;
    else s.infos++;
  }
  return s;
}
