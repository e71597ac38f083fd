import { compareVersions, formatVersion, SELFASSERTED_PAGE } from '../../totp/catalogue.js';
import { totpPages } from '../../totp/page.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-020',
    name: 'totp-page-recommended-version',
    category: 'totp',
    severity: 'warning',
    summary: 'A self-asserted TP showing TOTP display controls uses selfasserted page version 2.1.14 or later.',
    description:
      'The MFA doc tells custom-policy users to update the page layout to 2.1.14 for TOTP; later versions fix accessibility on the TOTP screens (2.1.14) and QR codes for long issuer or account names (2.1.15), which the sample\'s 2.1.9 still breaks on.',
    source: 'totp-spec.md §3.2 (D-MFA, D-PL), §9 TOTP-020; upload-errors.md §2 T4',
    examples: {
      bad: '<DataUri>urn:com:microsoft:aad:b2c:elements:contract:selfasserted:2.1.9</DataUri>',
      good: '<DataUri>urn:com:microsoft:aad:b2c:elements:contract:selfasserted:2.1.26</DataUri>',
    },
  },
  check({ set, report }) {
    const { minimum, recommended } = SELFASSERTED_PAGE;
    for (const page of totpPages(set)) {
      if (!page.version || compareVersions(page.version, minimum) < 0 || compareVersions(page.version, recommended) >= 0) continue;
      report({
        file: page.item.policy,
        at: { element: page.item.element, text: true },
        message: `'${page.tpId}' shows TOTP display controls on content definition '${page.contentDefinition}' at selfasserted ${formatVersion(page.version)}; update its DataUri to ${formatVersion(recommended)} or later (QR and accessibility fixes).`,
      });
    }
  },
};
export default rule;
