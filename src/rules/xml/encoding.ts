import { readProblemRule } from './broken-file.js';

export default readProblemRule(
  {
    id: 'XML-005',
    name: 'utf8-encoding',
    category: 'xml',
    severity: 'error',
    summary: 'The file is UTF-8 (optionally with a BOM): not UTF-16, and no invalid byte sequences.',
    description:
      'Policies are uploaded as UTF-8 XML. A UTF-16 file or a stray Latin-1 byte is rejected as "not XML", or silently turns into U+FFFD in display text.',
    source: 'libraries.md §2a (byte vs string offsets); upload-errors.md §1 #1',
    examples: {
      bad: 'A file saved as "Unicode" (UTF-16 LE) by an editor.',
      good: 'The same file saved as UTF-8.',
    },
  },
  ['encoding'],
);
