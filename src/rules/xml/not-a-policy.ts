import { POLICY_NS } from '../../policy/policy.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'XML-004',
    name: 'policy-root',
    category: 'xml',
    severity: 'error',
    summary: `The root element is <TrustFrameworkPolicy> in the namespace ${POLICY_NS}.`,
    description:
      'The service validates against the TrustFrameworkPolicy schema: any other root or namespace fails schema validation on upload ("has invalid child element" or "root element is missing").',
    source: 'upload-errors.md §1 #3; TrustFrameworkPolicy_0.3.0.0.xsd',
    examples: {
      bad: '<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/07" ...>',
      good: `<TrustFrameworkPolicy xmlns="${POLICY_NS}" ...>`,
    },
  },
  check({ set, report }) {
    for (const f of set.broken) {
      if (f.problem.kind === 'not-a-policy' && !f.scanned) {
        report({ file: f, at: { span: { start: f.problem.start, end: f.problem.end } }, message: f.problem.message });
      }
    }
    for (const p of set.policies) {
      const ns = p.root.attributes.xmlns;
      if (ns === POLICY_NS) continue;
      report({
        file: p,
        at: ns === undefined ? { element: p.root } : { element: p.root, attribute: 'xmlns' },
        message: ns === undefined ? `TrustFrameworkPolicy has no xmlns; it must be '${POLICY_NS}'.` : `Namespace '${ns}' is wrong; it must be '${POLICY_NS}'.`,
      });
    }
  },
};
export default rule;
