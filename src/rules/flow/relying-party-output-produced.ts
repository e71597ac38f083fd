import { claimRefs } from '../../policy/effective.js';
import { relyingPartyReach } from '../../policy/reach.js';
import { addTransformationOutputs, relyingPartyFlows } from '../../totp/flow.js';
import { transformation } from '../../totp/azuremfa.js';
import { child, children } from '../../xml/element.js';
import type { Rule } from '../types.js';
import { isOpaque, stepOutputs, stepRestores } from './claim-flow.js';

const rule: Rule = {
  meta: {
    id: 'FLOW-002',
    name: 'relying-party-output-produced',
    category: 'flow',
    severity: 'error',
    summary:
      'Each OutputClaim of the relying party\'s technical profile without a DefaultValue is output by some step of its DefaultUserJourney (sub-journeys included) or passed in as one of its InputClaims.',
    description:
      'The service rejects the relying party file with "Claim type X is the output claim of the relying party\'s technical profile, but it is not an output claim in any of the steps of user journey Z". It happens when a claim is added to the token (e.g. identityProvider in a local-account-only set) that no step produces, or after the only step producing it is removed. A step outputs its profile\'s OutputClaims and the outputs of its claims transformations; where in the journey (sub-journeys inlined) does not matter. Claims a session provider persists do not count: the upload is rejected for identityProvider once the Facebook exchange is gone, although the local sign-in page\'s SM-AAD persists it. Only the DefaultUserJourney is checked: the starter packs\' token Endpoint journey (RedeemRefreshToken) outputs neither email nor identityProvider and uploads. The relying party\'s InputClaims and its own output claims transformations count as produced. A claim that only a profile the journey runs inside a step (a validation profile, a display-control action) or as a SendClaims issuer outputs (src/policy/reach.ts) is a warning: whether the upload counts those is not settled, and Microsoft\'s deployed TOTP sample PasswordReset_TOTP.xml outputs claims only such sources give. Profiles that only other journeys run do not count (samples#629: identityProvider rejected although the set\'s other journeys still run Facebook-OAUTH).',
    source: 'upload-errors.md §1 #19; upload-semantics.md §2; MicrosoftDocs#12948; starterpack PR#33; samples#629; troubleshoot doc; azure-ad-b2c/samples PasswordReset_TOTP.xml (deployed)',
    examples: {
      bad: '<RelyingParty>\n  <DefaultUserJourney ReferenceId="SignUpOrSignIn" />\n  <TechnicalProfile Id="PolicyProfile">\n    <OutputClaims>\n      <OutputClaim ClaimTypeReferenceId="identityProvider" />  (no step outputs it)\n    </OutputClaims>',
      good: '<RelyingParty>\n  <DefaultUserJourney ReferenceId="SignUpOrSignIn" />\n  <TechnicalProfile Id="PolicyProfile">\n    <OutputClaims>\n      <OutputClaim ClaimTypeReferenceId="identityProvider" DefaultValue="" />\n    </OutputClaims>',
    },
  },
  check({ set, report }) {
    for (const flow of relyingPartyFlows(set)) {
      const rp = flow.relyingParty;
      if (flow.steps.some((fs) => isOpaque(set, rp, fs))) continue;
      const rpTp = child(rp.relyingParty, 'TechnicalProfile');
      const transformations = children(child(rpTp, 'OutputClaimsTransformations'), 'OutputClaimsTransformation').map((el) => ({ id: el.attributes.ReferenceId ?? '' }));
      if (transformations.some((t) => !transformation(set, rp, t.id))) continue;
      const produced = new Set(flow.initial.map((c) => c.toLowerCase()));
      const restored = new Map<string, Set<string>>();
      for (const fs of flow.steps) {
        for (const c of stepOutputs(set, rp, fs)) produced.add(c);
        for (const [c, session] of stepRestores(set, rp, fs)) restored.set(c, (restored.get(c) ?? new Set()).add(session));
      }
      addTransformationOutputs(set, rp, transformations, produced);
      // Outputs of profiles the journey runs only inside a step (validation profiles, display-control actions) or as a SendClaims issuer:
      // whether the upload counts them is not settled (Microsoft's deployed PasswordReset_TOTP.xml relies on such
      // sources), so a claim only they output is a warning.
      const inside = new Map<string, string>();
      const reach = relyingPartyReach(set).find((r) => r.rp === rp);
      for (const { tp, how } of reach?.profiles.values() ?? []) {
        // A session provider's claims do not count (MicrosoftDocs#12948); steps' own exchanges were counted above.
        // Left: validation and display-control profiles, and SendClaims issuers.
        if (how === 'session' || how === 'exchange') continue;
        const outs = new Set<string>();
        for (const c of tp.outputClaims) if (!c.displayControl) outs.add(c.id.toLowerCase());
        addTransformationOutputs(set, rp, [...tp.inputClaimsTransformations, ...tp.outputClaimsTransformations], outs);
        for (const c of outs) if (!inside.has(c)) inside.set(c, tp.id);
      }
      for (const out of claimRefs(child(rpTp, 'OutputClaims'), 'OutputClaim', rp)) {
        const claim = out.id.toLowerCase();
        if (out.displayControl || out.defaultValue !== undefined || produced.has(claim)) continue;
        const sessions = [...(restored.get(claim) ?? [])];
        const note =
          sessions.length > 0
            ? ` (${sessions.length === 1 ? 'session provider' : 'session providers'} ${sessions.map((s) => `'${s}'`).join(', ')} ${sessions.length === 1 ? 'persists' : 'persist'} it, but a session provider's claims do not count as a step's output)`
            : '';
        const only = inside.get(claim);
        if (only !== undefined) {
          report({
            file: rp,
            at: { element: out.element, attribute: 'ClaimTypeReferenceId' },
            severity: 'warning',
            message: `Claim '${out.id}' is an output claim of the relying party's technical profile, but no step of journey '${flow.id}' (relying party ${rp.policyId ?? rp.path}) outputs it; only '${only}', which the journey runs only as a validation, display-control or SendClaims issuer profile, does, and whether the upload counts that is not documented. Output it from a step, or add DefaultValue="" to this OutputClaim.`,
          });
          continue;
        }
        report({
          file: rp,
          at: { element: out.element, attribute: 'ClaimTypeReferenceId' },
          message: `Claim '${out.id}' is an output claim of the relying party's technical profile, but no step of journey '${flow.id}' (relying party ${rp.policyId ?? rp.path}) outputs it${note}; output it from a step of the journey, or add DefaultValue="" to this OutputClaim.`,
        });
      }
    }
  },
};
export default rule;
