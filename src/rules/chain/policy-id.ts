import type { XmlElement } from '../../xml/nodes.js';
import type { Policy } from '../../policy/policy.js';
import { quote } from '../../util/quote.js';
import { findPlaceholders, isTemplatedValue } from '../placeholder/patterns.js';
import type { Report, Rule } from '../types.js';

/**
 * The schema pattern `[A-Za-z0-9_\-\.]*[A-Za-z0-9_\-]+` (TrustFrameworkPolicy_0.3.0.0.xsd, PolicyId), checked without
 * the backtracking regex: on a megabyte-long id ending in '.' that one takes minutes.
 */
function matchesSchema(id: string): boolean {
  return id.length > 0 && /^[A-Za-z0-9_\-.]*$/.test(id) && !id.endsWith('.');
}

type Problem = { message: string; severity?: Report['severity'] };

/** What is wrong with a PolicyId (`base`: a BasePolicy/PolicyId), or undefined. */
export function policyIdProblem(id: string, base = false, ready = false): Problem | undefined {
  if (isTemplatedValue(id)) {
    // A template id (B2C_1A_{0}_SUSI, B2C_1A_X_{{RELEASE_ID}}) is filled in by a build; ENV-001 notes the tokens it knows.
    if (findPlaceholders(id).length > 0) return undefined;
    return { message: `PolicyId ${quote(id)} is a template value: fill it in before upload.`, severity: ready ? 'error' : 'info' };
  }
  if (!matchesSchema(id)) return { message: `PolicyId ${quote(id)} has characters the schema does not allow (letters, digits, '_', '-', '.'; not ending in '.').` };
  if (!id.toUpperCase().startsWith('B2C_1A_')) {
    if (base) {
      return {
        message: `PolicyId ${quote(id)} must start with 'B2C_1A_': the service rejects a base policy id without it ("the basic policy constraint handler 'B2CBasicPoliciesOnly' cannot match the policy id"); the base is stored as 'B2C_1A_${id}'.`,
      };
    }
    return {
      severity: 'warning',
      message: `PolicyId ${quote(id)} has no 'B2C_1A_' prefix: the service adds it and stores the policy as 'B2C_1A_${id}', the id apps and child policies must use. Write it out so the file says what the tenant holds.`,
    };
  }
  return undefined;
}

const rule: Rule = {
  meta: {
    id: 'POL-001',
    name: 'policy-id',
    category: 'chain',
    severity: 'error',
    summary: "PolicyId and BasePolicy/PolicyId exist and match the schema pattern; a BasePolicy id starts with 'B2C_1A_' (a policy's own id should).",
    description:
      'Both ids are required and must match the schema pattern (the service validates uploads against the schema). ' +
      "A BasePolicy id without the B2C_1A_ prefix is rejected: \"is not allowed to inherit from the specified base policy ... 'B2CBasicPoliciesOnly' cannot match the policy id to a prefix\". " +
      "A policy's own PolicyId without the prefix uploads: the service adds the prefix (MicrosoftDocs#5303 shows the uploaded id as B2C_1A_B2C_1_policy-sign2; Microsoft's SendGrid display-control sample has shipped PolicyId=\"DisplayControl_sendgrid_PasswordReset\" since 2020 and apps call B2C_1A_DISPLAYCONTROL_SENDGRID_PASSWORDRESET), so that is a warning; ids in a chain match with or without the prefix. " +
      'Template ids (B2C_1A_{0}_SUSI filled by the IefPolicies module, {{RELEASE_ID}}, ${env}) are placeholders: info, an error with --ready.',
    source:
      'upload-errors.md §1 #3 (schema validation), #8 (MicrosoftDocs/azure-docs#5303); upload-semantics.md §3 (prefix added to a policy\'s own id; SendGrid display-control sample), §4 (templates); TrustFrameworkPolicy_0.3.0.0.xsd PolicyId',
    examples: {
      bad: '<BasePolicy>\n  <TenantId>contoso.onmicrosoft.com</TenantId>\n  <PolicyId>TrustFrameworkExtensions</PolicyId>\n</BasePolicy>',
      good: '<BasePolicy>\n  <TenantId>contoso.onmicrosoft.com</TenantId>\n  <PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>\n</BasePolicy>',
    },
  },
  check({ set, options, report }) {
    for (const p of set.policies) {
      if (p.policyId === undefined) {
        report({ file: p, at: { element: p.root }, message: 'TrustFrameworkPolicy has no PolicyId attribute (the schema requires it).' });
      } else {
        const problem = policyIdProblem(p.policyId, false, options.ready);
        if (problem) report({ file: p, at: { element: p.root, attribute: 'PolicyId' }, message: problem.message, severity: problem.severity });
      }
      if (p.base) checkBase(p, p.base.policyIdElement, p.base.element, options.ready, report);
    }
  },
};

function checkBase(p: Policy, idEl: XmlElement | undefined, baseEl: XmlElement, ready: boolean, report: (r: Report) => void): void {
  if (!idEl || p.base!.policyId === '') {
    report({ file: p, at: { element: idEl ?? baseEl }, message: 'BasePolicy has no PolicyId (the schema requires one).' });
    return;
  }
  const problem = policyIdProblem(p.base!.policyId, true, ready);
  if (problem) report({ file: p, at: { element: idEl, text: true }, message: `BasePolicy: ${problem.message}`, severity: problem.severity });
}

export default rule;
