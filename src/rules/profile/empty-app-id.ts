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
    summary: 'The technical-profile metadata items client_id, IdTokenAudience, resource_id, ClientId and ApplicationObjectId are not empty when present.',
    description:
      'These items carry application ids. An empty one fails the upload: `TechnicalProfile "login-NonInteractive" … defines an invalid value "" for the metadata item "client_id."` (starterpack#57; samples#417 and #278 with Facebook-OAUTH; MicrosoftDocs#107064). It typically happens when a build step replaces a placeholder with an unset setting. Every file is checked on its own, as the service validates each file it uploads. A starter-pack placeholder such as ProxyIdentityExperienceFrameworkAppId or a {Settings:…} token is not empty: ENV-001 reports those. Whether ClientId and ApplicationObjectId are needed at all is EXT-001\'s question.',
    source: 'upload-errors.md §1 #23 (B2C-META-001)',
    examples: {
      bad: '<TechnicalProfile Id="login-NonInteractive">\n  <Metadata>\n    <Item Key="client_id"></Item>',
      good: '<Item Key="client_id">00000000-1111-2222-3333-444444444444</Item>',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      if (!EMPTY_ITEM.test(p.text)) continue;
      for (const tp of p.technicalProfiles()) {
        for (const item of children(child(tp, 'Metadata'), 'Item')) {
          const key = item.attributes.Key;
          if (key === undefined || !Object.hasOwn(APP_ID_KEYS, key) || textOf(item) !== '') continue;
          report({
            file: p,
            at: { element: item },
            message: `Metadata item '${key}' of technical profile '${tp.attributes.Id ?? ''}' is empty; the upload fails with 'defines an invalid value "" for the metadata item "${key}"'. Set it to ${APP_ID_KEYS[key]}.`,
          });
        }
      }
    }
  },
};
export default rule;
