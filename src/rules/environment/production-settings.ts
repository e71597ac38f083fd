import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'ENV-002',
    name: 'production-settings',
    category: 'environment',
    severity: 'error',
    summary: 'An environment marked production has no DeploymentMode="Development" and no JourneyInsights DeveloperMode="true" (build only).',
    description:
      'Development mode sends journey traces to Application Insights with user data and is rate-limited; it is for test tenants. Set "production": true on the environment (Production in appsettings.json) and drive the values with settings, e.g. DeploymentMode="{Settings:DeploymentMode}". Only `b2c-totp build` runs this rule: plain lint has no environment to check against.',
    source: 'upload-errors.md §3.1 B2C-ENV-002; issue "build": deploy-ready checks',
    examples: {
      bad: '<TrustFrameworkPolicy ... DeploymentMode="Development" UserJourneyRecorderEndpoint="urn:journeyrecorder:applicationinsights">',
      good: '<TrustFrameworkPolicy ... DeploymentMode="{Settings:DeploymentMode}" UserJourneyRecorderEndpoint="urn:journeyrecorder:applicationinsights">',
    },
  },
  check({ set, options, report }) {
    const env = options.environment;
    if (!env?.production) return;
    for (const p of set.policies) {
      const mode = p.root.attributes.DeploymentMode;
      if (mode !== undefined && mode.trim().toLowerCase() === 'development') {
        report({
          file: p,
          at: { element: p.root, attribute: 'DeploymentMode' },
          message: `DeploymentMode="${mode}" in environment '${env.name}', which is marked production: use Production (or leave it out).`,
        });
      }
      for (const el of p.source.elements) {
        if (el.name !== 'JourneyInsights') continue;
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
export default rule;
