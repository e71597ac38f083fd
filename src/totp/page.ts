import type { MetadataItem } from '../policy/effective.js';
import type { Policy } from '../policy/policy.js';
import type { PolicySet } from '../policy/set.js';
import { contentDefinitionDataUri, finalTechnicalProfiles, isSelfAsserted, totpControlsShown, usesTotpControls } from './azuremfa.js';
import { DATA_URI, type PageVersion, PROVIDER_CLASS, selfAssertedVersion } from './catalogue.js';

export interface TotpPage {
  tpId: string;
  policy: Policy;
  /** The ContentDefinitionReferenceId metadata item. */
  item: MetadataItem;
  contentDefinition: string;
  dataUri: string;
  /** The selfasserted page version, or undefined when the DataUri names another page. */
  version: PageVersion | undefined;
  /** The page id in the DataUri (selfasserted, unifiedssp, ...), when it parses. */
  page: string | undefined;
  controls: string[];
}

/** Self-asserted TPs that show TOTP display controls, with the page contract their content definition uses. */
export function totpPages(set: PolicySet): TotpPage[] {
  const out: TotpPage[] = [];
  if (!usesTotpControls(set)) return out;
  for (const f of finalTechnicalProfiles(set, PROVIDER_CLASS.selfAsserted)) {
    if (!isSelfAsserted(f.tp)) continue;
    const controls = totpControlsShown(set, f.policy, f.tp);
    if (controls.length === 0) continue;
    const item = f.tp.metadata.get('ContentDefinitionReferenceId');
    if (!item?.value) continue;
    const uri = contentDefinitionDataUri(set, f.policy, item.value);
    if (!uri) continue;
    out.push({
      tpId: f.tp.id,
      policy: f.policy,
      item,
      contentDefinition: item.value,
      dataUri: uri.value,
      version: selfAssertedVersion(uri.value),
      page: DATA_URI.exec(uri.value)?.[2],
      controls: controls.map((c) => c.id),
    });
  }
  return out;
}
