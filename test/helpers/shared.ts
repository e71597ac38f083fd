import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/** Microsoft's starter packs, read in place from ../shared and never copied into the repo. */
export const STARTER = fileURLToPath(new URL('../../../shared/fixtures/starterpack/', import.meta.url));
export const XSD_PATH = path.join(STARTER, 'TrustFrameworkPolicy_0.3.0.0.xsd');
export const HAVE_SHARED = existsSync(XSD_PATH);

/** The flavours that are whole policy sets on their own. */
export const FLAVOURS = [
  'LocalAccounts',
  'SocialAccounts',
  'SocialAndLocalAccounts',
  'SocialAndLocalAccountsWithMfa',
  'Display Controls Starterpack/LocalAccounts',
  'Display Controls Starterpack/SocialAccounts',
  'Display Controls Starterpack/SocialAndLocalAccounts',
  'Display Controls Starterpack/SocialAndLocalAccountsWithMfa',
] as const;

/**
 * Like `describe`, for tests that need ../shared: skipped with a message on a machine without it,
 * and a failing test in CI (CI=true), where a missing ../shared means the run checked nothing.
 */
export function describeShared(name: string, fn: () => void): void {
  if (HAVE_SHARED) {
    describe(name, fn);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs ../shared/fixtures/starterpack', () => {
        throw new Error(`../shared is missing (looked for ${XSD_PATH}); CI requires it.`);
      });
    });
  } else {
    console.warn(`[skip] ${name}: ../shared/fixtures/starterpack not found at ${STARTER}.`);
    describe.skip(name, fn);
  }
}

export function flavourDir(flavour: string): string {
  return path.join(STARTER, flavour);
}

/** Every *.xml under the starter pack, relative to it. */
export function allStarterFiles(): string[] {
  return (readdirSync(STARTER, { recursive: true }) as string[]).filter((f) => f.endsWith('.xml')).sort();
}
