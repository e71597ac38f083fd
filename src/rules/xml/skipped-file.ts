import { readProblemRule } from './broken-file.js';

export default readProblemRule(
  {
    id: 'XML-006',
    name: 'skipped-non-policy',
    category: 'xml',
    severity: 'info',
    summary: 'An XML file found while scanning a folder is not a TrustFrameworkPolicy, so it was skipped.',
    description:
      'Policy folders often hold other XML (build files, samples, app manifests). They are skipped rather than failed; name a file explicitly to have it checked as a policy.',
    source: 'issue "Hostile and broken input" (non-policy XML in a scanned folder)',
    examples: {
      bad: 'policies/ holds appsettings.xml (root <configuration>)',
      good: 'Only TrustFrameworkPolicy files, or the other file excluded with "ignore" in b2c-totp.config.json.',
    },
  },
  ['not-a-policy'],
  (f) => f.scanned,
);
