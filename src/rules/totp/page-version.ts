import { compareVersions, formatVersion, SELFASSERTED_PAGE } from '../../totp/catalogue.js';
import { totpPages } from '../../totp/page.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-019',
    name: 'totp-page-minimum-version',
    category: 'totp',
    severity: 'error',
    summary:
      'A self-asserted TP showing a QrCodeControl, AuthenticatorInfoControl or AuthenticatorAppIconControl uses a content definition whose DataUri is the selfasserted page at 2.1.9 or later (another page type: warning).',
    description:
      'The TOTP display controls exist from selfasserted page version 2.1.9; an older page contract cannot render them. The starter pack\'s own selfasserted content definitions pin 2.1.7, which is why the TOTP sample adds api.selfasserted.totp.',
    source: 'totp-spec.md §3.2 (D-DC prerequisites, D-PL 2.1.9), §9 TOTP-019; upload-errors.md §2 T4',
    examples: {
      bad: '<Item Key="ContentDefinitionReferenceId">api.selfasserted</Item>  (…:contract:selfasserted:2.1.7)',
      good: '<Item Key="ContentDefinitionReferenceId">api.selfasserted.totp</Item>  (…:contract:selfasserted:2.1.14 or later)',
    },
  },
  check({ set, report }) {
    const min = SELFASSERTED_PAGE.minimum;
    for (const page of totpPages(set)) {
      const at = { element: page.item.element, text: true } as const;
      const what = `'${page.tpId}' shows TOTP display control${page.controls.length > 1 ? 's' : ''} ${page.controls.map((c) => `'${c}'`).join(', ')}`;
      if (page.version && compareVersions(page.version, min) < 0) {
        report({
          file: page.item.policy,
          at,
          message: `${what}, but content definition '${page.contentDefinition}' uses selfasserted ${formatVersion(page.version)}; TOTP controls need ${formatVersion(min)} or later, so point it to a content definition with …:contract:selfasserted:${formatVersion(SELFASSERTED_PAGE.recommended)} or newer.`,
        });
      } else if (!page.version && page.page !== undefined && page.page !== 'selfasserted') {
        report({
          file: page.item.policy,
          severity: 'warning',
          at,
          message: `${what}, but content definition '${page.contentDefinition}' is a '${page.page}' page; TOTP controls need the selfasserted page at ${formatVersion(min)} or later.`,
        });
      }
    }
  },
};
export default rule;
