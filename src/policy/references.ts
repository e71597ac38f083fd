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

/** Element names that can hold a reference. */
const REFERRING = new Set([
  'InputClaim', 'OutputClaim', 'PersistedClaim', 'DisplayClaim', 'SubjectNamingInfo', 'LocalizedString', 'LocalizedCollection',
  'ClaimsExchange', 'ValidationTechnicalProfile', 'IncludeTechnicalProfile', 'UseTechnicalProfileForSessionManagement',
  'ValidationClaimsExchangeTechnicalProfile', 'OrchestrationStep', 'InputClaimsTransformation', 'OutputClaimsTransformation',
  'Metadata', 'LocalizedResourcesReference', 'DefaultUserJourney', 'Endpoint', 'Candidate',
]);

const cache = new WeakMap<Policy, XmlElement[]>();

/** The policy's elements that can hold a reference, found once (a list of elements, not of reference objects). */
function referringElements(p: Policy): XmlElement[] {
  let els = cache.get(p);
  if (!els) cache.set(p, (els = p.source.elements.filter((el) => REFERRING.has(el.name))));
  return els;
}

/**
 * Every reference in the policy's own elements, in document order. Generated on each pass rather
 * than kept: a large policy has 10^5 of them, and the rules that read them each make one pass.
 */
export function* referencesIn(p: Policy): Generator<Reference> {
  for (const el of referringElements(p)) {
    const a = el.attributes;
    switch (el.name) {
      case 'InputClaim':
      case 'OutputClaim':
      case 'PersistedClaim':
        if (a.ClaimTypeReferenceId) yield ref('ClaimType', el, 'ClaimTypeReferenceId');
        break;
      case 'DisplayClaim':
        if (a.ClaimTypeReferenceId) yield ref('ClaimType', el, 'ClaimTypeReferenceId');
        if (a.DisplayControlReferenceId) yield ref('DisplayControl', el, 'DisplayControlReferenceId');
        break;
      case 'SubjectNamingInfo':
        if (a.ClaimType) yield ref('ClaimType', el, 'ClaimType');
        break;
      case 'LocalizedString':
      case 'LocalizedCollection':
        if (a.ElementType === 'ClaimType' && a.ElementId) yield ref('ClaimType', el, 'ElementId');
        break;
      case 'ClaimsExchange':
      case 'ValidationClaimsExchangeTechnicalProfile':
        if (a.TechnicalProfileReferenceId) yield ref('TechnicalProfile', el, 'TechnicalProfileReferenceId');
        break;
      case 'ValidationTechnicalProfile':
      case 'IncludeTechnicalProfile':
      case 'UseTechnicalProfileForSessionManagement':
        if (a.ReferenceId) yield ref('TechnicalProfile', el, 'ReferenceId');
        break;
      case 'OrchestrationStep':
        if (a.CpimIssuerTechnicalProfileReferenceId) yield ref('TechnicalProfile', el, 'CpimIssuerTechnicalProfileReferenceId');
        if (a.ContentDefinitionReferenceId) yield ref('ContentDefinition', el, 'ContentDefinitionReferenceId');
        break;
      case 'InputClaimsTransformation':
      case 'OutputClaimsTransformation':
        if (a.ReferenceId) yield ref('ClaimsTransformation', el, 'ReferenceId');
        break;
      case 'Metadata':
        for (const item of children(el, 'Item')) {
          if (item.attributes.Key !== 'ContentDefinitionReferenceId') continue;
          const id = textOf(item);
          if (id) yield { kind: 'ContentDefinition', id, element: item, attribute: undefined, via: 'metadata ContentDefinitionReferenceId' };
        }
        break;
      case 'LocalizedResourcesReference':
        if (a.LocalizedResourcesReferenceId) yield ref('LocalizedResources', el, 'LocalizedResourcesReferenceId');
        break;
      case 'DefaultUserJourney':
        if (a.ReferenceId) yield ref('UserJourney', el, 'ReferenceId');
        break;
      case 'Endpoint':
        if (a.UserJourneyReferenceId) yield ref('UserJourney', el, 'UserJourneyReferenceId');
        break;
      case 'Candidate':
        if (a.SubJourneyReferenceId) yield ref('SubJourney', el, 'SubJourneyReferenceId');
        break;
    }
  }
}

function ref(kind: DefKind, el: XmlElement, attribute: string): Reference {
  return { kind, id: el.attributes[attribute]!, element: el, attribute, via: via(el.name, attribute) };
}
