import type { Located } from '../../policy/effective.js';
import { reachedProfileIds, relyingPartyReach } from '../../policy/reach.js';
import { didYouMean } from '../../util/suggest.js';
import { child, children, textOf } from '../../xml/element.js';
import type { XmlElement } from '../../xml/nodes.js';
import type { Rule } from '../types.js';
import { unresolvedReferenceRule } from './factory.js';

/** A technical profile's metadata item, not an orchestration step attribute. */
const isMetadata = (ref: { element: XmlElement }) => ref.element.name === 'Item';

const upward = unresolvedReferenceRule(
  {
    id: 'REF-004',
    name: 'unknown-content-definition',
    category: 'reference',
    severity: 'error',
    summary:
      "An orchestration step's ContentDefinitionReferenceId names a ContentDefinition in the policy or its bases; a technical profile's metadata ContentDefinitionReferenceId names one in the chain of each relying party whose journey runs the profile.",
    description:
      'A page whose content definition does not exist cannot render: when a journey reaches it, it fails at run time (azure-ad-b2c/samples#605: "A content definition data uri is required ... does not reference one nor does one of its referenced technical profiles", a PolicyException). The MicrosoftDocs issue once cited for an upload error here (#63198, "api.signuporsigninsam" missing) could not be found, and the troubleshoot article\'s reference errors name claim types, transformations, technical profiles, journeys and display controls, not content definitions. The two kinds resolve differently. A step attribute resolves upward from the policy that holds the journey, like the other references of a journey. A technical profile\'s metadata value is resolved in the chain of the relying party that runs the profile, not upward from the file holding the profile: the live woodgrove demo\'s Base names content definitions that only its child ext_Localization policy defines, and the Nevis partner sample does the same (upload-semantics.md §1). So each relying party\'s journey is walked (steps, sub-journeys, validation profiles, display-control actions; src/policy/reach.ts) and a metadata value its chain does not define is reported once at the relying party\'s DefaultUserJourney, with the item as a related location. A metadata value in a profile no relying party of the set runs is a warning, and only when no policy of the set at or below the profile\'s file defines it.',
    source: 'azure-ad-b2c/samples#605 (run-time PolicyException without a content definition); upload-semantics.md §1 (woodgrove ext_Localization, Nevis sample); totp-spec.md §9 TOTP-022; the upload-error citation MicrosoftDocs#63198 (upload-errors.md §1 #13) could not be found',
    examples: {
      bad: `<Item Key="ContentDefinitionReferenceId">api.selfasserted.totp</Item>  <!-- not defined anywhere -->`,
      good: `<Item Key="ContentDefinitionReferenceId">api.selfasserted</Item>`,
    },
  },
  'ContentDefinition',
  isMetadata,
);

const rule: Rule = {
  meta: upward.meta,
  check(ctx) {
    upward.check(ctx);
    const { set, report } = ctx;
    const judged = new Set<XmlElement>();
    for (const r of relyingPartyReach(set)) {
      const missing: Array<{ tpId: string; path: string; item: Located; value: string }> = [];
      for (const reached of r.profiles.values()) {
        const item = reached.tp.metadata.get('ContentDefinitionReferenceId');
        if (!item) continue;
        judged.add(item.element);
        if (item.value === '' || set.find('ContentDefinition', item.value, r.rp)) continue;
        missing.push({ tpId: reached.tp.id, path: reached.path, item, value: item.value });
      }
      if (missing.length === 0) continue;
      const visible = set.visibleIds('ContentDefinition', r.rp);
      report({
        file: r.rp,
        at: { element: r.at },
        message: `Relying party ${r.rp.policyId ?? r.rp.path} runs ${missing.map((m) => `technical profile '${m.tpId}' whose metadata ContentDefinitionReferenceId '${m.value}'`).join(', ')} names no content definition in its chain; the journey fails at run time when it shows that page ("A content definition data uri is required").${didYouMean(missing[0]!.value, visible)}`,
        related: missing.map((m) => ({ file: m.item.policy, at: { element: m.item.element, text: true }, message: `'${m.value}' named here by '${m.tpId}' (${m.path})` })),
      });
    }
    const reached = reachedProfileIds(set);
    for (const p of set.policies) {
      if (!set.isComplete(p)) continue;
      const below = set.policies.filter((q) => set.isComplete(q) && set.chain(q).includes(p));
      for (const tp of p.technicalProfiles()) {
        const tpId = tp.attributes.Id ?? '';
        if (reached.has(tpId.toLowerCase())) continue; // judged in every relying party that runs it, as it merges
        for (const item of children(child(tp, 'Metadata'), 'Item')) {
          const id = item.attributes.Key === 'ContentDefinitionReferenceId' ? textOf(item) : '';
          if (!id || judged.has(item) || below.some((q) => set.find('ContentDefinition', id, q))) continue;
          report({
            file: p,
            severity: 'warning',
            at: { element: item, text: true },
            message: `metadata ContentDefinitionReferenceId '${id}' of technical profile '${tpId}': no policy at or below this one defines a content definition with this Id; no relying party in the set runs the profile, but one that does fails at run time when it shows the page.${didYouMean(id, set.visibleIds('ContentDefinition', p))}`,
          });
        }
      }
    }
  },
};
export default rule;
