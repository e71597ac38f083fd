import type { XmlElement } from '../../xml/nodes.js';
import { relyingPartyReach } from '../../policy/reach.js';
import type { Policy } from '../../policy/policy.js';
import type { PolicySet } from '../../policy/set.js';
import { formatVersion } from '../../totp/catalogue.js';
import { child, textOf } from '../../xml/element.js';
import { isPlaceholderValue } from '../placeholder/patterns.js';
import type { Rule } from '../types.js';
import { parseDataUri, versionsOf } from './page-versions.js';

const MESSAGE = 'Please use page contract in content definitions when enabling JavaScript.';

/** The RelyingParty's ScriptExecution element when it says Allow. */
function scriptExecution(p: Policy): XmlElement | undefined {
  const el = child(child(p.relyingParty, 'UserJourneyBehaviors'), 'ScriptExecution');
  return el && textOf(el) === 'Allow' ? el : undefined;
}

interface Offender {
  policy: Policy;
  contentDefinition: string;
  value: string;
  /** Relying parties whose journeys show it. */
  shownBy: string[];
  /** Relying parties that only see it in their chain. */
  visibleTo: string[];
}

const rule: Rule = {
  meta: {
    id: 'CD-003',
    name: 'script-execution-needs-contract',
    category: 'content',
    severity: 'error',
    summary:
      'When a relying party sets UserJourneyBehaviors/ScriptExecution to Allow, the content definitions its journeys show use a page-contract DataUri (…:elements:contract:<page>:<version>); other content definitions of its chain get a warning.',
    description:
      'JavaScript runs only on page-contract layouts, and the upload of a relying party that enables it while a content definition still uses an old non-contract DataUri fails with "Please use page contract in content definitions when enabling JavaScript." (MicrosoftDocs#45105). The content definitions traced are those the relying party\'s DefaultUserJourney and Endpoint journeys show, sub-journeys included: each orchestration step\'s ContentDefinitionReferenceId and the ContentDefinitionReferenceId metadata of the technical profiles they reach (claims exchanges, validation and display-control profiles; src/policy/reach.ts, the walk the per-relying-party rules share). A non-contract one of those is an error. Microsoft\'s JavaScript guidance asks for a page contract on all content definitions of the policy, and whether the service also checks the ones no journey shows (api.error, for example, is used without a reference) is not documented, so a non-contract DataUri elsewhere in the chain is a warning. The finding points at the DataUri as the chain writes it last. A DataUri that is not a page identifier at all, or holds a build token, is left to CD-001 and ENV-001.',
    source: 'upload-errors.md §1 #28 (B2C-CD-003); javascript-and-page-layout.md "Enable JavaScript", "Select a page layout"; contentdefinitions.md "DataUri"',
    examples: {
      bad: '<UserJourneyBehaviors>\n  <ScriptExecution>Allow</ScriptExecution>\n</UserJourneyBehaviors>\n...\n<DataUri>urn:com:microsoft:aad:b2c:elements:selfasserted:1.1.0</DataUri>',
      good: '<DataUri>urn:com:microsoft:aad:b2c:elements:contract:selfasserted:2.1.26</DataUri>',
    },
  },
  check({ set, report }) {
    const offenders = new Map<XmlElement, Offender>();
    for (const { rp, contentDefinitions: shown } of relyingPartyReach(set)) {
      if (!scriptExecution(rp)) continue;
      const name = rp.policyId ?? rp.path;
      const seen = new Set<string>();
      for (const id of set.visibleIds('ContentDefinition', rp)) {
        const key = id.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        const d = lastDataUri(set, rp, id);
        if (!d || isPlaceholderValue(d.value)) continue;
        const parsed = parseDataUri(d.value);
        if (!parsed || parsed.contract) continue; // not a page identifier: CD-001's
        let o = offenders.get(d.element);
        if (!o) offenders.set(d.element, (o = { policy: d.policy, contentDefinition: d.contentDefinition, value: d.value, shownBy: [], visibleTo: [] }));
        (shown.has(key) ? o.shownBy : o.visibleTo).push(name);
      }
    }
    for (const [element, o] of offenders) {
      const parsed = parseDataUri(o.value)!;
      const version = formatVersion(parsed.version);
      const fix = versionsOf(parsed.page)?.includes(version) ? ` such as '${o.value.replace('elements:', 'elements:contract:')}'` : '';
      const where = `content definition '${o.contentDefinition}'`;
      if (o.shownBy.length > 0) {
        report({
          file: o.policy,
          at: { element, text: true },
          message: `ScriptExecution is Allow in ${list(o.shownBy)}, whose journeys show ${where}, but its DataUri '${o.value}' is not a page contract; the upload fails ("${MESSAGE}"). Use a contract: DataUri${fix}.`,
        });
      } else {
        report({
          file: o.policy,
          at: { element, text: true },
          severity: 'warning',
          message: `ScriptExecution is Allow in ${list(o.visibleTo)}; no journey of it shows ${where}, but its DataUri '${o.value}' is not a page contract, and JavaScript needs page contracts on all content definitions of the policy. Use a contract: DataUri${fix}.`,
        });
      }
    }
  },
};

/** The DataUri a content definition ends up with as `from` sees it: the most-derived layer that writes one. */
function lastDataUri(set: PolicySet, from: Policy, id: string): { element: XmlElement; policy: Policy; value: string; contentDefinition: string } | undefined {
  const layers = set.layers('ContentDefinition', id, from);
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    const el = child(l.element, 'DataUri');
    if (el) return { element: el, policy: l.policy, value: textOf(el), contentDefinition: l.element.attributes.Id ?? id };
  }
  return undefined;
}

function list(names: string[]): string {
  const unique = [...new Set(names)];
  return unique.length === 1 ? unique[0]! : `${unique.slice(0, -1).join(', ')} and ${unique.at(-1)!}`;
}

export default rule;
