import { readProblemRule } from './broken-file.js';

export default readProblemRule(
  {
    id: 'XML-002',
    name: 'no-doctype',
    category: 'xml',
    severity: 'error',
    summary: 'The file has no DOCTYPE or ENTITY declaration.',
    description:
      'Policies never need a DOCTYPE. Entity declarations are how XML bombs and external-entity reads work, so the file is rejected before anything else is read, and no entity is expanded.',
    source: 'libraries.md §2d; issue "Hostile and broken input"',
    examples: {
      bad: '<?xml version="1.0"?>\n<!DOCTYPE x [ <!ENTITY a "aaaa"> ]>\n<TrustFrameworkPolicy ...>',
      good: '<?xml version="1.0" encoding="utf-8" ?>\n<TrustFrameworkPolicy ...>',
    },
  },
  ['doctype'],
);
