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
  // Template engines seen in real repositories (upload-semantics.md §4): Mustache/Handlebars/Jinja ({{ tenantId }}, the
  // ieftool GitHub Actions sample), ${var} (Terraform, envsubst, PowerShell), %{ if } (Terraform directives), __Token__
  // (Azure DevOps replace-tokens). Bounded lengths keep every scan linear on hostile input.
  { id: 'mustache', re: /\{\{[^{}<>"\n]{1,100}\}\}/g, what: 'template token', literal: '{{' },
  { id: 'dollar', re: /\$\{[^{}<>"\s]{1,100}\}/g, what: 'template variable', literal: '${' },
  { id: 'terraform', re: /%\{[^{}\n]{0,200}\}/g, what: 'Terraform template directive', literal: '%{' },
  { id: 'dunder', re: /(?<![A-Za-z0-9_])__[A-Za-z][A-Za-z0-9_.-]{0,100}?__(?![A-Za-z0-9_])/g, what: 'pipeline token', literal: '__' },
  // your-tenant, your_b2c_tenant_name, YOUR_TENANT_ID, your-dev-tenant.onmicrosoft.com: a word no tenant or id has.
  { id: 'your-tenant', re: /\byour[-_]?[a-z0-9]{0,30}?[-_]?(?:tenant|b2c)[a-z0-9_-]{0,60}/gi, what: 'tenant placeholder' },
  { id: 'tenant-name', re: /\btenant-name\.onmicrosoft\.com\b/gi, what: 'tenant placeholder' },
  // {tenant}.onmicrosoft.com, {TENANT_ID}.onmicrosoft.com: braces before the tenant domain are never a claim resolver.
  { id: 'brace-tenant', re: /\{[^{}:"<>\n]{1,100}\}+[#a-z]?\.onmicrosoft\.com\b/gi, what: 'tenant placeholder' },
  // {your B2C tenant name}, {your_tenant_name}, {TENANT_ID}, {allowed Azure AD Tenant 1 GUID}: words in braces that name
  // what to fill in. B2C's claim resolvers ({Context:x}, {OIDC:x}, {RelyingPartyTenantId}, {tenant}) have a ':' or no
  // space, '_' or '-'; format items ({0}) are digits.
  {
    id: 'brace-words',
    re: /\{(?=[^{}:"<>\n]{0,100}?(?:your|tenant|name|guid|domain|app|client|secret|key|url|id\b))[A-Za-z][^{}:"<>\n]{0,100}?[ _-][^{}:"<>\n]{0,100}?\}/gi,
    what: 'placeholder',
    literal: '{',
  },
];

/**
 * A header value (TenantId, PolicyId, BasePolicy ids) that holds template syntax: any placeholder above, or
 * characters no tenant or policy id has and templates use ({0} format items as in `B2C_1A_{0}_SUSI`, `$tenantId`,
 * `<tenant>`, `%{ }`, `****YOUR-TENANT****`). Such a value is a placeholder, not a typo: its format is not checked.
 */
export function isTemplatedValue(v: string): boolean {
  return /[{}$<>%#*[\]]/.test(v) || isPlaceholderValue(v);
}

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
    if (h.start < end) continue; // inside (or overlapping) an earlier hit: `${x}.onmicrosoft.com` is one placeholder
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
