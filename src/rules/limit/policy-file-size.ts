import type { Rule } from '../types.js';

/** The service rejects a policy file larger than 1024 KB (service-limits.md; older docs said 400 KB). */
export const MAX_POLICY_BYTES = 1024 * 1024;

const rule: Rule = {
  meta: {
    id: 'LIMIT-001',
    name: 'policy-file-size',
    category: 'limit',
    severity: 'error',
    summary: 'A policy file is at most 1024 KB (1,048,576 bytes of UTF-8).',
    description:
      'Azure AD B2C limits the size of one custom policy file to 1024 KB (service-limits.md; older versions of the page said 400 KB), and an upload above the limit is rejected. Large files usually come from exported or merged policy sets, long comments, or big inline localized strings. Split the file: move building blocks or claims providers into an intermediate policy in the inheritance chain (at most 10 levels, POL-006), and drop comments the deployment does not need. The size counted is the file\'s UTF-8 bytes, byte-order mark included.',
    source: 'upload-errors.md §1 #32 (B2C-LIMIT-001..003); service-limits.md "Azure AD B2C configuration limits"',
    examples: {
      bad: 'TrustFrameworkBase.xml: 1,310,720 bytes (1280 KB)',
      good: 'TrustFrameworkBase.xml: 786,432 bytes, plus TrustFrameworkBase2.xml (its base) holding the rest',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      const bytes = p.source.bytes;
      if (bytes <= MAX_POLICY_BYTES) continue;
      report({
        file: p,
        at: { span: { start: 0, end: 0 } },
        message: `${p.path} is ${grouped(bytes)} bytes (${kb(bytes)} KB); the service rejects policy files larger than 1024 KB (${grouped(MAX_POLICY_BYTES)} bytes). Move building blocks or claims providers into another policy of the chain, or drop comments.`,
      });
    }
  },
};

/** 1234567 → 1,234,567 (without Intl, which costs megabytes of memory to load). */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

function kb(bytes: number): string {
  return (Math.floor((bytes / 1024) * 10) / 10).toFixed(1);
}

export default rule;
