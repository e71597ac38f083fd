import { fileURLToPath } from 'node:url';
import { injectFiles } from './inject.js';
import { type Files, readFlavour } from './policy-set.js';
import { FLAVOURS } from './shared.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const BASE = 'TrustFrameworkBase.xml';

/** A starter-pack flavour with our own TOTP extension and relying party on top. */
export function totpSet(flavour = 'SocialAndLocalAccounts'): Files {
  return { ...readFlavour(flavour), ...readFlavour(`${FIXTURES}totp`) };
}

/**
 * Policy sets that upload (or that our generator writes): rules must give them no findings. Lazy, so a
 * machine without ../shared can still import this module.
 */
export function cleanSets(): Array<[string, () => Files]> {
  return [
    ...FLAVOURS.map((f): [string, () => Files] => [f, () => readFlavour(f)]),
    ['scenarios/phone-number-passwordless', () => readFlavour('scenarios/phone-number-passwordless')],
    ['scenarios/linkedin-identity-provider + SocialAndLocalAccounts base', () => ({ [BASE]: readFlavour('SocialAndLocalAccounts')[BASE]!, ...readFlavour('scenarios/linkedin-identity-provider') })],
    ['scenarios/password-change + LocalAccounts base', () => ({ [BASE]: readFlavour('LocalAccounts')[BASE]!, ...readFlavour('scenarios/password-change') })],
    ['test/fixtures/contoso', () => readFlavour(`${FIXTURES}contoso`)],
    ['test/fixtures/totp + SocialAndLocalAccounts', () => totpSet('SocialAndLocalAccounts')],
    ['test/fixtures/totp + LocalAccounts', () => totpSet('LocalAccounts')],
    ['inject (layer) on SocialAndLocalAccountsWithMfa', () => injectFiles(readFlavour('SocialAndLocalAccountsWithMfa')).result],
    ['inject (inline) on SocialAndLocalAccounts', () => injectFiles(readFlavour('SocialAndLocalAccounts'), { mode: 'inline' }).result],
  ];
}
