import { unresolvedReferenceRule } from './factory.js';

export default unresolvedReferenceRule(
  {
    id: 'REF-005',
    name: 'unknown-display-control',
    category: 'reference',
    severity: 'error',
    summary: 'Every DisplayClaim DisplayControlReferenceId names a DisplayControl defined in the policy or its bases.',
    description:
      'The upload rejects a reference to a display control that does not exist; TOTP pages reference three display controls that must be copied along with the profiles.',
    source: 'upload-errors.md §1 #13; totp-spec.md §3.1',
    examples: {
      bad: `<DisplayClaim DisplayControlReferenceId="totpQrCode" />`,
      good: `<DisplayClaim DisplayControlReferenceId="totpQrCodeControl" />`,
    },
  },
  'DisplayControl',
);
