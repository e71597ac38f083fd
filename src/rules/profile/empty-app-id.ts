import type { XmlElement } from '../../xml/nodes.js';
import type { MetadataItem } from '../../policy/effective.js';
import { type ReachedProfile, reachedProfileIds, relyingPartyReach } from '../../policy/reach.js';
import { child, children, textOf } from '../../xml/element.js';
import type { Rule } from '../types.js';

/** Metadata keys that hold an application id and must not be empty, with what belongs in each. */
const APP_ID_KEYS: Readonly<Record<string, string>> = {
  client_id: 'the application (client) id it names: the ProxyIdentityExperienceFramework app id for login-NonInteractive, the identity provider app id for a social or OpenID Connect provider',
  IdTokenAudience: 'the IdentityExperienceFramework application id',
  resource_id: 'the IdentityExperienceFramework application id',
  ClientId: 'the application (client) id of b2c-extensions-app',
  ApplicationObjectId: 'the object id of b2c-extensions-app',
};

/**
 * An Item with one of the keys and no text (white space, comments and empty CDATA only), as written in the file. A native
 * regex over the text skips the element walk for the files (nearly all) that have none.
 */
const EMPTY_ITEM = new RegExp(`Key\\s*=\\s*["'](?:${Object.keys(APP_ID_KEYS).join('|')})["']\\s*(?:/>|>(?:\\s|<!--[\\s\\S]*?-->|<!\\[CDATA\\[\\s*\\]\\]>)*</Item\\s*>)`);

const rule: Rule = {
  meta: {
    id: 'META-001',
    name: 'empty-app-id',
    category: 'profile',
    severity: 'error',
    summary:
      "A technical profile a relying party's journey runs has no empty client_id, IdTokenAudience, resource_id, ClientId or ApplicationObjectId metadata item, as the relying party's merged chain sees it (warning for profiles no relying party runs).",
    description:
      'These items carry application ids. An empty one fails the upload: `TechnicalProfile "login-NonInteractive" … defines an invalid value "" for the metadata item "client_id."` (starterpack#57; samples#278 and #417 with Facebook-OAUTH; MicrosoftDocs#107064). The service makes this check when it uploads the relying party: in samples#417 "TrustFrameworkExtensions.xml was uploaded successfully" and the error came with PasswordReset.xml. So each relying party\'s journey is walked (steps, sub-journeys, validation profiles, display-control actions, session and issuer profiles; src/policy/reach.ts), each profile merged as the relying party sees it (an override lower in its chain that fills the item counts), and an empty item is reported once at the relying party\'s DefaultUserJourney with the item as a related location. An empty item in a profile no relying party of the set runs is a warning at the item: nothing settles that its upload fails. It typically happens when a build step replaces a placeholder with an unset setting. A starter-pack placeholder such as ProxyIdentityExperienceFrameworkAppId or a {Settings:…} token is not empty: ENV-001 reports those. Whether ClientId and ApplicationObjectId are needed at all is EXT-001\'s question.',
    source: 'upload-semantics.md §1; starterpack#57; samples#417 (Extensions uploaded, error with the relying party), #278; MicrosoftDocs#107064',
    examples: {
      bad: '<TechnicalProfile Id="login-NonInteractive">\n  <Metadata>\n    <Item Key="client_id"></Item>',
      good: '<Item Key="client_id">00000000-1111-2222-3333-444444444444</Item>',
    },
  },
  check({ set, report }) {
    if (!set.policies.some((p) => EMPTY_ITEM.test(p.text))) return;
    const used = new Set<XmlElement>();
    for (const r of relyingPartyReach(set)) {
      // One entry per empty item: AAD-Common's item is merged into every directory profile that includes it.
      const empty = new Map<XmlElement, { key: string; item: MetadataItem; profiles: ReachedProfile[] }>();
      for (const reached of r.profiles.values()) {
        for (const key of Object.keys(APP_ID_KEYS)) {
          const item = reached.tp.metadata.get(key);
          if (!item || item.value !== '') continue;
          const e = empty.get(item.element);
          if (e) e.profiles.push(reached);
          else empty.set(item.element, { key, item, profiles: [reached] });
          used.add(item.element);
        }
      }
      if (empty.size === 0) continue;
      const list = [...empty.values()];
      const first = list[0]!;
      const names = (e: (typeof list)[number]) => e.profiles.map((x) => `'${x.tp.id}'`).join(', ');
      report({
        file: r.rp,
        at: { element: r.at },
        message: `Relying party ${r.rp.policyId ?? r.rp.path} runs technical profiles with an empty application id: ${list.map((e) => `'${e.key}' of ${names(e)}`).join('; ')}; the upload of this relying party fails with 'defines an invalid value "" for the metadata item "${first.key}"'. Set ${first.key} to ${APP_ID_KEYS[first.key]}.`,
        related: list.map((e) => ({ file: e.item.policy, at: { element: e.item.element }, message: `'${e.key}' is empty here, as ${names(e)} ${e.profiles.length > 1 ? 'see' : 'sees'} it (${e.profiles[0]!.path})` })),
      });
    }
    const reached = reachedProfileIds(set);
    for (const p of set.policies) {
      if (!EMPTY_ITEM.test(p.text)) continue;
      for (const tp of p.technicalProfiles()) {
        const id = tp.attributes.Id ?? '';
        if (reached.has(id.toLowerCase())) continue; // run by a relying party: judged there, as it merges
        for (const item of children(child(tp, 'Metadata'), 'Item')) {
          const key = item.attributes.Key;
          if (key === undefined || !Object.hasOwn(APP_ID_KEYS, key) || textOf(item) !== '' || used.has(item)) continue;
          report({
            file: p,
            at: { element: item },
            severity: 'warning',
            message: `Metadata item '${key}' of technical profile '${id}' is empty; no relying party in the set runs the profile, but the upload of one that does fails with 'defines an invalid value "" for the metadata item "${key}"'. Set it to ${APP_ID_KEYS[key]}.`,
          });
        }
      }
    }
  },
};
export default rule;
