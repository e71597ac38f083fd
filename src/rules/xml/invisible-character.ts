import type { Policy } from '../../policy/policy.js';
import { attributeSpans } from '../../xml/element.js';
import type { XmlElement } from '../../xml/nodes.js';
import type { Rule } from '../types.js';

/** Zero-width, bidi-control and other invisible code points. The file's own BOM is not in the text read here. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u00AD\u180E\uFEFF\uFFF9-\uFFFB]/g;
const MAX_PER_FILE = 20;

const NAMES: Record<string, string> = {
  '\u200B': 'ZERO WIDTH SPACE',
  '\u200C': 'ZERO WIDTH NON-JOINER',
  '\u200D': 'ZERO WIDTH JOINER',
  '\u200E': 'LEFT-TO-RIGHT MARK',
  '\u200F': 'RIGHT-TO-LEFT MARK',
  '\u2060': 'WORD JOINER',
  '\u00AD': 'SOFT HYPHEN',
  '\uFEFF': 'BYTE ORDER MARK (not at the start of the file)',
};

/** Attributes that hold an Id, a reference or a keyword the service matches: Id, PolicyId, *ReferenceId, ElementId, StringId, ClaimType, Key, Name, ... */
const ID_ATTRIBUTE = /(?:Id|^ClaimType|^PartnerClaimType|^Key|^Name|^Handler|^Type|^ElementType|^Order|^DataType|^xmlns(?::\w+)?|^PolicySchemaVersion)$/;
/** Elements whose text is an id or keyword rather than display text. */
const ID_ELEMENT = new Set(['PolicyId', 'TenantId', 'DataType', 'Value', 'Action', 'Protocol', 'UserInputType', 'Mask', 'Pattern']);
/** Metadata items whose value is an id (ContentDefinitionReferenceId, client_id, ApplicationObjectId, ...). */
const ID_ITEM_KEY = /(?:Id|_id|ReferenceId)$/i;

type Where = { identifier: true; what: string } | { identifier: false };

const rule: Rule = {
  meta: {
    id: 'XML-003',
    name: 'invisible-character',
    category: 'xml',
    severity: 'error',
    summary: 'No zero-width, bidi-control or other invisible characters in Ids and references (an error) or in display text (a warning).',
    description:
      'In an Id, a reference, a metadata id or a keyword, an invisible character silently breaks matching: "Id\u200B" is another Id than "Id", and the reference no longer resolves, or the value is wrong. That is an error. ' +
      'In display text (DisplayName, LocalizedString, help text, messages, comments) it uploads fine: Microsoft\'s TOTP sample carried U+200B in a DisplayName and a LocalizedString from 2021-07 to 2023-07 and users ran it unchanged (azure-ad-b2c/samples#517). ' +
      'It is still worth deleting (it shows up in copy-paste and search), so it is a warning there. The one upload failure once blamed on it (samples PR#547, "The policy being uploaded is not XML or is not correctly formatted") came from a Windows PowerShell deploy script that re-encoded the file as cp1252, producing invalid UTF-8 (see XML-005), not from the character itself.',
    source: 'upload-semantics.md §5 (azure-ad-b2c/samples#517: U+200B in the TOTP sample\'s display text, deployed 2021-07..2023-07; samples PR#547: the failure came from a PowerShell script re-encoding the file)',
    examples: {
      bad: '<OutputClaim ClaimTypeReferenceId="totpIdentifier\u200B" />',
      good: '<OutputClaim ClaimTypeReferenceId="totpIdentifier" />',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      if (p.source.ascii) continue; // every character it looks for is outside ASCII
      const text = p.text;
      let count = 0;
      INVISIBLE.lastIndex = 0;
      for (let m = INVISIBLE.exec(text); m; m = INVISIBLE.exec(text)) {
        if (++count > MAX_PER_FILE) break;
        const cp = m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
        const name = `U+${cp}${NAMES[m[0]] ? ` (${NAMES[m[0]]})` : ''}`;
        const where = locate(p, m.index);
        report({
          file: p,
          at: { span: { start: m.index, end: m.index + 1 } },
          severity: where.identifier ? undefined : 'warning',
          message: where.identifier
            ? `Invisible character ${name} in ${where.what}: it silently breaks matching (the value is no longer the Id or keyword it looks like); delete it.`
            : `Invisible character ${name} in text; it uploads, but shows up in copy-paste and search; delete it.`,
        });
      }
    }
  },
};

/** Whether an offset is inside an Id, a reference or a keyword (attribute value or element text), and which. */
function locate(p: Policy, offset: number): Where {
  const el = innermost(p.source.elements, offset);
  if (!el) return { identifier: false };
  for (const attr of Object.keys(el.attributes)) {
    const s = attributeSpans(p.text, el, attr);
    if (s && offset >= s.value.start && offset < s.value.end) {
      return ID_ATTRIBUTE.test(attr) ? { identifier: true, what: `the ${attr} attribute of <${el.name}>` } : { identifier: false };
    }
  }
  const startTagEnd = p.text.indexOf('>', el.start);
  if (offset < startTagEnd) return { identifier: false };
  const commentOpen = p.text.lastIndexOf('<!--', offset);
  if (commentOpen > el.start && p.text.lastIndexOf('-->', offset) < commentOpen) return { identifier: false };
  if (ID_ELEMENT.has(el.name)) return { identifier: true, what: `<${el.name}>` };
  if (el.name === 'Item' && el.attributes.Key !== undefined && ID_ITEM_KEY.test(el.attributes.Key)) return { identifier: true, what: `metadata item ${el.attributes.Key}` };
  return { identifier: false };
}

/** The deepest element whose span holds the offset: elements are in document order, so the last such one. */
function innermost(elements: readonly XmlElement[], offset: number): XmlElement | undefined {
  let lo = 0;
  let hi = elements.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (elements[mid]!.start <= offset) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = last; i >= 0; i--) if (elements[i]!.end > offset) return elements[i];
  return undefined;
}

export default rule;
