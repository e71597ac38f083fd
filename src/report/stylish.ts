import type { ChalkInstance } from 'chalk';
import type { Diagnostic, LintResult } from './diagnostic.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Human output: grouped by file, one aligned line per finding, a summary line. */
export function formatStylish(result: LintResult, color: ChalkInstance): string {
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of result.diagnostics) {
    const list = byFile.get(d.file);
    if (list) list.push(d);
    else byFile.set(d.file, [d]);
  }
  const out: string[] = [];
  for (const [file, list] of byFile) {
    out.push(color.underline(file));
    const posWidth = Math.max(...list.map((d) => `${d.line}:${d.column}`.length));
    for (const d of list) {
      const pos = `${d.line}:${d.column}`.padEnd(posWidth);
      const sev = d.severity === 'error' ? color.red('error  ') : d.severity === 'warning' ? color.yellow('warning') : color.blue('info   ');
      out.push(`  ${color.dim(pos)}  ${sev}  ${oneLine(d.message)}  ${color.dim(d.ruleId)}`);
      for (const r of d.related ?? []) out.push(`  ${' '.repeat(posWidth)}    ${color.dim(`↳ ${r.file}:${r.line}:${r.column}`)} ${oneLine(r.message)}`);
    }
    out.push('');
  }
  const { errors, warnings, infos } = result.summary;
  const total = errors + warnings + infos;
  const files = plural(result.files.length, 'file');
  if (total === 0) {
    out.push(color.green(`✔ ${files} checked, no problems`));
  } else {
    const line = `${errors ? '✖' : '⚠'} ${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(infos, 'info')}) in ${files}`;
    out.push(errors ? color.red.bold(line) : warnings ? color.yellow.bold(line) : line);
  }
  return `${out.join('\n')}\n`;
}

/** Messages come from files and users: never let one break the line layout or inject escapes. */
function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, '');
}
