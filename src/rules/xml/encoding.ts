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
    source: 'upload-errors.md §1 #1 ("The policy being uploaded is not XML or is not correctly formatted"); upload-semantics.md §5 (azure-ad-b2c/samples PR#547: a Windows PowerShell deploy script re-encoded a policy as cp1252, producing invalid UTF-8, and the upload failed); libraries.md §2a',
    examples: {
      bad: 'A file saved as "Unicode" (UTF-16 LE) by an editor.',
      good: 'The same file saved as UTF-8.',
    },
  },
  ['encoding'],
);
