/**
 * Tokens that stand for a value to fill in before upload. B2C's own claim resolvers ({Context:...},
 * {Policy:...}, {OIDC:...}, {Claim:...}, {Culture:...}, {RelyingPartyTenantId}, {tenant}, ...) look alike
 * and are never matched: only the tokens below are.
 */
export interface PlaceholderKind {
  id: string;
  re: RegExp;
  what: string;
  /**
   * A substring every match contains, in this exact case, for a native search before the regex.
   * Undefined for the case-insensitive kinds, whose regex runs on every file.
   */
  literal?: string;
}

export const PLACEHOLDERS: readonly PlaceholderKind[] = [
  // Any case ({settings:x} too), as the VS Code extension and build match it.
  { id: 'settings', re: /\{Settings:[^{}\s"<>]*\}/gi, what: 'VS Code B2C extension setting' },
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

const WITHOUT_LITERAL = PLACEHOLDERS.filter((k) => k.literal === undefined);
const WITH_LITERAL = PLACEHOLDERS.filter((k) => k.literal !== undefined);
const CASE_INSENSITIVE = new RegExp(WITHOUT_LITERAL.map((k) => `(${k.re.source})`).join('|'), 'gi');

/**
 * Every placeholder outside comments, in text order. A hit inside another one is part of it and not
 * reported on its own: `{Settings:ProxyIdentityExperienceFrameworkAppId}` is one placeholder, not
 * also the app-id word in it. Files are large and hits are few.
 */
export function findPlaceholders(text: string): PlaceholderHit[] {
  const hits: PlaceholderHit[] = [];
  const inComment = commentTest(text);
  // The kinds without a literal (case-insensitive ones) share one pass; the group that matched names the kind.
  CASE_INSENSITIVE.lastIndex = 0;
  for (let m = CASE_INSENSITIVE.exec(text); m; m = CASE_INSENSITIVE.exec(text)) {
    let g = 1;
    while (m[g] === undefined) g++;
    const kind = WITHOUT_LITERAL[g - 1]!;
    if (!inComment(m.index)) hits.push({ start: m.index, end: m.index + m[0].length, token: m[0], kind });
  }
  for (const kind of WITH_LITERAL) {
    if (!text.includes(kind.literal!)) continue;
    kind.re.lastIndex = 0;
    for (let m = kind.re.exec(text); m; m = kind.re.exec(text)) {
      if (!inComment(m.index)) hits.push({ start: m.index, end: m.index + m[0].length, token: m[0], kind });
    }
  }
  // Outer hits first at the same start (stable: on equal spans the first kind listed stays).
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: PlaceholderHit[] = [];
  let end = -1;
  for (const h of hits) {
    if (h.end <= end) continue; // inside an earlier hit
    out.push(h);
    end = h.end;
  }
  return out;
}

/**
 * A test for "is this offset inside `<!-- ... -->`" (an unclosed comment runs to the end), from the
 * file's comment spans found once: searching backwards from every hit costs a scan of the text before it.
 */
export function commentTest(text: string): (offset: number) => boolean {
  const spans: number[] = [];
  for (let open = text.indexOf('<!--'); open >= 0; open = text.indexOf('<!--', open + 4)) {
    const close = text.indexOf('-->', open + 4);
    spans.push(open, close < 0 ? text.length : close + 3);
    if (close < 0) break;
    open = close - 1;
  }
  if (spans.length === 0) return () => false;
  return (offset) => {
    // The last span that opens at or before the offset.
    let lo = 0;
    let hi = spans.length / 2 - 1;
    if (spans[0]! > offset) return false;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (spans[mid * 2]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return offset < spans[lo * 2 + 1]!;
  };
}
