import { BUILT_IN_SETTINGS, emptySetting, lookup, settingValue, STARTER_PACK_SETTINGS } from '../../policy/settings.js';
import { didYouMean } from '../../util/suggest.js';
import { commentTest } from '../placeholder/patterns.js';
import type { Rule } from '../types.js';

const SETTINGS_TOKEN = /\{Settings:([^{}\s"<>]*)\}/gi;
const STARTER_WORD = new RegExp(`\\b(?:${Object.keys(STARTER_PACK_SETTINGS).join('|')})\\b`, 'g');

const rule: Rule = {
  meta: {
    id: 'ENV-004',
    name: 'unknown-setting',
    category: 'environment',
    severity: 'error',
    summary: 'Every {Settings:<key>}, and each starter-pack app-id placeholder, has a value in the environment being built (build only).',
    description:
      'An unresolved token would be uploaded literally. The message names the environment and the setting to add or fill in (or the closest one it has); an empty or whitespace-only value counts as not set. Keys match ignoring case, as in the VS Code extension; the starter pack\'s ProxyIdentityExperienceFrameworkAppId, IdentityExperienceFrameworkAppId and facebook_clientid are filled from the settings of the same name (facebook_clientid also from FacebookAppId). Only `b2c-totp build` runs this rule: plain lint has no environment to check against.',
    source: 'upload-errors.md §3.1 B2C-ENV-001; anchors-tools.md §2.1 (VS Code extension build)',
    examples: {
      bad: '<Item Key="client_id">{Settings:FacebokAppId}</Item>',
      good: '<Item Key="client_id">{Settings:FacebookAppId}</Item>',
    },
  },
  check({ set, options, report }) {
    const env = options.environment;
    if (!env) return;
    for (const p of set.policies) {
      const fileName = p.absPath.split(/[\\/]/).pop() ?? p.path;
      const inComment = commentTest(p.text);
      const tokens: Array<[number, number]> = [];
      SETTINGS_TOKEN.lastIndex = 0;
      for (let m = SETTINGS_TOKEN.exec(p.text); m; m = SETTINGS_TOKEN.exec(p.text)) {
        tokens.push([m.index, m.index + m[0].length]);
        if (inComment(m.index)) continue;
        const key = m[1]!;
        const empty = emptySetting(env.settings, key);
        let message: string;
        if (settingValue(env, key, fileName) !== undefined) {
          message = `'${m[0]}' is left in the output: a setting value contains it (values are inserted as they are, not expanded again).`;
        } else if (empty !== undefined) {
          message = `Environment '${env.name}' has no value for setting '${empty}' to replace '${m[0]}' (it is empty).`;
        } else {
          message = `Environment '${env.name}' has no setting '${key}' for '${m[0]}'.${didYouMean(key, [...Object.keys(env.settings), ...BUILT_IN_SETTINGS])}`;
        }
        report({ file: p, at: { span: { start: m.index, end: m.index + m[0].length } }, message });
      }
      STARTER_WORD.lastIndex = 0;
      for (let m = STARTER_WORD.exec(p.text); m; m = STARTER_WORD.exec(p.text)) {
        const at = m.index;
        if (inComment(at) || tokens.some(([a, b]) => at >= a && at < b)) continue;
        const keys = STARTER_PACK_SETTINGS[m[0]]!;
        if (keys.some((k) => lookup(env.settings, k) !== undefined)) continue; // a value that contains it: ENV-001 says so
        const empty = keys.flatMap((k) => emptySetting(env.settings, k) ?? []);
        const names = (empty.length ? empty : keys).map((k) => `'${k}'`).join(' or ');
        report({
          file: p,
          at: { span: { start: at, end: at + m[0].length } },
          message: empty.length
            ? `Environment '${env.name}' has no value for setting ${names} to replace the starter-pack placeholder '${m[0]}' (${empty.length === 1 ? 'it is' : 'they are'} empty).`
            : `Environment '${env.name}' has no setting ${names} to replace the starter-pack placeholder '${m[0]}'.`,
        });
      }
    }
  },
};
export default rule;
