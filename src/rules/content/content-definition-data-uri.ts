import { relyingPartyReach } from '../../policy/reach.js';
import type { PolicySet } from '../../policy/set.js';
import { formatVersion } from '../../totp/catalogue.js';
import { didYouMean } from '../../util/suggest.js';
import { isPlaceholderValue } from '../placeholder/patterns.js';
import type { Rule } from '../types.js';
import { dataUris, KNOWN_PAGES, needsContract, parseDataUri } from './page-versions.js';

const GRAMMAR = 'urn:com:microsoft:aad:b2c:elements:[contract:]<page>:<major>.<minor>.<patch>';

const rule: Rule = {
  meta: {
    id: 'CD-001',
    name: 'content-definition-data-uri',
    category: 'content',
    severity: 'error',
    summary:
      'A ContentDefinition DataUri is urn:com:microsoft:aad:b2c:elements:[contract:]<page>:<x.y.z> with a known page type; page versions 2.0.0 and later use the contract: form.',
    description:
      'The DataUri selects the page elements Azure AD B2C renders; the service looks the identifier up and rejects one it does not know. A 2.x page version exists only as a page contract, so `urn:com:microsoft:aad:b2c:elements:selfasserted:2.0.0` fails with "The element specified by id … cannot be found in the element factory cache" (MicrosoftDocs#47345). That is a run-time failure, when the page is shown, not an upload error: Microsoft\'s age-gating sample with such a DataUri is in the list its CI uploads (upload-semantics.md §1). So it is an error only for a content definition some relying party\'s journey shows (a step\'s ContentDefinitionReferenceId, the metadata of a profile it runs; src/policy/reach.ts; api.error always), and a warning elsewhere: a page nobody shows never fails. The fix is `…:elements:contract:selfasserted:2.0.0`. Page types: globalexception, providerselection (legacy idpselection), unifiedssp, unifiedssd, multifactor, selfasserted, claimsconsent. A DataUri holding a build placeholder ({Settings:…}) is left to ENV-001. A DataUri that is right apart from letter case is a warning: every documented identifier is lower-case, but whether the service tolerates case differences is not documented.',
    source: 'upload-errors.md §1 #26 (B2C-CD-001), corrected by upload-semantics.md §1 (run time); MicrosoftDocs#47345; totp-spec.md §3.2 (DataUri grammar), §9 TOTP-021; contentdefinitions.md "DataUri", "Select a page layout"; page-layout.md',
    examples: {
      bad: '<DataUri>urn:com:microsoft:aad:b2c:elements:selfasserted:2.1.14</DataUri>',
      good: '<DataUri>urn:com:microsoft:aad:b2c:elements:contract:selfasserted:2.1.14</DataUri>',
    },
  },
  check({ set, report }) {
    let shown: Set<string> | undefined;
    for (const d of dataUris(set)) {
      const at = { element: d.element, text: true } as const;
      const where = `DataUri of content definition '${d.contentDefinition}'`;
      if (d.value === '') {
        report({ file: d.policy, at, message: `The ${where} is empty; write ${GRAMMAR}.` });
        continue;
      }
      // A build token ({Settings:…}) is ENV-001's; the built value is checked when `build` lints its output.
      if (isPlaceholderValue(d.value)) continue;
      const parsed = parseDataUri(d.value);
      if (!parsed) {
        const lower = parseDataUri(d.value.toLowerCase());
        if (lower && KNOWN_PAGES.includes(lower.page)) {
          report({
            file: d.policy,
            at,
            severity: 'warning',
            message: `The ${where}, '${d.value}', differs from a page identifier only in letter case; every documented DataUri is lower-case, so write '${d.value.toLowerCase()}'.`,
          });
          continue;
        }
        report({ file: d.policy, at, message: `The ${where}, '${d.value}', is not a page identifier: expected ${GRAMMAR}${hint(d.value)}.` });
        continue;
      }
      if (!KNOWN_PAGES.includes(parsed.page)) {
        report({
          file: d.policy,
          at,
          message: `The ${where} names page type '${parsed.page}', which Azure AD B2C does not have (${KNOWN_PAGES.join(', ')}).${didYouMean(parsed.page, KNOWN_PAGES)}`,
        });
        continue;
      }
      if (!parsed.contract && needsContract(parsed.version)) {
        const fixed = d.value.replace('elements:', 'elements:contract:');
        shown ??= shownContentDefinitions(set);
        if (!shown.has(d.contentDefinition.toLowerCase())) {
          report({
            file: d.policy,
            at,
            severity: 'warning',
            message: `The ${where} selects ${parsed.page} ${formatVersion(parsed.version)} without 'contract:'; page versions 2.0.0 and later exist only as page contracts. No relying party in the set shows this page, but one that does fails at run time ("cannot be found in the element factory cache"). Write '${fixed}'.`,
          });
          continue;
        }
        report({
          file: d.policy,
          at,
          message: `The ${where} selects ${parsed.page} ${formatVersion(parsed.version)} without 'contract:'; page versions 2.0.0 and later exist only as page contracts, so the policy uploads but fails at run time when a page using it is shown ("cannot be found in the element factory cache"). Write '${fixed}'.`,
        });
      }
    }
  },
};

/** What is most likely wrong with a DataUri that does not parse. */
function hint(value: string): string {
  if (/\s/.test(value)) return ' (it contains white space)';
  if (!value.startsWith('urn:com:microsoft:aad:b2c:elements:')) return " (it must start with 'urn:com:microsoft:aad:b2c:elements:')";
  const version = value.slice(value.lastIndexOf(':') + 1);
  if (!/^\d+\.\d+\.\d+$/.test(version)) return ` (the version '${version}' must have three numeric parts, e.g. 2.1.14)`;
  return '';
}

/**
 * Content definitions (lower-cased) some relying party's journey shows (src/policy/reach.ts), and api.error,
 * which the service shows for errors without any reference to it.
 */
function shownContentDefinitions(set: PolicySet): Set<string> {
  const out = new Set<string>();
  const reach = relyingPartyReach(set);
  for (const r of reach) for (const id of r.contentDefinitions) out.add(id);
  if (reach.length > 0) out.add('api.error');
  return out;
}

export default rule;
