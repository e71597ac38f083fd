import type { XmlElement } from '../../xml/nodes.js';
import type { ClaimRef } from '../../policy/effective.js';
import type { Policy } from '../../policy/policy.js';
import { addTransformationOutputs, type FlowExchange, type FlowStep, relyingPartyFlows } from '../../totp/flow.js';
import type { Rule } from '../types.js';
import { claimsCollected, isOpaque, journeyLabel, profileIsOpaque, relyingPartyLabel, stepOutputs, stepRestores } from './claim-flow.js';

/** Best first: `output` by an earlier step; `session`: only restored by an earlier step's session provider; `missing`: neither. */
type Status = 'output' | 'session' | 'missing';
const RANK: Record<Status, number> = { output: 0, session: 1, missing: 2 };

interface Gap {
  exchange: FlowExchange;
  step: FlowStep;
  input: ClaimRef;
  status: Status;
  /** For `session`: the session providers that restore the claim. */
  sessions: string[];
  relyingParties: Policy[];
}

const rule: Rule = {
  meta: {
    id: 'FLOW-001',
    name: 'required-input-produced',
    category: 'flow',
    severity: 'error',
    summary:
      'In every relying party\'s journey, each Required InputClaim (without a DefaultValue) of an orchestration step\'s technical profile is output by an earlier step, made by the profile\'s own input claims transformations, or passed in by the relying party (warning when only a session provider restores it).',
    description:
      'The service checks the claim flow of each relying party\'s journey on upload and rejects it with "Claim type X is the input claim of technical profile Y in step N of user journey Z but it is not an output claim in any of the previous steps". The usual cause is removing an identity provider (e.g. Facebook) whose output claims transformation was the only producer of a claim such as alternativeSecurityId. A step outputs its profile\'s OutputClaims and the outputs of its input and output claims transformations; sub-journeys are inlined and preconditions ignored, so a claim any earlier step (any exchange of it) could output counts. A claim only a session provider persists is in the bag only after SSO, and the service does not count it as a step output (see FLOW-002), so it is reported as a warning. A self-asserted page\'s inputs that it collects itself (an OutputClaim or DisplayClaim whose claim type has a UserInputType the user can type into) are not needs; validation technical profiles run inside their page, so their inputs are left alone. Steps after an unresolved reference are not judged, and neither is a journey whose merged Orders do not run 1..N (JRN-001 reports it; which step runs first is then unknown).',
    source: 'upload-errors.md §1 #18; MicrosoftDocs#12948, #30477, #46988; samples#629; starterpack#144, #147',
    examples: {
      bad: '<OrchestrationStep Order="2" Type="ClaimsExchange">  (Facebook removed: nothing outputs alternativeSecurityId)\n  <ClaimsExchanges>\n    <ClaimsExchange Id="SignUpWithLogonEmailExchange" TechnicalProfileReferenceId="LocalAccountSignUpWithLogonEmail" />\n  </ClaimsExchanges>\n</OrchestrationStep>\n<OrchestrationStep Order="3" Type="ClaimsExchange">\n  <ClaimsExchanges>\n    <ClaimsExchange Id="AADUserReadUsingAlternativeSecurityId" TechnicalProfileReferenceId="AAD-UserReadUsingAlternativeSecurityId-NoError" />\n  </ClaimsExchanges>\n</OrchestrationStep>',
      good: '<OrchestrationStep Order="2" Type="ClaimsExchange">  (the identity provider outputs alternativeSecurityId)\n  <ClaimsExchanges>\n    <ClaimsExchange Id="FacebookExchange" TechnicalProfileReferenceId="Facebook-OAUTH" />\n    <ClaimsExchange Id="SignUpWithLogonEmailExchange" TechnicalProfileReferenceId="LocalAccountSignUpWithLogonEmail" />\n  </ClaimsExchanges>\n</OrchestrationStep>\n(or remove the steps that read it, or give the InputClaim a DefaultValue)',
    },
  },
  check({ set, report }) {
    const gaps = new Map<XmlElement, Map<string, Gap>>();
    for (const flow of relyingPartyFlows(set)) {
      // Orders that do not run 1..N are JRN-001's finding; which step comes first is then unknown.
      if (flow.misnumbered) continue;
      const bag = new Set(flow.initial.map((c) => c.toLowerCase()));
      const restored = new Map<string, Set<string>>();
      // Per exchange and claim in this journey, the best status over every place the exchange runs (a sub-journey may run twice).
      const here = new Map<XmlElement, Map<string, Gap>>();
      let opaque = false;
      for (const fs of flow.steps) {
        for (const ex of fs.exchanges) {
          if (!ex.tp) continue;
          const inside = new Set<string>();
          addTransformationOutputs(set, flow.from, ex.tp.inputClaimsTransformations, inside);
          const collected = claimsCollected(set, flow.from, ex.tp);
          const unknowable = opaque || profileIsOpaque(set, flow.from, ex.tp);
          for (const input of ex.tp.inputClaims) {
            if (input.displayControl || !input.required || input.defaultValue !== undefined) continue;
            const claim = input.id.toLowerCase();
            const met = unknowable || bag.has(claim) || inside.has(claim) || collected.has(claim);
            const status: Status = met ? 'output' : restored.has(claim) ? 'session' : 'missing';
            let perClaim = here.get(ex.element);
            if (!perClaim) here.set(ex.element, (perClaim = new Map()));
            const prev = perClaim.get(claim);
            if (!prev || RANK[status] < RANK[prev.status]) {
              perClaim.set(claim, { exchange: ex, step: fs, input, status, sessions: [...(restored.get(claim) ?? [])], relyingParties: [] });
            }
          }
        }
        if (isOpaque(set, flow.from, fs)) opaque = true;
        for (const c of stepOutputs(set, flow.from, fs)) bag.add(c);
        for (const [c, session] of stepRestores(set, flow.from, fs)) {
          const list = restored.get(c);
          if (list) list.add(session);
          else restored.set(c, new Set([session]));
        }
      }
      // Across relying parties: the worst status wins; the relying parties listed are those with it.
      for (const [element, perClaim] of here) {
        for (const [claim, gap] of perClaim) {
          if (gap.status === 'output') continue;
          let all = gaps.get(element);
          if (!all) gaps.set(element, (all = new Map()));
          const prev = all.get(claim);
          if (!prev || RANK[gap.status] > RANK[prev.status]) all.set(claim, { ...gap, relyingParties: [flow.relyingParty] });
          else if (prev.status === gap.status && !prev.relyingParties.includes(flow.relyingParty)) {
            prev.relyingParties.push(flow.relyingParty);
            for (const s of gap.sessions) if (!prev.sessions.includes(s)) prev.sessions.push(s);
          }
        }
      }
    }
    for (const perClaim of gaps.values()) {
      for (const g of perClaim.values()) {
        const where = `Claim '${g.input.id}' is a required input of technical profile '${g.exchange.tpId}' in step ${g.step.step.order} of ${journeyLabel(g.step)} (${relyingPartyLabel(g.relyingParties)})`;
        const fix = 'output it from an earlier step (OutputClaims or an output claims transformation), or give the InputClaim a DefaultValue.';
        report({
          file: g.exchange.policy,
          at: { element: g.exchange.element, attribute: 'TechnicalProfileReferenceId' },
          message:
            g.status === 'missing'
              ? `${where}, but no earlier step outputs it; ${fix}`
              : `${where}, but no earlier step outputs it: only ${g.sessions.length === 1 ? 'session provider' : 'session providers'} ${g.sessions.map((s) => `'${s}'`).join(', ')} ${g.sessions.length === 1 ? 'restores' : 'restore'} it after SSO, which the upload validation does not count and a first sign-in lacks; ${fix}`,
          severity: g.status === 'session' ? 'warning' : undefined,
        });
      }
    }
  },
};
export default rule;
