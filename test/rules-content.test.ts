import { describe, expect, it } from 'vitest';
import { cleanSets } from './helpers/clean-sets.js';
import { KNOWN_PAGES, PAGE_VERSIONS, parseDataUri, versionsOf } from '../src/rules/content/page-versions.js';
import { PAGE_IDS, SELFASSERTED_PAGE, formatVersion } from '../src/totp/catalogue.js';
import { expectFindings, type Files, lintFiles, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared } from './helpers/shared.js';

// Literal positions in the pinned starter pack: in SocialAndLocalAccounts/TrustFrameworkBase.xml the DataUri of
// api.error is line 408, api.signuporsignin's line 437, api.selfasserted's line 446 and api.localaccountsignin's line
// 491. DataUri elements are indented 8 spaces, so their text starts at column 18.
const BASE = 'TrustFrameworkBase.xml';
const OURS = ['CD-001', 'CD-002'];
const URN = 'urn:com:microsoft:aad:b2c:elements:';

/** Replaces the DataUri text of one content definition in the base. */
function withDataUri(contentDefinition: string, value: string, flavour = 'SocialAndLocalAccounts'): Files {
  const files = readFlavour(flavour);
  const text = files[BASE]!;
  const start = text.indexOf(`<ContentDefinition Id="${contentDefinition}">`);
  const open = text.indexOf('<DataUri>', start);
  const close = text.indexOf('</DataUri>', open);
  return seed(files, BASE, text.slice(start, close + '</DataUri>'.length), `${text.slice(start, open)}<DataUri>${value}</DataUri>`);
}


describe('page-version table (src/rules/content/page-versions.ts)', () => {
  it('knows every page id of the catalogue, plus claimsconsent', () => {
    for (const page of PAGE_IDS) expect(KNOWN_PAGES, page).toContain(page);
    expect(KNOWN_PAGES).toContain('claimsconsent');
  });

  it('lists each history in ascending order without duplicates', () => {
    for (const [page, versions] of Object.entries(PAGE_VERSIONS)) {
      const parsed = versions.map((v) => v.split('.').map(Number));
      for (let i = 1; i < parsed.length; i++) {
        const [a, b] = [parsed[i - 1]!, parsed[i]!];
        expect(a[0]! * 1e6 + a[1]! * 1e3 + a[2]! < b[0]! * 1e6 + b[1]! * 1e3 + b[2]!, `${page} ${versions[i]}`).toBe(true);
      }
    }
  });

  it('has the versions the TOTP generator and catalogue rely on', () => {
    const selfasserted = versionsOf('selfasserted')!;
    for (const v of [SELFASSERTED_PAGE.minimum, SELFASSERTED_PAGE.recommended, SELFASSERTED_PAGE.latestKnown]) expect(selfasserted).toContain(formatVersion(v));
    expect(versionsOf('idpselection')).toBe(versionsOf('providerselection'));
    expect(versionsOf('unifiedssd')).not.toContain('2.1.4');
    expect(versionsOf('nosuchpage')).toBeUndefined();
    expect(parseDataUri(`${URN}contract:selfasserted:2.1.14`)).toEqual({ contract: true, page: 'selfasserted', version: [2, 1, 14] });
    expect(parseDataUri(`${URN}selfasserted:1.1.0`)).toEqual({ contract: false, page: 'selfasserted', version: [1, 1, 0] });
    expect(parseDataUri(`${URN}contract:selfasserted:2.1`)).toBeUndefined();
  });
});

describeShared('content-definition rules: clean sets give no findings', () => {
  for (const [name, files] of cleanSets()) {
    it(`${name}: no CD-001 or CD-002 findings`, () => {
      expect(lintFiles(files()).filter((d) => OURS.includes(d.ruleId))).toEqual([]);
    });
  }
});

describeShared('CD-001 content-definition-data-uri', () => {
  it('a 2.x page version without contract: (MicrosoftDocs#47345), on a page a relying party shows: fails at run time', () => {
    // api.localaccountsignup: the local sign-up page (LocalAccountSignUpWithLogonEmail metadata), run by SignUpOrSignIn.
    const files = withDataUri('api.localaccountsignup', `${URN}selfasserted:2.1.7`);
    expectFindings(lintFiles(files, 'CD-001'), 'CD-001', [
      {
        file: BASE,
        line: 464,
        column: 18,
        severity: 'error',
        message: `The DataUri of content definition 'api.localaccountsignup' selects selfasserted 2.1.7 without 'contract:'; page versions 2.0.0 and later exist only as page contracts, so the policy uploads but fails at run time when a page using it is shown ("cannot be found in the element factory cache"). Write '${URN}contract:selfasserted:2.1.7'.`,
      },
    ]);
  });

  it('the same DataUri on a page no relying party shows is a warning (api.selfasserted: nothing in the pack names it)', () => {
    // Was an error: the failure is at run time (upload-semantics.md §1), and a page nobody shows never fails.
    const files = withDataUri('api.selfasserted', `${URN}selfasserted:2.1.7`);
    expectFindings(lintFiles(files, 'CD-001'), 'CD-001', [
      { file: BASE, line: 446, column: 18, severity: 'warning', message: 'No relying party in the set shows this page, but one that does fails at run time' },
    ]);
  });

  it('the legacy 1.x identifiers without contract: are fine', () => {
    expectFindings(lintFiles(withDataUri('api.selfasserted', `${URN}selfasserted:1.1.0`)), 'CD-001', []);
    expectFindings(lintFiles(withDataUri('api.idpselections', `${URN}idpselection:1.0.0`)), 'CD-001', []);
    expectFindings(lintFiles(withDataUri('api.idpselections', `${URN}idpselection:1.0.0`)), 'CD-002', []);
  });

  it('an unknown page type, with a suggestion', () => {
    const files = withDataUri('api.localaccountsignin', `${URN}contract:selfassert:2.1.7`);
    expectFindings(lintFiles(files, 'CD-001'), 'CD-001', [{ file: BASE, line: 491, column: 18, severity: 'error', message: "names page type 'selfassert', which Azure AD B2C does not have" }]);
    expect(lintFiles(files, 'CD-001')[0]!.message).toContain("Did you mean 'selfasserted'?");
  });

  it('not a page identifier at all', () => {
    const twoPart = withDataUri('api.signuporsignin', `${URN}contract:unifiedssp:2.1`);
    expectFindings(lintFiles(twoPart, 'CD-001'), 'CD-001', [{ file: BASE, line: 437, column: 18, severity: 'error', message: "the version '2.1' must have three numeric parts" }]);
    const page = withDataUri('api.signuporsignin', '~/tenant/templates/AzureBlue/unified.cshtml');
    expectFindings(lintFiles(page, 'CD-001'), 'CD-001', [{ file: BASE, line: 437, column: 18, message: "it must start with 'urn:com:microsoft:aad:b2c:elements:'" }]);
    const empty = withDataUri('api.signuporsignin', '');
    // An empty element has no text: the finding points at the element name, right after '<'.
    expectFindings(lintFiles(empty, 'CD-001'), 'CD-001', [{ file: BASE, line: 437, column: 10, message: "The DataUri of content definition 'api.signuporsignin' is empty" }]);
  });

  it('letter case only: a warning', () => {
    const files = withDataUri('api.error', `${URN}contract:GlobalException:1.2.1`);
    expectFindings(lintFiles(files, 'CD-001'), 'CD-001', [{ file: BASE, line: 408, column: 18, severity: 'warning', message: `write '${URN}contract:globalexception:1.2.1'` }]);
  });

  it('a build placeholder is left to ENV-001', () => {
    const files = withDataUri('api.error', '{Settings:ErrorPageDataUri}');
    expectFindings(lintFiles(files, 'CD-001'), 'CD-001', []);
    const env = lintFiles(files, 'ENV-001').filter((d) => d.file === BASE && d.line === 408);
    expectFindings(env, 'ENV-001', [{ file: BASE, line: 408, column: 18, message: "Placeholder '{Settings:ErrorPageDataUri}'" }]);
  });

  it('claimsconsent is a page type', () => {
    const files = withDataUri('api.error', `${URN}contract:claimsconsent:1.2.4`);
    expect(lintFiles(files).filter((d) => OURS.includes(d.ruleId))).toEqual([]);
  });
});

describeShared('CD-002 page-version-exists', () => {
  it('a version the page type does not have (MicrosoftDocs#79214: unifiedssd 2.1.4)', () => {
    const files = withDataUri('api.signuporsignin', `${URN}contract:unifiedssd:2.1.4`);
    const d = lintFiles(files);
    expectFindings(d, 'CD-002', [
      {
        file: BASE,
        line: 437,
        column: 18,
        severity: 'warning',
        message: "The DataUri of content definition 'api.signuporsignin' selects unifiedssd 2.1.4, which is not in the page-layout history known to b2c-totp (as of 2023-10-16): the newest known unifiedssd version is 1.2.4.",
      },
    ]);
    expectFindings(d, 'CD-001', []);
  });

  it('a gap in the change log names the neighbours; a version newer than all names the newest', () => {
    const gap = lintFiles(withDataUri('api.selfasserted', `${URN}contract:selfasserted:2.1.12`), 'CD-002');
    expectFindings(gap, 'CD-002', [{ file: BASE, line: 446, column: 18, message: 'the nearest known selfasserted versions are 2.1.11 and 2.1.14.' }]);
    const newer = lintFiles(withDataUri('api.selfasserted', `${URN}contract:selfasserted:2.1.31`), 'CD-002');
    expectFindings(newer, 'CD-002', [{ file: BASE, line: 446, column: 18, message: 'the newest known selfasserted version is 2.1.30.' }]);
    const legacy = lintFiles(withDataUri('api.idpselections', `${URN}contract:idpselection:1.2.9`), 'CD-002');
    expectFindings(legacy, 'CD-002', [{ file: BASE, line: 417, column: 18, message: 'idpselection is the legacy name of providerselection: the newest known providerselection version is 1.2.4.' }]);
  });

  it('a 2.x version without contract: that exists is CD-001 only; one that does not exist is both', () => {
    const exists = lintFiles(withDataUri('api.selfasserted', `${URN}selfasserted:2.1.7`));
    expectFindings(exists, 'CD-002', []);
    const missing = lintFiles(withDataUri('api.selfasserted', `${URN}selfasserted:2.5.0`));
    expectFindings(missing, 'CD-001', [{ file: BASE, line: 446, column: 18 }]);
    expectFindings(missing, 'CD-002', [{ file: BASE, line: 446, column: 18 }]);
  });

  it('every version in the table is accepted', () => {
    for (const [page, versions] of Object.entries(PAGE_VERSIONS)) {
      for (const v of versions) {
        const files = withDataUri('api.error', `${URN}contract:${page}:${v}`);
        expect([...lintFiles(files, 'CD-001'), ...lintFiles(files, 'CD-002')], `${page} ${v}`).toEqual([]);
      }
    }
  });
});
