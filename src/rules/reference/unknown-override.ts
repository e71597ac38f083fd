import { effectiveTechnicalProfile } from '../../policy/effective.js';
import type { Policy } from '../../policy/policy.js';
import type { PolicySet } from '../../policy/set.js';
import { child, children } from '../../xml/element.js';
import { didYouMean } from '../../util/suggest.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'REF-011',
    name: 'override-of-unknown-technical-profile',
    category: 'reference',
    severity: 'error',
    summary: 'A technical profile without a Protocol must override one that a base policy defines (or include one that has a Protocol).',
    description:
      'A child policy overrides a technical profile by repeating its Id. If no base defines that Id (a typo, or the wrong base), the service treats it as a new, incomplete definition and rejects the upload with "The required DisplayName element is missing from TechnicalProfile with id X".',
    source: 'upload-errors.md §1 #14',
    examples: {
      bad: `<!-- Extensions: no base defines AAD-UserReadUsingObjectID2 -->
<TechnicalProfile Id="AAD-UserReadUsingObjectID2">
  <OutputClaims><OutputClaim ClaimTypeReferenceId="userPrincipalName" /></OutputClaims>
</TechnicalProfile>`,
      good: `<TechnicalProfile Id="AAD-UserReadUsingObjectId">
  <OutputClaims><OutputClaim ClaimTypeReferenceId="userPrincipalName" /></OutputClaims>
</TechnicalProfile>`,
    },
  },
  check({ set, report }) {
    for (const p of set.policies) {
      if (!set.isComplete(p)) continue;
      for (const el of p.firstDefinitions('TechnicalProfile')) {
        const id = el.attributes.Id!;
        // Most profiles have a Protocol in some layer or in what they include: only the rest need the merged view.
        if (hasProtocol(set, p, id, new Set())) continue;
        const tp = effectiveTechnicalProfile(set, p, id);
        if (!tp || tp.protocol) continue;
        // An IncludeTechnicalProfile (at any depth) that does not resolve is REF-002's finding; the missing Protocol follows from it.
        if (tp.unresolvedIncludes.length) continue;
        const inBase = set.layers('TechnicalProfile', id, p).some((l) => l.policy !== p);
        const ancestors = set.chain(p).slice(1);
        const candidates = ancestors.flatMap((a) => a.firstDefinitions('TechnicalProfile').map((t) => t.attributes.Id!));
        report({
          file: p,
          at: { element: el, attribute: 'Id' },
          message: inBase
            ? `Technical profile '${id}' has no Protocol in any layer.`
            : ancestors.length
              ? `Technical profile '${id}' overrides nothing: no base policy defines it, and it has no Protocol of its own.${didYouMean(id, candidates)}`
              : `Technical profile '${id}' has no Protocol.`,
        });
      }
    }
  },
};
export default rule;

/** Whether any layer of `id`, or anything it includes, declares a Protocol. A cheap walk, no merging. */
function hasProtocol(set: PolicySet, from: Policy, id: string, seen: Set<string>): boolean {
  const key = id.toLowerCase();
  if (seen.has(key)) return false;
  seen.add(key);
  const layers = set.layers('TechnicalProfile', id, from);
  if (layers.some((l) => child(l.element, 'Protocol'))) return true;
  return layers.some((l) => children(l.element, 'IncludeTechnicalProfile').some((inc) => inc.attributes.ReferenceId !== undefined && hasProtocol(set, from, inc.attributes.ReferenceId, seen)));
}
