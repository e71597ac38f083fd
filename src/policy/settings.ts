/**
 * What a deployment target means for the policy text: the values that `{Settings:<key>}` tokens and
 * the starter pack's placeholders take. Shared by `build` (which substitutes them) and the
 * environment rules (which report what is left), so neither imports the other.
 */

/** The part of a build environment that the policy text and the environment rules depend on. */
export interface TargetEnvironment {
  name: string;
  /** e.g. contoso.onmicrosoft.com: replaces {Settings:Tenant} and yourtenant.onmicrosoft.com. */
  tenant: string;
  /** Production environments must not run in development mode (ENV-002). */
  production: boolean;
  /** {Settings:<key>} values (top-level settings merged under the environment's own). */
  settings: Record<string, string>;
}

/** Starter-pack words (exact case, as the placeholder rule matches them) and the settings that replace them. */
export const STARTER_PACK_SETTINGS: Readonly<Record<string, readonly string[]>> = {
  ProxyIdentityExperienceFrameworkAppId: ['ProxyIdentityExperienceFrameworkAppId'],
  IdentityExperienceFrameworkAppId: ['IdentityExperienceFrameworkAppId'],
  // The VS Code extension's default appsettings.json calls it FacebookAppId.
  facebook_clientid: ['facebook_clientid', 'FacebookAppId'],
};

/** Keys `{Settings:<key>}` takes from the environment itself rather than from its settings. */
export const BUILT_IN_SETTINGS: readonly string[] = ['Tenant', 'Filename', 'PolicyFilename', 'Environment'];

/** A value counts as set when it is not empty or only whitespace (init writes "" for the user to fill in). */
export function hasValue(v: string | undefined): v is string {
  return v !== undefined && v.trim() !== '';
}

/** The value of `{Settings:<key>}` in this environment for this file, or undefined. */
export function settingValue(env: Pick<TargetEnvironment, 'name' | 'tenant' | 'settings'>, key: string, fileName: string): string | undefined {
  switch (key.toLowerCase()) {
    case 'tenant':
      return env.tenant;
    case 'filename':
      return stripExtension(fileName);
    case 'policyfilename':
      // As the VS Code extension: the file name without extension and without any `B2C_1A_`.
      return stripExtension(fileName).split('B2C_1A_').join('');
    case 'environment':
      return env.name;
  }
  return lookup(env.settings, key);
}

/**
 * Exact key first; otherwise the one key equal ignoring case (ambiguous → none). Empty or
 * whitespace-only values count as not set.
 */
export function lookup(settings: Record<string, string>, key: string): string | undefined {
  if (Object.hasOwn(settings, key) && hasValue(settings[key])) return settings[key];
  const lower = key.toLowerCase();
  const matches = Object.keys(settings).filter((k) => k.toLowerCase() === lower && hasValue(settings[k]));
  return matches.length === 1 ? settings[matches[0]!] : undefined;
}

/** The key, as spelled in the settings, that is present for `key` (ignoring case) but has no value. */
export function emptySetting(settings: Record<string, string>, key: string): string | undefined {
  if (Object.hasOwn(settings, key)) return hasValue(settings[key]) ? undefined : key;
  const lower = key.toLowerCase();
  return Object.keys(settings).find((k) => k.toLowerCase() === lower && !hasValue(settings[k]));
}

function stripExtension(fileName: string): string {
  return fileName.replace(/\.[^/.]+$/, '');
}
