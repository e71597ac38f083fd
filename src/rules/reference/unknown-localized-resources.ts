import { unresolvedReferenceRule } from './factory.js';

export default unresolvedReferenceRule(
  {
    id: 'REF-006',
    name: 'unknown-localized-resources',
    category: 'reference',
    severity: 'error',
    summary: 'Every LocalizedResourcesReference names LocalizedResources defined in the policy or its bases.',
    description:
      'The upload rejects a content definition whose LocalizedResourcesReferenceId does not exist.',
    source: 'upload-errors.md §1 #13; totp-spec.md §9 TOTP-022',
    examples: {
      bad: `<LocalizedResourcesReference Language="en" LocalizedResourcesReferenceId="api.selfasserted.totp.eng" />`,
      good: `<LocalizedResourcesReference Language="en" LocalizedResourcesReferenceId="api.selfasserted.totp.en" />`,
    },
  },
  'LocalizedResources',
);
