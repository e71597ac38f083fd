import { compareDiagnostics, type Diagnostic, type LintResult } from './diagnostic.js';
import { normalizeRange } from './sarif.js';

const SUITE = 'b2c-totp';

// Characters XML 1.0 forbids outright; with the `u` flag the surrogate range matches only lone surrogates.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/gu;

function escapeText(s: string): string {
  return s
    .replace(FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // A raw CR would be normalized to LF by any parser.
    .replace(/\r/g, '&#13;');
}

function escapeAttr(s: string): string {
  // Attribute-value normalization turns raw tabs and line ends into spaces; character references survive it.
  return escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function attrs(pairs: Array<[string, string | number | undefined]>): string {
  return pairs
    .filter((p): p is [string, string | number] => p[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');
}

function findingLine(d: Diagnostic): string {
  const r = normalizeRange(d);
  // One line per finding, so line breaks inside a message become spaces here.
  const related = (d.related ?? []).map((x) => ` (↳ ${x.file}:${x.line}:${x.column} ${x.message})`).join('');
  return `${d.file}:${r.line}:${r.column} ${d.severity} ${d.ruleId} ${(d.message + related).replace(/\r\n|\r|\n/g, ' ')}`;
}

interface TestCase {
  file: string;
  /** Rule id, or the suite name for a clean file. */
  name: string;
  findings: Diagnostic[];
}

/**
 * JUnit XML in the Ant/Surefire shape. One testcase per (file, rule) keeps names stable when code moves, so
 * test history does not churn. Errors and warnings fail (the `type` attribute says which); infos pass with
 * their findings in `<system-out>`; each clean file gets one passing testcase so "0 tests" never hides a problem.
 */
export function formatJunit(result: LintResult, opts: { timestamp?: string } = {}): string {
  const byFile = new Map<string, Map<string, Diagnostic[]>>();
  for (const file of result.files) byFile.set(file, new Map());
  for (const d of [...result.diagnostics].sort(compareDiagnostics)) {
    let rules = byFile.get(d.file);
    if (!rules) byFile.set(d.file, (rules = new Map()));
    const list = rules.get(d.ruleId);
    if (list) list.push(d);
    else rules.set(d.ruleId, [d]);
  }

  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const cases: TestCase[] = [];
  for (const file of [...byFile.keys()].sort(cmp)) {
    const rules = byFile.get(file) ?? new Map<string, Diagnostic[]>();
    if (rules.size === 0) cases.push({ file, name: SUITE, findings: [] });
    for (const ruleId of [...rules.keys()].sort(cmp)) cases.push({ file, name: ruleId, findings: rules.get(ruleId) ?? [] });
  }

  let failures = 0;
  const body: string[] = [];
  for (const c of cases) {
    const first = c.findings[0];
    const open = `    <testcase${attrs([
      ['classname', c.file],
      ['name', c.name],
      ['file', c.file],
      ['line', first ? normalizeRange(first).line : undefined],
      ['time', '0'],
    ])}`;
    if (!first) {
      body.push(`${open}/>`);
      continue;
    }
    const text = escapeText(c.findings.map(findingLine).join('\n'));
    // The worst severity decides the outcome; the first finding of that severity is the headline.
    const failing = c.findings.find((d) => d.severity === 'error') ?? c.findings.find((d) => d.severity === 'warning');
    if (failing) {
      failures++;
      const r = normalizeRange(failing);
      body.push(
        `${open}>`,
        `      <failure${attrs([
          ['message', `${r.line}:${r.column} ${failing.message}`],
          ['type', failing.severity],
        ])}>${text}</failure>`,
        '    </testcase>',
      );
    } else {
      body.push(`${open}>`, `      <system-out>${text}</system-out>`, '    </testcase>');
    }
  }

  const totals: Array<[string, string | number | undefined]> = [
    ['tests', cases.length],
    ['failures', failures],
    ['errors', 0],
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs([['name', SUITE], ...totals, ['time', '0']])}>`,
    `  <testsuite${attrs([['name', SUITE], ...totals, ['skipped', 0], ['time', '0'], ['timestamp', opts.timestamp]])}>`,
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
