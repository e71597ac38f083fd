/**
 * Per-environment text substitution. Every change is a splice into the original text (applyEdits),
 * so bytes, BOM, line endings and formatting outside the replaced tokens are kept exactly.
 */
import type { Policy } from '../policy/policy.js';
import { lookup, settingValue, STARTER_PACK_SETTINGS, type TargetEnvironment } from '../policy/settings.js';
import { attributeSpans, textSpan } from '../xml/element.js';
import type { Edit } from '../xml/edit.js';

/**
 * `{Settings:<key>}` (the `Settings` prefix and the key are matched case-insensitively, as the VS Code
 * extension does), then the starter pack's placeholders. One pass, left to right: a value is never
 * scanned again, and the bare app-id words inside a `{Settings:...}` token are part of that token.
 */
const TOKEN = /\{Settings:([^{}\s"<>]*)\}|\byourtenant(\.onmicrosoft\.com)?\b|\b(ProxyIdentityExperienceFrameworkAppId|IdentityExperienceFrameworkAppId|facebook_clientid)\b/gi;

export interface Substitution extends Edit {
  /** The token replaced, e.g. `{Settings:Tenant}` or `yourtenant.onmicrosoft.com`. */
  token: string;
}

/**
 * Every known token in `text` and its replacement for `env`. Unknown tokens, and settings with an
 * empty value, are left for the lint to report (ENV-004).
 */
export function substitutions(text: string, env: TargetEnvironment, fileName: string): Substitution[] {
  const edits: Substitution[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const token = m[0];
    let value: string | undefined;
    if (m[1] !== undefined) {
      value = settingValue(env, m[1], fileName);
    } else if (m[3] !== undefined) {
      const keys = STARTER_PACK_SETTINGS[m[3]];
      if (keys) for (const k of keys) value ??= lookup(env.settings, k);
    } else if (m[2] !== undefined) {
      value = env.tenant; // yourtenant.onmicrosoft.com
    } else if (/\.onmicrosoft\.com$/i.test(env.tenant)) {
      value = env.tenant.slice(0, env.tenant.indexOf('.')); // bare yourtenant, e.g. yourtenant.b2clogin.com
    }
    if (value !== undefined && value !== token) edits.push({ start: m.index, end: m.index + token.length, text: value, token });
  }
  return edits;
}

const B2C_1A = 'B2C_1A_';

/**
 * Inserts `prefix` after `B2C_1A_` in the root PolicyId, the BasePolicy/PolicyId and the PolicyId
 * part of PublicPolicyUri — only for ids that `inSet` says belong to this set (a base already
 * deployed on its own keeps its id).
 */
export function prefixEdits(p: Policy, prefix: string, inSet: (policyId: string) => boolean): Edit[] {
  if (prefix === '') return [];
  const text = p.text;
  const edits: Edit[] = [];
  const at = (start: number, raw: string, id: string | undefined) => {
    // The raw text must be the id itself (no entity references), so the splice lands where it should.
    if (id === undefined || raw !== id || !raw.toUpperCase().startsWith(B2C_1A) || !inSet(id)) return;
    edits.push({ start: start + B2C_1A.length, end: start + B2C_1A.length, text: prefix });
  };
  const own = attributeSpans(text, p.root, 'PolicyId');
  if (own) at(own.value.start, text.slice(own.value.start, own.value.end), p.policyId);

  const baseId = p.base?.policyIdElement;
  if (baseId && p.base?.policyId) {
    const span = textSpan(baseId);
    at(span.start, text.slice(span.start, span.end), p.base.policyId);
  }

  const uri = attributeSpans(text, p.root, 'PublicPolicyUri');
  if (uri && p.policyId) {
    const raw = text.slice(uri.value.start, uri.value.end);
    const slash = raw.lastIndexOf('/');
    const last = raw.slice(slash + 1);
    if (slash >= 0 && last.toLowerCase() === p.policyId.toLowerCase()) at(uri.value.start + slash + 1, last, last);
  }
  return edits;
}

/** `B2C_1A_X` → `B2C_1A_<prefix>X`; other ids are returned as they are. */
export function prefixed(id: string, prefix: string): string {
  return prefix && id.toUpperCase().startsWith(B2C_1A) ? id.slice(0, B2C_1A.length) + prefix + id.slice(B2C_1A.length) : id;
}

/**
 * Maps an offset in the edited text back to the text the edits were applied to. An offset inside
 * replaced text maps to the start of what it replaced (or its end, for `side: 'end'`).
 */
export function mapBack(edits: readonly Edit[], offset: number, side: 'start' | 'end' = 'start'): number {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let delta = 0;
  for (const e of sorted) {
    const outStart = e.start + delta;
    if (offset < outStart) break;
    const outEnd = outStart + e.text.length;
    if (offset < outEnd) return side === 'end' && offset > outStart ? e.end : e.start;
    delta += e.text.length - (e.end - e.start);
  }
  return offset - delta;
}
