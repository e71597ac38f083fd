import type { XmlElement } from '../xml/nodes.js';
import { children, textOf } from '../xml/element.js';
import type { DefKind, Policy } from './policy.js';

/** One place where a policy names a building block by Id. */
export interface Reference {
  kind: DefKind;
  id: string;
  element: XmlElement;
  /** The attribute holding the Id; undefined when the Id is the element's text. */
  attribute: string | undefined;
  /** What the reference is, for messages: "ClaimsExchange TechnicalProfileReferenceId". */
  via: string;
}

/** "InputClaim ClaimTypeReferenceId" and the like, one string per pair: a large policy has 10^5 references. */
const VIA = new Map<string, Map<string, string>>();

function via(name: string, attribute: string): string {
  let byAttr = VIA.get(name);
  if (!byAttr) VIA.set(name, (byAttr = new Map()));
  let s = byAttr.get(attribute);
  if (s === undefined) byAttr.set(attribute, (s = `${name} ${attribute}`));
  return s;
}

/**
 * Element names that can hold a reference, and the kinds they can refer to. SubjectNamingInfo is not one:
 * its ClaimType names a relying-party OutputClaim's PartnerClaimType, not a ClaimType (upload-semantics.md §3).
 */
const REFERRING: ReadonlyMap<string, readonly DefKind[]> = new Map<string, DefKind[]>([
  ['InputClaim', ['ClaimType']],
  ['OutputClaim', ['ClaimType']],
  ['PersistedClaim', ['ClaimType']],
  ['DisplayClaim', ['ClaimType', 'DisplayControl']],
  ['LocalizedString', ['ClaimType']],
  ['LocalizedCollection', ['ClaimType']],
  ['ClaimsExchange', ['TechnicalProfile']],
  ['ValidationTechnicalProfile', ['TechnicalProfile']],
  ['IncludeTechnicalProfile', ['TechnicalProfile']],
  ['UseTechnicalProfileForSessionManagement', ['TechnicalProfile']],
  ['ValidationClaimsExchangeTechnicalProfile', ['TechnicalProfile']],
  ['OrchestrationStep', ['TechnicalProfile', 'ContentDefinition']],
  ['InputClaimsTransformation', ['ClaimsTransformation']],
  ['OutputClaimsTransformation', ['ClaimsTransformation']],
  ['Metadata', ['ContentDefinition']],
  ['LocalizedResourcesReference', ['LocalizedResources']],
  ['DefaultUserJourney', ['UserJourney']],
  ['Endpoint', ['UserJourney']],
  ['Candidate', ['SubJourney']],
]);

const cache = new WeakMap<Policy, Map<DefKind, XmlElement[]>>();

/**
 * The policy's elements that can hold a reference of each kind, found once: lists of elements, not
 * of reference objects, so a rule about one kind looks only at the elements that can name it.
 */
function referringElements(p: Policy): Map<DefKind, XmlElement[]> {
  let byKind = cache.get(p);
  if (!byKind) {
    byKind = new Map();
    for (const el of p.source.elements) {
      const kinds = REFERRING.get(el.name);
      if (!kinds) continue;
      for (const k of kinds) {
        const list = byKind.get(k);
        if (list) list.push(el);
        else byKind.set(k, [el]);
      }
    }
    cache.set(p, byKind);
  }
  return byKind;
}

/**
 * Calls `fn` for every reference in the policy's own elements: of one kind in document order, or of
 * all kinds one kind after another. Made on each pass rather than kept: a large policy has 10^5 of them.
 */
export function eachReference(p: Policy, only: DefKind | undefined, fn: (ref: Reference) => void): void {
  for (const [kind, elements] of referringElements(p)) if (only === undefined || only === kind) referencesOfKind(elements, kind, fn);
}

function referencesOfKind(elements: readonly XmlElement[], kind: DefKind, fn: (ref: Reference) => void): void {
  for (const el of elements) {
    const a = el.attributes;
    switch (el.name) {
      case 'InputClaim':
      case 'OutputClaim':
      case 'PersistedClaim':
        if (kind === 'ClaimType' && a.ClaimTypeReferenceId) fn(ref('ClaimType', el, 'ClaimTypeReferenceId'));
        break;
      case 'DisplayClaim':
        if (kind === 'ClaimType' && a.ClaimTypeReferenceId) fn(ref('ClaimType', el, 'ClaimTypeReferenceId'));
        if (kind === 'DisplayControl' && a.DisplayControlReferenceId) fn(ref('DisplayControl', el, 'DisplayControlReferenceId'));
        break;
      case 'LocalizedString':
      case 'LocalizedCollection':
        if (kind === 'ClaimType' && a.ElementType === 'ClaimType' && a.ElementId) fn(ref('ClaimType', el, 'ElementId'));
        break;
      case 'ClaimsExchange':
      case 'ValidationClaimsExchangeTechnicalProfile':
        if (kind === 'TechnicalProfile' && a.TechnicalProfileReferenceId) fn(ref('TechnicalProfile', el, 'TechnicalProfileReferenceId'));
        break;
      case 'ValidationTechnicalProfile':
      case 'IncludeTechnicalProfile':
      case 'UseTechnicalProfileForSessionManagement':
        if (kind === 'TechnicalProfile' && a.ReferenceId) fn(ref('TechnicalProfile', el, 'ReferenceId'));
        break;
      case 'OrchestrationStep':
        if (kind === 'TechnicalProfile' && a.CpimIssuerTechnicalProfileReferenceId) fn(ref('TechnicalProfile', el, 'CpimIssuerTechnicalProfileReferenceId'));
        if (kind === 'ContentDefinition' && a.ContentDefinitionReferenceId) fn(ref('ContentDefinition', el, 'ContentDefinitionReferenceId'));
        break;
      case 'InputClaimsTransformation':
      case 'OutputClaimsTransformation':
        if (kind === 'ClaimsTransformation' && a.ReferenceId) fn(ref('ClaimsTransformation', el, 'ReferenceId'));
        break;
      case 'Metadata':
        for (const item of children(el, 'Item')) {
          if (item.attributes.Key !== 'ContentDefinitionReferenceId') continue;
          const id = textOf(item);
          if (id) fn({ kind: 'ContentDefinition', id, element: item, attribute: undefined, via: 'metadata ContentDefinitionReferenceId' });
        }
        break;
      case 'LocalizedResourcesReference':
        if (kind === 'LocalizedResources' && a.LocalizedResourcesReferenceId) fn(ref('LocalizedResources', el, 'LocalizedResourcesReferenceId'));
        break;
      case 'DefaultUserJourney':
        if (kind === 'UserJourney' && a.ReferenceId) fn(ref('UserJourney', el, 'ReferenceId'));
        break;
      case 'Endpoint':
        if (kind === 'UserJourney' && a.UserJourneyReferenceId) fn(ref('UserJourney', el, 'UserJourneyReferenceId'));
        break;
      case 'Candidate':
        if (kind === 'SubJourney' && a.SubJourneyReferenceId) fn(ref('SubJourney', el, 'SubJourneyReferenceId'));
        break;
    }
  }
}

function ref(kind: DefKind, el: XmlElement, attribute: string): Reference {
  return { kind, id: el.attributes[attribute]!, element: el, attribute, via: via(el.name, attribute) };
}
