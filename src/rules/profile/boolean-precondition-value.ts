import { claimDataType } from '../../totp/azuremfa.js';
import { textOf } from '../../xml/element.js';
import type { Rule } from '../types.js';
import { preconditions } from './preconditions.js';

const rule: Rule = {
  meta: {
    id: 'PRE-002',
    name: 'boolean-precondition-value',
    category: 'journey',
    severity: 'warning',
    summary: 'A ClaimEquals precondition on a boolean claim compares with exactly True or False.',
    description:
      'ClaimEquals "performs a case-sensitive ordinal comparison. When checking Boolean claim type, use True, or False" (userjourneys.md). `<Value>true</Value>` against a boolean claim never matches, and the upload does not catch it, so the step runs (or is skipped) for everyone; a maintainer: "You need to capitalise True/False for boolean precondition values" (MicrosoftDocs#70861). The TOTP sample\'s newUser guards use True.',
    source: 'upload-errors.md "Post-upload (runtime)" B2C-PRE-002; userjourneys.md "Preconditions"; MicrosoftDocs#70861; upload-errors.md §2 T5',
    examples: {
      bad: '<Precondition Type="ClaimEquals" ExecuteActionsIf="true">\n  <Value>newUser</Value>\n  <Value>true</Value>\n  <Action>SkipThisOrchestrationStep</Action>\n</Precondition>',
      good: '<Precondition Type="ClaimEquals" ExecuteActionsIf="true">\n  <Value>newUser</Value>\n  <Value>True</Value>\n  <Action>SkipThisOrchestrationStep</Action>\n</Precondition>',
    },
  },
  check({ set, report }) {
    for (const pc of preconditions(set)) {
      if (pc.type !== 'ClaimEquals' || pc.values.length !== 2 || !pc.claim) continue;
      if (claimDataType(set, pc.policy, pc.claim) !== 'boolean') continue;
      const value = textOf(pc.values[1]);
      if (value === 'True' || value === 'False') continue;
      const intended = value.toLowerCase() === 'true' ? 'True' : value.toLowerCase() === 'false' ? 'False' : undefined;
      report({
        file: pc.policy,
        at: { element: pc.values[1]!, text: true },
        message: `ClaimEquals compares boolean claim '${pc.claim}' with '${value}'; the comparison is case-sensitive and a boolean claim's value is 'True' or 'False', so this precondition never matches.${intended ? ` Write '${intended}'.` : ''}`,
      });
    }
  },
};
export default rule;
