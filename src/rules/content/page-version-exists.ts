import { compareVersions, formatVersion, type PageVersion } from '../../totp/catalogue.js';
import type { Rule } from '../types.js';
import { dataUris, PAGE_ALIASES, PAGE_LAYOUT_AS_OF, parseDataUri, versionsOf } from './page-versions.js';

const rule: Rule = {
  meta: {
    id: 'CD-002',
    name: 'page-version-exists',
    category: 'content',
    severity: 'warning',
    summary: 'The page version in a ContentDefinition DataUri is one the page-layout history lists for that page type.',
    description:
      'Each page type has its own version history: unifiedssd, for example, has no 2.1.4 although the content-definition migration table suggests it, and the upload fails with "The specified page contract \'urn:com:microsoft:aad:b2c:elements:contract:unifiedssd\' has invalid version \'2.1.4\'. The available versions are: \'["1.0.0","1.2.0","1.2.1"]\'" (MicrosoftDocs#79214). The versions b2c-totp knows are kept as data (src/rules/content/page-versions.ts, from the page-layout change log). Microsoft publishes new versions without notice, so a version missing from that table is a warning, not an error: check the page-layout change log, and update the table when a newer version is confirmed.',
    source: 'upload-errors.md §1 #27 (B2C-CD-002); page-layout.md (ms.date 10/16/2023, and the later copy listing selfasserted 2.1.30); contentdefinitions.md "Migrating to page layout"',
    examples: {
      bad: '<DataUri>urn:com:microsoft:aad:b2c:elements:contract:unifiedssd:2.1.4</DataUri>',
      good: '<DataUri>urn:com:microsoft:aad:b2c:elements:contract:unifiedssd:1.2.4</DataUri>',
    },
  },
  check({ set, report }) {
    for (const d of dataUris(set)) {
      const parsed = parseDataUri(d.value);
      const known = parsed && versionsOf(parsed.page);
      if (!parsed || !known) continue; // CD-001's findings
      const version = formatVersion(parsed.version);
      if (known.includes(version)) continue;
      const alias = PAGE_ALIASES[parsed.page];
      const history = alias ?? parsed.page;
      const below = known.filter((v) => compareVersions(parseVersion(v), parsed.version) < 0).at(-1);
      const above = known.find((v) => compareVersions(parseVersion(v), parsed.version) > 0);
      const newest = known[known.length - 1]!;
      const near = above ? `the nearest known ${history} versions are ${below ? `${below} and ` : ''}${above}` : `the newest known ${history} version is ${newest}`;
      report({
        file: d.policy,
        at: { element: d.element, text: true },
        message: `The DataUri of content definition '${d.contentDefinition}' selects ${parsed.page} ${version}, which is not in the page-layout history known to b2c-totp (as of ${PAGE_LAYOUT_AS_OF})${alias ? `; ${parsed.page} is the legacy name of ${alias}` : ''}: ${near}. A version that does not exist fails the upload ("has invalid version"); if Microsoft has released this one since, ignore this warning.`,
      });
    }
  },
};

function parseVersion(v: string): PageVersion {
  const [a, b, c] = v.split('.').map(Number);
  return [a!, b!, c!];
}

export default rule;
