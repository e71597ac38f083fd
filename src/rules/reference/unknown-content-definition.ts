import { unresolvedReferenceRule } from './factory.js';

export default unresolvedReferenceRule(
  {
    id: 'REF-004',
    name: 'unknown-content-definition',
    category: 'reference',
    severity: 'error',
    summary: 'Every ContentDefinitionReferenceId (orchestration-step attribute or technical-profile metadata item) names a ContentDefinition in the policy or its bases.',
    description:
      'A missing content definition is rejected on upload ("api.signuporsigninsam" missing, MicrosoftDocs#63198); self-asserted profiles cannot render without one.',
    source: 'upload-errors.md §1 #13; totp-spec.md §9 TOTP-022',
    examples: {
      bad: `<Item Key="ContentDefinitionReferenceId">api.selfasserted.totp</Item>  <!-- not defined anywhere -->`,
      good: `<Item Key="ContentDefinitionReferenceId">api.selfasserted</Item>`,
    },
  },
  'ContentDefinition',
);
