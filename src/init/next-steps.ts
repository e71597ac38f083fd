import type { Policy } from '../policy/policy.js';
import type { PolicySet } from '../policy/set.js';
import { descendants } from '../xml/element.js';

/** What the user must still do in the portal, read from the final policy set. */
export interface PortalTodo {
  /** StorageReferenceId values, first-seen order, de-duplicated without case. */
  keys: string[];
  /** The set still holds the IdentityExperienceFramework / ProxyIdentityExperienceFramework app id placeholders. */
  appIds: boolean;
  /** The set still holds the facebook_clientid placeholder. */
  facebook: boolean;
  /** The set still holds the yourtenant.onmicrosoft.com placeholder (build replaces it). */
  tenantPlaceholder: boolean;
  /** PolicyIds, parents first. */
  uploadOrder: string[];
}

/** How to create each key the starter packs and the TOTP layer reference (totp-spec §6.1, the custom-policy tutorial). */
const KEY_HOWTO: Record<string, string> = {
  tokensigningkeycontainer: 'Options: Generate, Key type: RSA, Key usage: Signature',
  tokenencryptionkeycontainer: 'Options: Generate, Key type: RSA, Key usage: Encryption',
  facebooksecret: 'Options: Manual, Secret: your Facebook app secret, Key usage: Signature',
};

export function keyHowTo(storageReferenceId: string): string {
  const name = storageReferenceId.replace(/^B2C_1A_/i, '').toLowerCase();
  return (
    KEY_HOWTO[name] ??
    (/secret|password/.test(name)
      ? 'Options: Manual, Secret: the client secret of the service it names, Key usage: Signature'
      : 'see the technical profile that references it for the key type and usage')
  );
}

export function policyKeys(policies: readonly Policy[]): string[] {
  const seen = new Map<string, string>();
  for (const p of policies) {
    const tps = [...p.technicalProfiles(), ...descendants(p.relyingParty, 'TechnicalProfile')];
    for (const tp of tps) {
      for (const key of descendants(tp, 'CryptographicKeys', 'Key')) {
        const id = key.attributes.StorageReferenceId?.trim();
        if (id && !seen.has(id.toLowerCase())) seen.set(id.toLowerCase(), id);
      }
    }
  }
  // The two every set needs first, then the rest as found.
  const rank = (k: string) => ['b2c_1a_tokensigningkeycontainer', 'b2c_1a_tokenencryptionkeycontainer'].indexOf(k.toLowerCase()) >>> 0;
  return [...seen.values()].map((k, i) => ({ k, i })).sort((a, b) => rank(a.k) - rank(b.k) || a.i - b.i).map(({ k }) => k);
}

const IEF_PLACEHOLDER = /\b(?:Proxy)?IdentityExperienceFrameworkAppId\b/;
const FACEBOOK_PLACEHOLDER = /\bfacebook_clientid\b/;

/**
 * The upload order: the one the inject plan states (its "Upload order: …" note lists the chain
 * and the new TOTP relying parties), else every policy of the set, parents before children.
 */
export function uploadOrder(set: PolicySet, notes: readonly string[]): string[] {
  for (const n of notes) {
    const m = /^Upload order: (.*)\.$/.exec(n);
    if (m) return m[1]!.split(', ');
  }
  const depth = (p: Policy) => set.chain(p).length;
  return set.policies
    .filter((p) => p.policyId)
    .map((p, i) => ({ p, i }))
    .sort((a, b) => depth(a.p) - depth(b.p) || Number(!!a.p.relyingParty) - Number(!!b.p.relyingParty) || a.i - b.i)
    .map(({ p }) => p.policyId!);
}

export function portalTodo(set: PolicySet, notes: readonly string[]): PortalTodo {
  const texts = set.policies.map((p) => p.text);
  return {
    keys: policyKeys(set.policies),
    appIds: texts.some((t) => IEF_PLACEHOLDER.test(t)),
    facebook: texts.some((t) => FACEBOOK_PLACEHOLDER.test(t)),
    tenantPlaceholder: texts.some((t) => /\byourtenant\.onmicrosoft\.com\b/i.test(t)),
    uploadOrder: uploadOrder(set, notes),
  };
}

/** `{Settings:Name}` references in the set (other than Tenant, which comes from the environment). */
export function settingsReferenced(set: PolicySet): string[] {
  const names = new Set<string>();
  for (const p of set.policies) for (const m of p.text.matchAll(/\{Settings:([A-Za-z0-9_.-]+)\}/g)) names.add(m[1]!);
  names.delete('Tenant');
  return [...names].sort();
}

export interface NextStepsContext {
  todo: PortalTodo;
  /** Display path of the config file. */
  configPath: string;
  environments: string[];
}

/** The --env value for a command line: the environment when there is one, else a placeholder. */
function envArg(ctx: NextStepsContext): string {
  return ctx.environments.length === 1 ? ctx.environments[0]! : '<environment>';
}

/** The numbered list printed at the end of `init`. */
export function renderNextSteps(ctx: NextStepsContext): string {
  const { todo } = ctx;
  const out: string[] = ['Next steps', ''];
  let n = 0;
  const step = (first: string, ...rest: string[]) => {
    out.push(`${++n}. ${first}`, ...rest.map((r) => `   ${r}`), '');
  };
  if (todo.keys.length) {
    const width = Math.max(...todo.keys.map((k) => k.length));
    step(
      `Create the policy keys the policies reference, in every tenant you deploy to:  npx b2c-totp keys --env ${envArg(ctx)}`,
      'It creates those the tenant lacks with Microsoft Graph: RSA keys generated by the service, a secret from B2C_TOTP_KEY_<NAME>',
      'or a prompt. Or in the Azure portal (Azure AD B2C > Identity Experience Framework > Policy keys > Add; type the name without B2C_1A_):',
      ...todo.keys.map((k) => `  ${k.padEnd(width)}  ${keyHowTo(k)}`),
    );
  }
  if (todo.appIds) {
    const envs = ctx.environments.length ? ctx.environments.join(', ') : 'each environment';
    step(
      'Register the two Identity Experience Framework applications (Azure AD B2C > App registrations), once per tenant:',
      '  IdentityExperienceFramework       Web, redirect URI https://your-tenant-name.b2clogin.com/your-tenant-name.onmicrosoft.com;',
      '                                    Expose an API: scope user_impersonation',
      '  ProxyIdentityExperienceFramework  Public client (mobile & desktop), redirect URI myapp://auth; allow public client flows;',
      '                                    API permissions: IdentityExperienceFramework > user_impersonation, then grant admin consent',
      `Put their Application (client) IDs into ${ctx.configPath}, in "settings" of ${envs}:`,
      '  "IdentityExperienceFrameworkAppId": "<IdentityExperienceFramework app id>",',
      '  "ProxyIdentityExperienceFrameworkAppId": "<ProxyIdentityExperienceFramework app id>"',
      'Fill them in before you build.',
    );
  }
  if (todo.facebook) {
    step(
      `The pack signs in with Facebook: put your Facebook app id into "FacebookAppId" in the same "settings" (build puts it in place of`,
      'facebook_clientid) and its secret into the policy key B2C_1A_FacebookSecret; or remove the Facebook claims provider and its journey steps.',
    );
  }
  step(
    'Build the policies for an environment:  npx b2c-totp build',
    todo.tenantPlaceholder
      ? `The source keeps the yourtenant.onmicrosoft.com placeholder, so one source builds for every tenant; build writes dist/<environment>/ with each environment's tenant and settings from ${ctx.configPath}.`
      : `build writes dist/<environment>/ with each environment's tenant and settings from ${ctx.configPath}.`,
  );
  if (todo.uploadOrder.length) {
    step(
      `Upload them:  npx b2c-totp deploy --env ${envArg(ctx)}   (only what changed, in order; --dry-run shows the plan first)`,
      'Or upload the built files in the portal (Identity Experience Framework > Upload custom policy, "Overwrite the custom policy if it already exists"), in this order:',
      ...todo.uploadOrder.map((id, i) => `  ${String(i + 1).padStart(2)}. ${id}`),
    );
  }
  step('Run a *_TOTP relying party (Identity Experience Framework > the policy > Run now) and scan the QR code with an authenticator app.');
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
