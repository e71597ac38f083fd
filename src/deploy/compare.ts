/**
 * What the tenant holds against what we built. The service stores a policy with an attribute of
 * its own: GET …/$value returns the root element with `TenantObjectId="<tenant guid>"` added
 * (policies downloaded from tenants carry it; sources do not). That is the one rewrite assumed.
 * Also ignored: a byte-order mark, the XML declaration, and CRLF versus LF, which a download may
 * or may not keep. Anything else that differs counts as a change and is uploaded: a needless
 * upload is harmless, a skipped one is not.
 */

/** The text to compare: both sides go through this. */
export function comparable(xml: string): string {
  let t = xml.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  t = t.replace(/^\s*<\?xml\b[^?]*\?>\s*/, '');
  return withoutTenantObjectId(t).trim();
}

/** The root start tag without the TenantObjectId attribute the service adds (a splice: nothing else moves). */
export function withoutTenantObjectId(xml: string): string {
  const root = /<TrustFrameworkPolicy\b/.exec(xml);
  if (!root) return xml;
  const end = startTagEnd(xml, root.index);
  if (end < 0) return xml;
  const tag = xml.slice(root.index, end);
  const cut = tag.replace(/\s+TenantObjectId\s*=\s*(?:"[^"]*"|'[^']*')/, '');
  return cut === tag ? xml : xml.slice(0, root.index) + cut + xml.slice(end);
}

/** Offset of the `>` that ends the start tag at `start` (quotes respected), or -1. */
function startTagEnd(text: string, start: number): number {
  let quote = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  return -1;
}
