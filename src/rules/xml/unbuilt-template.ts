import { quote } from '../../util/quote.js';
import type { Rule } from '../types.js';
import { templateVerdict } from './template.js';

const rule: Rule = {
  meta: {
    id: 'XML-007',
    name: 'unbuilt-template',
    category: 'xml',
    severity: 'warning',
    summary: 'A file that is not well-formed only because of template syntax ({{x}} as an attribute value, %{ if } or {Settings:X} in a start tag, <yourtenant> in a value) is an unbuilt template: it was not linted.',
    description:
      'Teams keep policies as templates and substitute values in CI; some template syntax makes the file not well-formed until it is built. ' +
      'Such a file cannot be uploaded as it is, but it is not meant to be: plain lint reports it once, as a warning that it was skipped (not a parser error), and names the token. ' +
      'With --ready, and in b2c-totp build (which lints the substituted output), it is an error: what would be uploaded is not XML ("The policy being uploaded is not XML or is not correctly formatted"). ' +
      'To lint its content, build it first (b2c-totp build), or point lint at the built output. A file that stays broken without its tokens gets XML-001 at its first real problem.',
    source: 'upload-semantics.md §4 (templates in real repositories; ieftool-github-actions sample documents {{ tenantId }}); upload-errors.md §1 #1 (not XML on upload)',
    examples: {
      bad: '<TrustFrameworkPolicy xmlns="..." TenantId={{TenantId}} PolicyId="B2C_1A_X" ...>  <!-- linted as source -->',
      good: 'b2c-totp build, then lint dist/<env>/ (or substitute the tokens in CI before linting)',
    },
  },
  check({ set, options, report }) {
    for (const f of set.broken) {
      if (f.problem.kind !== 'not-well-formed') continue;
      const v = templateVerdict(f);
      if (v.kind !== 'template') continue;
      report({
        file: f,
        at: { span: { start: v.start, end: v.end } },
        severity: options.ready ? 'error' : undefined,
        message: `Unbuilt template: not well-formed XML until its template tokens are substituted (${quote(v.token)} here), so it was not linted. Build it first (b2c-totp build) or lint the built output.`,
      });
    }
  },
};
export default rule;
