import { effectiveTechnicalProfile, type EffectiveTechnicalProfile } from '../../policy/effective.js';
import type { Policy } from '../../policy/policy.js';
import type { PolicySet } from '../../policy/set.js';
import { transformation, transformationClaims } from '../../totp/azuremfa.js';
import { child } from '../../xml/element.js';

/**
 * Lower-cased claim ids a self-asserted technical profile can return without collecting them (D-SA "When you should
 * use output claims"): outputs of its own input and output claims transformations, and of its validation technical
 * profiles (their output claims and their claims transformations' outputs). Generous on purpose: SA-001 reports only
 * claims none of these can produce. `complete` is false when a referenced profile or transformation does not resolve
 * (the REF rules report it): what it would output is then unknown.
 */
export function selfAssertedSources(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): { claims: Set<string>; complete: boolean } {
  const claims = new Set<string>();
  let complete = tp.unresolvedIncludes.length === 0;
  const addTransformations = (refs: Array<{ id: string }>) => {
    for (const r of refs) {
      const ct = transformation(set, from, r.id);
      if (!ct) complete = false;
      else for (const o of transformationClaims(ct.element, 'OutputClaims')) if (o.claim) claims.add(o.claim.toLowerCase());
    }
  };
  addTransformations([...tp.inputClaimsTransformations, ...tp.outputClaimsTransformations]);
  for (const ref of tp.validationTechnicalProfiles) {
    const v = effectiveTechnicalProfile(set, from, ref.id);
    if (!v || v.unresolvedIncludes.length > 0) complete = false;
    if (!v) continue;
    for (const c of v.outputClaims) if (!c.displayControl) claims.add(c.id.toLowerCase());
    addTransformations([...v.inputClaimsTransformations, ...v.outputClaimsTransformations]);
  }
  return { claims, complete };
}

/** Whether some layer of the claim type, as seen from `from`, declares a UserInputType (the page can collect it). */
export function hasUserInputType(set: PolicySet, from: Policy, claim: string): boolean {
  return set.layers('ClaimType', claim, from).some((l) => child(l.element, 'UserInputType') !== undefined);
}
