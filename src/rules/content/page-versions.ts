import type { XmlElement } from '../../xml/nodes.js';
import type { Policy } from '../../policy/policy.js';
import type { PolicySet } from '../../policy/set.js';
import { compareVersions, DATA_URI, type PageVersion } from '../../totp/catalogue.js';
import { children, textOf } from '../../xml/element.js';

/**
 * Page types a ContentDefinition DataUri can name, and the page-layout versions Microsoft documents for each, as data.
 *
 * Sources (Microsoft Learn, read through the stored MicrosoftDocs/azure-docs copies):
 * - page-layout.md "Page layout versions", ms.date 10/16/2023: the change log per page type (selfasserted,
 *   unifiedssp, multifactor, globalexception, and "Other pages (ProviderSelection, ClaimsConsent, UnifiedSSD)"), and the
 *   jQuery/Handlebars table, which names selfasserted 2.1.11 although the change log skips from 2.1.10 to 2.1.14.
 * - The later learn.microsoft.com copy of the same page (with the May 2025 end-of-sale banner) adds selfasserted
 *   2.1.30 right after 2.1.26.
 * - contentdefinitions.md "DataUri" (page identifiers; `idpselection` is the legacy name of `providerselection`) and
 *   "Migrating to page layout" (the legacy 1.0.0/1.1.0 identifiers without `contract:`), plus the older localized
 *   copies of that table, which also list `claimsconsent:1.0.0`.
 * - MicrosoftDocs#79214: the service answers `contract:unifiedssd` at 2.1.4 with 'The available versions are:
 *   ["1.0.0","1.2.0","1.2.1"]', although the migration table suggests 2.1.4 (the table is wrong for unifiedssd).
 *
 * New versions appear without notice, so a version missing here is only a warning (CD-002).
 */
export const PAGE_LAYOUT_AS_OF = '2023-10-16';

function range(major: number, minor: number, from: number, to: number): string[] {
  const out: string[] = [];
  for (let patch = from; patch <= to; patch++) out.push(`${major}.${minor}.${patch}`);
  return out;
}

/** The "Other pages" section: one history for provider selection, claims consent and unifiedssd. */
const OTHER_PAGES = ['1.0.0', ...range(1, 2, 0, 4)];

export const PAGE_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  selfasserted: ['1.0.0', '1.1.0', '1.2.0', '2.0.0', ...range(2, 1, 0, 11), ...range(2, 1, 14, 26), '2.1.30'],
  unifiedssp: ['1.0.0', '1.1.0', '1.2.0', ...range(2, 1, 0, 14)],
  multifactor: ['1.0.0', '1.1.0', ...range(1, 2, 0, 12)],
  globalexception: ['1.0.0', '1.1.0', ...range(1, 2, 0, 5)],
  providerselection: OTHER_PAGES,
  claimsconsent: OTHER_PAGES,
  unifiedssd: OTHER_PAGES,
};

/** Legacy page ids and the page whose history they share. */
export const PAGE_ALIASES: Readonly<Record<string, string>> = { idpselection: 'providerselection' };

/** Every page id a DataUri may name. */
export const KNOWN_PAGES: readonly string[] = [...Object.keys(PAGE_VERSIONS), ...Object.keys(PAGE_ALIASES)];

/** Page versions from this major version on exist only as page contracts (upload-errors #26, MicrosoftDocs#47345). */
export const CONTRACT_ONLY_FROM: PageVersion = [2, 0, 0];

/** Parses `urn:com:microsoft:aad:b2c:elements:[contract:]<page>:<x.y.z>` (totp-spec §3.2, catalogue DATA_URI). */
export interface ParsedDataUri {
  contract: boolean;
  page: string;
  version: PageVersion;
}

export function parseDataUri(value: string): ParsedDataUri | undefined {
  const m = DATA_URI.exec(value);
  if (!m) return undefined;
  return { contract: m[1] !== undefined, page: m[2]!, version: [Number(m[3]), Number(m[4]), Number(m[5])] };
}

/** The documented versions of a page (aliases resolved), or undefined for an unknown page. */
export function versionsOf(page: string): readonly string[] | undefined {
  const key = PAGE_ALIASES[page] ?? page;
  return Object.hasOwn(PAGE_VERSIONS, key) ? PAGE_VERSIONS[key] : undefined;
}

export function needsContract(version: PageVersion): boolean {
  return compareVersions(version, CONTRACT_ONLY_FROM) >= 0;
}

/** One ContentDefinition's DataUri element, in the policy that writes it. */
export interface DataUriElement {
  policy: Policy;
  contentDefinition: string;
  element: XmlElement;
  /** Trimmed text. */
  value: string;
}

/** Every ContentDefinition DataUri written in the set (an override that leaves DataUri out has none). */
export function dataUris(set: PolicySet): DataUriElement[] {
  const out: DataUriElement[] = [];
  for (const policy of set.policies) {
    for (const cd of policy.definitions('ContentDefinition')) {
      for (const element of children(cd, 'DataUri')) {
        out.push({ policy, contentDefinition: cd.attributes.Id ?? '', element, value: textOf(element) });
      }
    }
  }
  return out;
}
