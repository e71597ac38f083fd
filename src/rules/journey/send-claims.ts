import { children } from '../../xml/element.js';
import { effectiveJourney, journeysDefinedIn, stepChild } from '../../policy/journey.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'JRN-002',
    name: 'send-claims-last',
    category: 'journey',
    severity: 'error',
    summary:
      'A UserJourney (as merged by Order) has a SendClaims step; a SendClaims step without preconditions that another SendClaims step follows makes the later one unreachable (warning).',
    description:
      'The upload fails with "User journey \'X\' does not contain a send claims step" (samples#44, #560) when no step of the journey, as the policy that defines or overrides it sees it, is of Type SendClaims. Several SendClaims steps are allowed: the OAuth2 error technical profile article shows a journey with two and says what to set when a journey "already has another SendClaims orchestration step", and deployed samples (age gating, unit-tests oauth2-error) put a precondition-guarded SendClaims that returns an error before the normal one. Steps after SendClaims are allowed too: the Application Insights article calls AppInsights-SignInComplete in a step after it, and the woodgrove demo and the Jumio and Onfido partner samples do so. What is worth a warning: a SendClaims step without preconditions followed by another SendClaims step, which can then never run. A journey without SendClaims of its own that invokes a sub-journey that has one (a Transfer sub-journey) is a warning: whether the service accepts it is not documented.',
    source:
      'upload-semantics.md §2; samples#44, #560 ("does not contain a send claims step"); oauth2-error-technical-profile.md (two SendClaims steps); analytics-with-application-insights.md (step after SendClaims)',
    examples: {
      bad: '<UserJourney Id="SignUpOrSignIn">\n  <OrchestrationSteps>\n    <OrchestrationStep Order="1" Type="CombinedSignInAndSignUp" .../>\n    <OrchestrationStep Order="2" Type="ClaimsExchange">...</OrchestrationStep>\n  </OrchestrationSteps>  <!-- no SendClaims step -->',
      good: '<OrchestrationStep Order="3" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />\n<OrchestrationStep Order="4" Type="ClaimsExchange">  <!-- AppInsights-SignInComplete: allowed -->',
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      if (!set.isComplete(p)) continue;
      for (const j of journeysDefinedIn(p)) {
        if (j.kind !== 'UserJourney') continue;
        const journey = effectiveJourney(set, p, j.kind, j.id);
        if (!journey) continue;
        const sends = journey.steps.filter((s) => s.type === 'SendClaims');
        if (sends.length === 0) {
          const viaSub = journey.steps.some(
            (s) =>
              s.type === 'InvokeSubJourney' &&
              children(stepChild(s, 'JourneyList')?.element, 'Candidate').some((c) => {
                const sub = c.attributes.SubJourneyReferenceId;
                return !!sub && !!effectiveJourney(set, p, 'SubJourney', sub)?.steps.some((x) => x.type === 'SendClaims');
              }),
          );
          report({
            file: p,
            at: { element: j.element, attribute: 'Id' },
            severity: viaSub ? 'warning' : undefined,
            message: viaSub
              ? `UserJourney '${j.id}' has no SendClaims step of its own, only in a sub-journey it invokes; whether the upload accepts that is not documented ("does not contain a send claims step").`
              : `UserJourney '${j.id}' has no SendClaims step; the upload fails ("User journey '${j.id}' does not contain a send claims step"). Add an OrchestrationStep of Type SendClaims.`,
          });
          continue;
        }
        for (const [i, s] of sends.slice(0, -1).entries()) {
          if (children(stepChild(s, 'Preconditions')?.element, 'Precondition').length > 0) continue;
          const later = sends[i + 1]!;
          report({
            file: s.policy,
            at: { element: s.element, attribute: 'Type' },
            severity: 'warning',
            message: `SendClaims step ${s.order} of UserJourney '${j.id}' has no preconditions, so it always ends the journey and SendClaims step ${later.order} never runs; guard step ${s.order} with a precondition or remove one of them.`,
          });
        }
      }
    }
  },
};
export default rule;
