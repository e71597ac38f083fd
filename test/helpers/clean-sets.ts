import { fileURLToPath } from 'node:url';
import { injectFiles } from './inject.js';
import { type Files, readFlavour } from './policy-set.js';
import { FLAVOURS } from './shared.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const BASE = 'TrustFrameworkBase.xml';

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
    ['test/fixtures/totp + SocialAndLocalAccounts', () => ({ ...readFlavour('SocialAndLocalAccounts'), ...readFlavour(`${FIXTURES}totp`) })],
    ['test/fixtures/totp + LocalAccounts', () => ({ ...readFlavour('LocalAccounts'), ...readFlavour(`${FIXTURES}totp`) })],
    ['inject (layer) on SocialAndLocalAccountsWithMfa', () => injectFiles(readFlavour('SocialAndLocalAccountsWithMfa')).result],
    ['inject (inline) on SocialAndLocalAccounts', () => injectFiles(readFlavour('SocialAndLocalAccounts'), { mode: 'inline' }).result],
  ];
}
