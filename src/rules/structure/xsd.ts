import { POLICY_NS, type Policy } from '../../policy/policy.js';
import { isPlaceholderValue } from '../placeholder/patterns.js';
import type { LintOptions, Rule } from '../types.js';

/**
 * Files larger than this are not handed to libxml2: its tree of a 15 MB policy took about 90 MB more.
 * The service refuses files over 1024 KB anyway (LIMIT-001); SCH-001 checks their element order instead.
 */
export const XSD_MAX_BYTES = 4 * 1024 * 1024;

/** Whether SCH-002 validates this file against the XSD in this run. */
export function schemaValidates(p: Policy, options: LintOptions): boolean {
  return !!options.xsd && p.source.bytes <= XSD_MAX_BYTES;
}

const rule: Rule = {
  meta: {
    id: 'SCH-002',
    name: 'xsd-valid',
    category: 'structure',
    severity: 'error',
    summary: 'The file is valid against TrustFrameworkPolicy_0.3.0.0.xsd (runs when --xsd is given or the XSD sits beside or above the files).',
    description:
      'The upload runs schema validation first ("Schema validation error found at line 27 col 4 ... has invalid child element"). The starter pack ships the XSD; its three broken ^...$ patterns are patched in memory so valid policies pass, and its JourneyInsights element also takes the ConnectionString attribute that Microsoft Learn\'s Application Insights article now uses (instead of the InstrumentationKey the 2020 XSD requires; azure-ad-b2c/vscode-extension#107). A templating token where the schema wants a tenant name, GUID or id ({Settings:Tenant}, #{X}#, ...) is not the value that will be uploaded: ENV-001 reports it (an error with --ready), not this rule. Duplicate-key errors are left to DUP-001. A file over 4 MB is not validated (an info says so): the service rejects it for its size (LIMIT-001), and the tree libxml2 builds of it takes several times its size in memory; SCH-001 checks its element order instead.',
    source: 'upload-errors.md §1 #3; libraries.md §3; ConnectionString: learn.microsoft.com troubleshoot-with-application-insights, azure-ad-b2c/vscode-extension#107',
    examples: {
      bad: '<ClaimType Id="otpCode">\n  <DataType>strin</DataType>',
      good: '<ClaimType Id="otpCode">\n  <DataType>string</DataType>',
    },
  },
  check({ set, options, report }) {
    const xsd = options.xsd;
    if (!xsd) return;
    for (const p of set.policies) {
      // A wrong namespace fails every element against the schema; XML-004 reports the one real cause.
      if (p.root.attributes.xmlns !== POLICY_NS) continue;
      if (!schemaValidates(p, options)) {
        report({
          file: p,
          at: { element: p.root },
          severity: 'info',
          message: `Schema validation skipped: the file is ${(p.source.bytes / 1048576).toFixed(1)} MB, over the ${XSD_MAX_BYTES / 1048576} MB this check takes on; the service rejects files over 1024 KB (LIMIT-001). Split the file, then validate.`,
        });
        continue;
      }
      for (const problem of xsd.validate(p.text, p.source.doc)) {
        if (/Duplicate key-sequence/.test(problem.message)) continue;
        // A templating token is not the value that will be uploaded: ENV-001 reports it (an error with --ready).
        if (isPlaceholderValue(offendingValue(problem.message) ?? p.text.slice(problem.start, problem.end))) continue;
        report({ file: p, at: { span: { start: problem.start, end: problem.end } }, message: `Schema: ${problem.message}` });
      }
    }
  },
};
/** The value libxml2 quotes as failing a type or facet: "The value 'x' is not accepted…", "'x' is not a valid value…". */
function offendingValue(message: string): string | undefined {
  const m = /The value '([^']*)'/.exec(message) ?? /: '([^']*)' is not a valid value/.exec(message);
  return m?.[1];
}

export default rule;
