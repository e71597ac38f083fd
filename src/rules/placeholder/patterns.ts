/**
 * Tokens that stand for a value to fill in before upload. B2C's own claim resolvers ({Context:...},
 * {Policy:...}, {OIDC:...}, {Claim:...}, {Culture:...}, {RelyingPartyTenantId}, {tenant}, ...) look alike
 * and are never matched: only the tokens below are.
 */
export interface PlaceholderKind {
  id: string;
  re: RegExp;
  what: string;
  /** A substring every match contains, for a native search before the regex (undefined: case-insensitive kind). */
  literal?: string;
}

export const PLACEHOLDERS: readonly PlaceholderKind[] = [
  { id: 'settings', re: /\{Settings:[^{}\s"<>]*\}/g, what: 'VS Code B2C extension setting', literal: '{Settings:' },
  { id: 'yourtenant', re: /\byourtenant(?:\.onmicrosoft\.com)?\b/gi, what: 'starter-pack tenant placeholder' },
  { id: 'proxy-ief', re: /\bProxyIdentityExperienceFrameworkAppId\b/g, what: 'starter-pack ProxyIdentityExperienceFramework app id placeholder', literal: 'ProxyIdentityExperienceFrameworkAppId' },
  { id: 'ief', re: /(?<!Proxy)\bIdentityExperienceFrameworkAppId\b/g, what: 'starter-pack IdentityExperienceFramework app id placeholder', literal: 'IdentityExperienceFrameworkAppId' },
  { id: 'facebook', re: /\bfacebook_clientid\b/g, what: 'starter-pack Facebook app id placeholder', literal: 'facebook_clientid' },
  { id: 'config', re: /\{config:[^{}\s"<>]*\}/gi, what: 'pipeline token' },
  { id: 'hash', re: /#\{[^{}\s"<>]+\}#/g, what: 'pipeline token', literal: '#{' },
  { id: 'double-hash', re: /\{##[^{}\s"<>]+##\}/g, what: 'pipeline token', literal: '{##' },
  { id: 'change-this', re: /\[CHANGE-THIS\]/g, what: 'placeholder', literal: '[CHANGE-THIS]' },
];

const ANY = new RegExp(PLACEHOLDERS.map((p) => p.re.source).join('|'), 'i');

/** True when a value is (or contains) a placeholder, so format checks should leave it alone. */
export function isPlaceholderValue(v: string): boolean {
  return ANY.test(v);
}

export interface PlaceholderHit {
  start: number;
  end: number;
  token: string;
  kind: PlaceholderKind;
}

/** Every placeholder outside comments, in text order. Files are large and hits are few. */
export function findPlaceholders(text: string): PlaceholderHit[] {
  const hits: PlaceholderHit[] = [];
  for (const kind of PLACEHOLDERS) {
    if (kind.literal !== undefined && !text.includes(kind.literal)) continue;
    kind.re.lastIndex = 0;
    for (let m = kind.re.exec(text); m; m = kind.re.exec(text)) {
      if (!inComment(text, m.index)) hits.push({ start: m.index, end: m.index + m[0].length, token: m[0], kind });
    }
  }
  return hits.sort((a, b) => a.start - b.start);
}

function inComment(text: string, offset: number): boolean {
  const open = text.lastIndexOf('<!--', offset);
  return open >= 0 && text.lastIndexOf('-->', offset) < open;
}
