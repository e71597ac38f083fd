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

const rule: Rule = {
  meta: {
    id: 'XML-003',
    name: 'invisible-character',
    category: 'xml',
    severity: 'error',
    summary: 'No zero-width, bidi-control or other invisible characters anywhere in the file.',
    description:
      'The official TOTP sample once shipped a U+200B inside a DisplayName; Graph upload then failed with "The policy being uploaded is not XML or is not correctly formatted", and an invisible character inside an Id makes references fail to match.',
    source: 'upload-errors.md §1 #1 and T11; totp-spec.md §9 POL-008 (sample commit 0b4bb5d)',
    examples: {
      bad: '<ClaimType Id="QrCodeVerifyInstruction">\n  <DisplayName>Enter the code\u200B from your app.</DisplayName>',
      good: '<ClaimType Id="QrCodeVerifyInstruction">\n  <DisplayName>Enter the code from your app.</DisplayName>',
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
        report({
          file: p,
          at: { span: { start: m.index, end: m.index + 1 } },
          message: `Invisible character U+${cp}${NAMES[m[0]] ? ` (${NAMES[m[0]]})` : ''}; delete it.`,
        });
      }
    }
  },
};
export default rule;
