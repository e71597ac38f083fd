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
   * How candidates are found before the regex runs (one of the three):
   * - `literal`: a substring every match contains, in this exact case (a native search, then the regex);
   * - `start`: every match starts with `{`, or with `your` in any case: one shared scan finds those places
   *   and the regex is tried at each (a case-insensitive regex scan of a whole file costs several times more);
   * - `lower`: a lower-case substring every match contains in some case, searched case-insensitively first.
   */
  literal?: string;
  start?: '{' | 'your';
  lower?: string;
  /** A test of a match beyond what the regex checks (kept out of the regex so that it scans in linear time). */
  accept?: (token: string) => boolean;
}

export const PLACEHOLDERS: readonly PlaceholderKind[] = [
  // Any case ({settings:x} too), as the VS Code extension and build match it.
  { id: 'settings', re: /\{Settings:[^{}\s"<>]*\}/gi, what: 'VS Code B2C extension setting', start: '{' },
  { id: 'yourtenant', re: /\byourtenant(?:\.onmicrosoft\.com)?\b/gi, what: 'starter-pack tenant placeholder', start: 'your' },
  { id: 'proxy-ief', re: /\bProxyIdentityExperienceFrameworkAppId\b/g, what: 'starter-pack ProxyIdentityExperienceFramework app id placeholder', literal: 'ProxyIdentityExperienceFrameworkAppId' },
  { id: 'ief', re: /(?<!Proxy)\bIdentityExperienceFrameworkAppId\b/g, what: 'starter-pack IdentityExperienceFramework app id placeholder', literal: 'IdentityExperienceFrameworkAppId' },
  { id: 'facebook', re: /\bfacebook_clientid\b/g, what: 'starter-pack Facebook app id placeholder', literal: 'facebook_clientid' },
  { id: 'config', re: /\{config:[^{}\s"<>]*\}/gi, what: 'pipeline token', start: '{' },
  { id: 'hash', re: /#\{[^{}\s"<>]+\}#/g, what: 'pipeline token', literal: '#{' },
  { id: 'double-hash', re: /\{##[^{}\s"<>]+##\}/g, what: 'pipeline token', start: '{' },
  { id: 'change-this', re: /\[CHANGE-THIS\]/g, what: 'placeholder', literal: '[CHANGE-THIS]' },
  // Template engines seen in real repositories (upload-semantics.md §4): Mustache/Handlebars/Jinja ({{ tenantId }}, the
  // ieftool GitHub Actions sample), ${var} (Terraform, envsubst, PowerShell), %{ if } (Terraform directives), __Token__
  // (Azure DevOps replace-tokens). Bounded lengths keep every scan linear on hostile input.
  { id: 'mustache', re: /\{\{[^{}<>"\n]{1,100}\}\}/g, what: 'template token', start: '{' },
  { id: 'dollar', re: /\$\{[^{}<>"\s]{1,100}\}/g, what: 'template variable', literal: '${' },
  { id: 'terraform', re: /%\{[^{}\n]{0,200}\}/g, what: 'Terraform template directive', literal: '%{' },
  { id: 'dunder', re: /(?<![A-Za-z0-9_])__[A-Za-z][A-Za-z0-9_.-]{0,100}?__(?![A-Za-z0-9_])/g, what: 'pipeline token', literal: '__' },
  // your-tenant, your_b2c_tenant_name, YOUR_TENANT_ID, your-dev-tenant.onmicrosoft.com: a word no tenant or id has.
  { id: 'your-tenant', re: /\byour[-_]?[a-z0-9]{0,30}?[-_]?(?:tenant|b2c)[a-z0-9_-]{0,60}/gi, what: 'tenant placeholder', start: 'your' },
  { id: 'tenant-name', re: /\btenant-name\.onmicrosoft\.com\b/gi, what: 'tenant placeholder', lower: 'tenant-name.onmicrosoft.com' },
  // {tenant}.onmicrosoft.com, {TENANT_ID}.onmicrosoft.com: braces before the tenant domain are never a claim resolver.
  { id: 'brace-tenant', re: /\{[^{}:"<>\n]{1,100}\}+[#a-z]?\.onmicrosoft\.com\b/gi, what: 'tenant placeholder', start: '{' },
  // {your B2C tenant name}, {your_tenant_name}, {TENANT_ID}, {allowed Azure AD Tenant 1 GUID}: words in braces that name
  // what to fill in. B2C's claim resolvers ({Context:x}, {OIDC:x}, {RelyingPartyTenantId}, {tenant}) have a ':' or no
  // space, '_' or '-'; format items ({0}) are digits.
  // The regex finds a brace group that starts with a letter; `accept` then asks for a separator and a word that names
  // what to fill in (a lookahead for the words at every '{' made this the slowest scan of the file).
  {
    id: 'brace-words',
    re: /\{[A-Za-z][^{}:"<>\n]{0,200}\}/g,
    what: 'placeholder',
    start: '{',
    accept: (token) => /[ _-]/.test(token.slice(1, -1)) && BRACE_WORDS.test(token),
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

/** Words in braces that name what to fill in (brace-words). */
const BRACE_WORDS = /your|tenant|name|guid|domain|app|client|secret|key|url|id\b/i;

/** True when a value is (or contains) a placeholder, so format checks should leave it alone. */
export function isPlaceholderValue(v: string): boolean {
  return findPlaceholders(v, false).length > 0;
}

export interface PlaceholderHit {
  start: number;
  end: number;
  token: string;
  kind: PlaceholderKind;
}

/** Per `lower` kind: a case-insensitive search for that substring (lower-casing a whole file costs more). */
const GATES = PLACEHOLDERS.map((k) => (k.lower === undefined ? undefined : new RegExp(k.lower.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i')));
/** The kinds tried at each `{`, and at each `your`, each as a sticky regex. */
const sticky = (k: PlaceholderKind) => ({ kind: k, re: new RegExp(k.re.source, `${k.re.flags.replace('g', '')}y`) });
const AT_BRACE = PLACEHOLDERS.filter((k) => k.start === '{').map(sticky);
const AT_YOUR = PLACEHOLDERS.filter((k) => k.start === 'your').map(sticky);
const YOUR = /\byour/gi;

/**
 * Every placeholder (outside comments, unless `skipComments` is false), in text order. A hit inside another
 * one is part of it and not reported on its own: `{Settings:ProxyIdentityExperienceFrameworkAppId}` is one
 * placeholder, not also the app-id word in it. Files are large and hits are few: each kind's regex runs only
 * when a native search finds the substring all its matches contain.
 */
export function findPlaceholders(text: string, skipComments = true): PlaceholderHit[] {
  const hits: PlaceholderHit[] = [];
  const inComment = skipComments ? commentTest(text) : () => false;
  const tryAt = (at: number, kinds: ReadonlyArray<{ kind: PlaceholderKind; re: RegExp }>) => {
    for (const { kind, re } of kinds) {
      re.lastIndex = at;
      const m = re.exec(text);
      if (m && (!kind.accept || kind.accept(m[0])) && !inComment(at)) hits.push({ start: at, end: at + m[0].length, token: m[0], kind });
    }
  };
  for (let at = text.indexOf('{'); at >= 0; at = text.indexOf('{', at + 1)) tryAt(at, AT_BRACE);
  YOUR.lastIndex = 0;
  for (let m = YOUR.exec(text); m; m = YOUR.exec(text)) tryAt(m.index, AT_YOUR);
  for (let i = 0; i < PLACEHOLDERS.length; i++) {
    const kind = PLACEHOLDERS[i]!;
    if (kind.start !== undefined) continue;
    if (kind.literal !== undefined ? !text.includes(kind.literal) : !GATES[i]!.test(text)) continue;
    kind.re.lastIndex = 0;
    for (let m = kind.re.exec(text); m; m = kind.re.exec(text)) {
      if (kind.accept && !kind.accept(m[0])) continue;
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
