import { didYouMean } from '../../util/suggest.js';
import { textOf } from '../../xml/element.js';
import { isPlaceholderValue } from '../placeholder/patterns.js';
import type { Rule } from '../types.js';
import { preconditions } from './preconditions.js';

const rule: Rule = {
  meta: {
    id: 'PRE-003',
    name: 'precondition-claim',
    category: 'journey',
    severity: 'warning',
    summary:
      'The first Value of a ClaimsExist or ClaimEquals precondition names a claim type defined in the policy or its bases, and a ClaimEquals precondition has exactly two Values (the claim, then the value).',
    description:
      'Precondition values are plain strings, so the upload accepts a misspelled claim id or swapped values, and the precondition then never matches: the step runs (or is skipped) for everyone (advanced#34: `<Value>mobile</Value><Value>extension_myattributee</Value>`). The first Value is "the identifier of a claim type … defined in the claims schema section in the policy file, or parent policy file"; for ClaimEquals "a second Value element contains the value to be checked". Checked in orchestration steps and validation technical profiles, against the policy that writes the precondition and its bases. A claim id that matches only ignoring case is reported as info.',
    source: 'upload-errors.md "Post-upload (runtime)" B2C-PRE-003; userjourneys.md "Preconditions"; advanced#34',
    examples: {
      bad: '<Precondition Type="ClaimEquals" ExecuteActionsIf="true">\n  <Value>localAccountAuthentication</Value>\n  <Value>authenticationSource</Value>\n  <Action>SkipThisOrchestrationStep</Action>\n</Precondition>',
      good: '<Precondition Type="ClaimEquals" ExecuteActionsIf="true">\n  <Value>authenticationSource</Value>\n  <Value>localAccountAuthentication</Value>\n  <Action>SkipThisOrchestrationStep</Action>\n</Precondition>',
    },
  },
  check({ set, report }) {
    for (const pc of preconditions(set)) {
      if (pc.type !== 'ClaimsExist' && pc.type !== 'ClaimEquals') continue;
      if (pc.type === 'ClaimEquals' && pc.values.length !== 2) {
        report({
          file: pc.policy,
          at: { element: pc.element, attribute: 'Type' },
          message: `A ClaimEquals precondition takes exactly two Values, the claim type and then the value to compare it with; this one has ${pc.values.length}.`,
        });
      }
      if (!pc.claim || isPlaceholderValue(pc.claim)) continue;
      const found = set.find('ClaimType', pc.claim, pc.policy);
      const at = { element: pc.values[0]!, text: true } as const;
      if (!found) {
        const second = pc.type === 'ClaimEquals' && pc.values[1] ? textOf(pc.values[1]) : '';
        const swapped = second !== '' && set.find('ClaimType', second, pc.policy) !== undefined;
        report({
          file: pc.policy,
          at,
          message: `${pc.type} precondition tests '${pc.claim}', which is not a claim type in this policy or its bases, so it never matches${swapped ? `. The second Value, '${second}', is a claim type: the Values look swapped (the claim comes first, then the value)` : `.${didYouMean(pc.claim, set.visibleIds('ClaimType', pc.policy))}`}`,
        });
      } else if (!found.exactCase) {
        report({
          file: pc.policy,
          at,
          severity: 'info',
          message: `${pc.type} precondition tests '${pc.claim}', but the claim type is '${found.element.attributes.Id}'; write the id as it is defined.`,
        });
      }
    }
  },
};
export default rule;
