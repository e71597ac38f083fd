/**
 * Deploy-ready checks that need to know the environment, so only `b2c-totp build` runs them. They
 * are ordinary rules (same engine, severities, disable comments and output as lint), made per
 * environment; they are not in RULES because plain `lint` has no environment to check against.
 */
import type { XmlElement } from '@rgrove/parse-xml';
import { XmlElement as Element } from '@rgrove/parse-xml';
import { isPlaceholderValue } from '../rules/placeholder/patterns.js';
import type { Rule, RuleMeta } from '../rules/types.js';
import { didYouMean } from '../util/suggest.js';
import { child } from '../xml/element.js';
import type { Environment } from './environments.js';
import { lookup, settingValue, STARTER_PACK_SETTINGS } from './substitute.js';

export const PRODUCTION_SETTINGS: RuleMeta = {
  id: 'ENV-002',
  name: 'production-settings',
  category: 'placeholder',
  severity: 'error',
  summary: 'An environment marked production has no DeploymentMode="Development" and no JourneyInsights DeveloperMode="true" (build only).',
  description:
    'Development mode sends journey traces to Application Insights with user data and is rate-limited; it is for test tenants. Set "production": true on the environment (Production in appsettings.json) and drive the values with settings, e.g. DeploymentMode="{Settings:DeploymentMode}".',
  source: 'upload-errors.md §3.1 B2C-ENV-002; issue "build": deploy-ready checks',
  examples: {
    bad: '<TrustFrameworkPolicy ... DeploymentMode="Development" UserJourneyRecorderEndpoint="urn:journeyrecorder:applicationinsights">',
    good: '<TrustFrameworkPolicy ... DeploymentMode="{Settings:DeploymentMode}" UserJourneyRecorderEndpoint="urn:journeyrecorder:applicationinsights">',
  },
};

export const ENVIRONMENT_TENANT: RuleMeta = {
  id: 'ENV-003',
  name: 'environment-tenant',
  category: 'placeholder',
  severity: 'error',
  summary: "Every TenantId and BasePolicy/TenantId is the environment's tenant (build only).",
  description:
    'A hard-coded tenant survives the build and fails the upload with "TenantId in the policy xml ... is not same as the one in login tenant". Write {Settings:Tenant} (or the starter pack\'s yourtenant.onmicrosoft.com) instead.',
  source: 'upload-errors.md §1 #6, §3.1 B2C-TENANT-001',
  examples: {
    bad: '<TrustFrameworkPolicy ... TenantId="contoso-dev.onmicrosoft.com" ...> built for contoso.onmicrosoft.com',
    good: '<TrustFrameworkPolicy ... TenantId="{Settings:Tenant}" ...>',
  },
};

export const UNKNOWN_SETTING: RuleMeta = {
  id: 'ENV-004',
  name: 'unknown-setting',
  category: 'placeholder',
  severity: 'error',
  summary: "Every {Settings:<key>}, and each starter-pack app-id placeholder, has a value in the environment being built (build only).",
  description:
    'An unresolved token would be uploaded literally. The message names the environment and the setting to add (or the closest one it has). Keys match ignoring case, as in the VS Code extension; the starter pack\'s ProxyIdentityExperienceFrameworkAppId, IdentityExperienceFrameworkAppId and facebook_clientid are filled from the settings of the same name (facebook_clientid also from FacebookAppId).',
  source: 'upload-errors.md §3.1 B2C-ENV-001; anchors-tools.md §2.1 (VS Code extension build)',
  examples: {
    bad: '<Item Key="client_id">{Settings:FacebokAppId}</Item>',
    good: '<Item Key="client_id">{Settings:FacebookAppId}</Item>',
  },
};

/** The ids and names of the build-only rules (they must not collide with RULES). */
export const BUILD_RULE_METAS: readonly RuleMeta[] = [PRODUCTION_SETTINGS, ENVIRONMENT_TENANT, UNKNOWN_SETTING];

const SETTINGS_TOKEN = /\{Settings:([^{}\s"<>]*)\}/gi;
const STARTER_WORD = new RegExp(`\\b(?:${Object.keys(STARTER_PACK_SETTINGS).join('|')})\\b`, 'g');

/** The build-only rules for one environment. */
export function environmentRules(env: Environment): Rule[] {
  const productionSettings: Rule = {
    meta: PRODUCTION_SETTINGS,
    check({ set, report }) {
      if (!env.production) return;
      for (const p of set.policies) {
        const mode = p.root.attributes.DeploymentMode;
        if (mode !== undefined && mode.trim().toLowerCase() === 'development') {
          report({
            file: p,
            at: { element: p.root, attribute: 'DeploymentMode' },
            message: `DeploymentMode="${mode}" in environment '${env.name}', which is marked production: use Production (or leave it out).`,
          });
        }
        for (const el of byName(p.root, 'JourneyInsights')) {
          const dev = el.attributes.DeveloperMode;
          if (dev !== undefined && ['true', '1'].includes(dev.trim().toLowerCase())) {
            report({
              file: p,
              at: { element: el, attribute: 'DeveloperMode' },
              message: `JourneyInsights DeveloperMode="${dev}" in environment '${env.name}', which is marked production: use false.`,
            });
          }
        }
      }
    },
  };

  const environmentTenant: Rule = {
    meta: ENVIRONMENT_TENANT,
    check({ set, report }) {
      const want = env.tenant.toLowerCase();
      const wrong = (v: string | undefined) => v !== undefined && v.trim() !== '' && !isPlaceholderValue(v) && v.trim().toLowerCase() !== want;
      for (const p of set.policies) {
        if (wrong(p.tenantId)) {
          report({
            file: p,
            at: { element: p.root, attribute: 'TenantId' },
            message: `TenantId '${p.tenantId}' is not the tenant of environment '${env.name}' (${env.tenant}).`,
          });
        }
        const baseTenant = child(p.base?.element, 'TenantId');
        if (baseTenant && wrong(p.base?.tenantId)) {
          report({
            file: p,
            at: { element: baseTenant, text: true },
            message: `BasePolicy TenantId '${p.base!.tenantId}' is not the tenant of environment '${env.name}' (${env.tenant}).`,
          });
        }
      }
    },
  };

  const unknownSetting: Rule = {
    meta: UNKNOWN_SETTING,
    check({ set, report }) {
      for (const p of set.policies) {
        const fileName = p.absPath.split(/[\\/]/).pop() ?? p.path;
        const inComment = commentTest(p.text);
        const tokens: Array<[number, number]> = [];
        SETTINGS_TOKEN.lastIndex = 0;
        for (let m = SETTINGS_TOKEN.exec(p.text); m; m = SETTINGS_TOKEN.exec(p.text)) {
          tokens.push([m.index, m.index + m[0].length]);
          if (inComment(m.index)) continue;
          const key = m[1]!;
          const known = settingValue(env, key, fileName) !== undefined;
          report({
            file: p,
            at: { span: { start: m.index, end: m.index + m[0].length } },
            message: known
              ? `'${m[0]}' is left in the output: a setting value contains it (values are inserted as they are, not expanded again).`
              : `Environment '${env.name}' has no setting '${key}' for '${m[0]}'.${didYouMean(key, [...Object.keys(env.settings), 'Tenant', 'Filename', 'PolicyFilename', 'Environment'])}`,
          });
        }
        STARTER_WORD.lastIndex = 0;
        for (let m = STARTER_WORD.exec(p.text); m; m = STARTER_WORD.exec(p.text)) {
          const at = m.index;
          if (inComment(at) || tokens.some(([a, b]) => at >= a && at < b)) continue;
          const keys = STARTER_PACK_SETTINGS[m[0]]!;
          if (keys.some((k) => lookup(env.settings, k) !== undefined)) continue; // a value that contains it: ENV-001 says so
          const names = keys.map((k) => `'${k}'`).join(' or ');
          report({
            file: p,
            at: { span: { start: at, end: at + m[0].length } },
            message: `Environment '${env.name}' has no setting ${names} to replace the starter-pack placeholder '${m[0]}'.`,
          });
        }
      }
    },
  };

  return [productionSettings, environmentTenant, unknownSetting];
}

function byName(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: XmlElement[] = [root];
  while (stack.length) {
    const el = stack.pop()!;
    if (el.name === name) out.push(el);
    for (const c of el.children) if (c instanceof Element) stack.push(c);
  }
  return out;
}

function commentTest(text: string): (offset: number) => boolean {
  const ranges: Array<[number, number]> = [];
  for (let i = text.indexOf('<!--'); i >= 0; i = text.indexOf('<!--', i + 4)) {
    const end = text.indexOf('-->', i + 4);
    ranges.push([i, end < 0 ? text.length : end + 3]);
    if (end < 0) break;
  }
  return (o) => ranges.some(([a, b]) => o >= a && o < b);
}
