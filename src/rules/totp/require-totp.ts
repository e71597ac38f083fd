import { effectiveTechnicalProfile, handlerIs } from '../../policy/effective.js';
import type { Step } from '../../policy/journey.js';
import type { Policy } from '../../policy/policy.js';
import type { XmlElement } from '../../xml/nodes.js';
import { PROVIDER_CLASS } from '../../totp/catalogue.js';
import { errorOnlySendClaims, isIdentityProvider, policyNames, relyingPartyFlows, verifiesAuthenticatorCode } from '../../totp/flow.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-040',
    name: 'require-totp',
    category: 'totp',
    severity: 'error',
    summary:
      'Opt-in ("requireTotp" in b2c-totp.config.json): every relying party journey that signs a local or federated user in verifies an authenticator code (VerifyOTP) before the SendClaims that issues the token.',
    description:
      'Off unless the config turns it on: `"requireTotp": true` checks every relying party, a list of UserJourney Ids checks the relying parties that run those journeys. Then TOTP coverage is checked on every later edit: a new relying party, a copied journey or a removed step that lets a signed-in user (a directory read or write, or a federated identity provider exchange) reach a token-issuing SendClaims without an AzureMfa VerifyOTP call on the way is an error. Sub-journeys are followed. A SendClaims that only returns an error (an OAuth2Error issuer, or one a precondition guards with another SendClaims after it) issues no token and needs none. Preconditions are not evaluated: a VerifyOTP step a precondition may skip still counts, so a finding always means the journey has no VerifyOTP at all before the token. An error although no upload fails: the team asked for the check, and `b2c-totp inject` fixes it.',
    source: 'The user\'s own requirement (config "requireTotp"); what counts as verification: seeds/001 (D-MFATP) VerifyOTP; token-issuing SendClaims: upload-semantics.md §2',
    examples: {
      bad: '"requireTotp": true\n<OrchestrationStep Order="2" Type="ClaimsExchange"> … AAD-UserReadUsingObjectId … </OrchestrationStep>\n<OrchestrationStep Order="3" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />',
      good: '<OrchestrationStep Order="3" Type="InvokeSubJourney">\n  <JourneyList><Candidate SubJourneyReferenceId="TotpFactor-Verify" /></JourneyList>\n</OrchestrationStep>\n<OrchestrationStep Order="4" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />',
    },
  },
  check({ set, options, report }) {
    const required = options.requireTotp;
    if (!required || (Array.isArray(required) && required.length === 0)) return;
    const journeys = Array.isArray(required) ? new Set(required.map((j) => j.toLowerCase())) : undefined;
    const found = new Map<XmlElement, { step: Step; journey: string; relyingParties: Policy[] }>();
    for (const flow of relyingPartyFlows(set)) {
      if (journeys && !journeys.has(flow.id.toLowerCase())) continue;
      let signedIn = false;
      for (let i = 0; i < flow.steps.length; i++) {
        const fs = flow.steps[i]!;
        const tps = fs.exchanges.flatMap((ex) => (ex.tp ? [ex.tp] : []));
        if (tps.some((tp) => verifiesAuthenticatorCode(set, flow.from, tp))) break;
        const withValidations = tps.flatMap((tp) => [tp, ...tp.validationTechnicalProfiles.flatMap((v) => effectiveTechnicalProfile(set, flow.from, v.id) ?? [])]);
        if (withValidations.some((tp) => handlerIs(tp, PROVIDER_CLASS.azureActiveDirectory) || isIdentityProvider(tp))) signedIn = true;
        if (fs.step.type !== 'SendClaims' || !signedIn) continue;
        if (errorOnlySendClaims(set, flow.from, fs.step, flow.steps.slice(i + 1).map((s) => s.step))) continue;
        const hit = found.get(fs.step.element);
        if (hit) hit.relyingParties.push(flow.relyingParty);
        else found.set(fs.step.element, { step: fs.step, journey: fs.journey, relyingParties: [flow.relyingParty] });
        break;
      }
    }
    for (const { step, journey, relyingParties } of found.values()) {
      report({
        file: step.policy,
        at: { element: step.element, attribute: 'Type' },
        message: `Journey '${journey}' (relying party ${policyNames(relyingParties)}) issues a token at step ${step.order} to a signed-in user without verifying an authenticator code (no VerifyOTP before it), and "requireTotp" asks for TOTP; add it with \`b2c-totp inject\`.`,
      });
    }
  },
};
export default rule;
