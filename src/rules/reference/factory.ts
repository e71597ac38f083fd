import type { DefKind } from '../../policy/policy.js';
import { eachReference, type Reference } from '../../policy/references.js';
import { quote } from '../../util/quote.js';
import { didYouMean } from '../../util/suggest.js';
import type { Rule, RuleMeta } from '../types.js';

const NOUN: Record<DefKind, string> = {
  ClaimType: 'claim type',
  ClaimsTransformation: 'claims transformation',
  ContentDefinition: 'content definition',
  DisplayControl: 'display control',
  LocalizedResources: 'localized resources',
  TechnicalProfile: 'technical profile',
  UserJourney: 'user journey',
  SubJourney: 'sub-journey',
};

/**
 * A rule that every reference of one kind resolves in the policy or its bases. Policies whose chain
 * is not all in the set are skipped: their missing base is reported once, by POL-004.
 */
export function unresolvedReferenceRule(meta: RuleMeta, kind: DefKind, skip?: (ref: Reference) => boolean): Rule {
  return {
    meta,
    check({ set, report }) {
      for (const p of set.policies) {
        if (!set.isComplete(p)) continue;
        eachReference(p, kind, (ref) => {
          if (skip?.(ref) || set.find(kind, ref.id, p)) return;
          // The SocialAccounts starter pack localizes claims it never defines and still uploads: a string
          // for a missing claim is dead, not fatal.
          const localization = ref.element.name === 'LocalizedString' || ref.element.name === 'LocalizedCollection';
          report({
            severity: localization ? 'warning' : undefined,
            file: p,
            at: { element: ref.element, attribute: ref.attribute, text: ref.attribute === undefined },
            message: `${ref.via} ${quote(ref.id)}: no ${NOUN[kind]} with this Id in this policy or its bases.${didYouMean(ref.id, set.visibleIds(kind, p))}`,
          });
        });
      }
    },
  };
}

export { NOUN as KIND_NOUN };
