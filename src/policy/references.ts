import { XmlElement } from '../xml/nodes.js';
import { textOf } from '../xml/element.js';
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

const cache = new WeakMap<Policy, Reference[]>();
/** "InputClaim ClaimTypeReferenceId" and the like, one string per pair: a large policy has 10^5 references. */
const VIA = new Map<string, Map<string, string>>();

function via(name: string, attribute: string): string {
  let byAttr = VIA.get(name);
  if (!byAttr) VIA.set(name, (byAttr = new Map()));
  let s = byAttr.get(attribute);
  if (s === undefined) byAttr.set(attribute, (s = `${name} ${attribute}`));
  return s;
}

/** Every reference in the policy's own elements, in document order. One pass over the tree, cached. */
export function referencesIn(p: Policy): Reference[] {
  const hit = cache.get(p);
  if (hit) return hit;
  const out: Reference[] = [];
  const add = (kind: DefKind, el: XmlElement, attribute: string) => {
    const id = el.attributes[attribute];
    if (id !== undefined && id !== '') out.push({ kind, id, element: el, attribute, via: via(el.name, attribute) });
  };
  for (const el of p.source.elements) {
    switch (el.name) {
      case 'InputClaim':
      case 'OutputClaim':
      case 'PersistedClaim':
        add('ClaimType', el, 'ClaimTypeReferenceId');
        break;
      case 'DisplayClaim':
        add('ClaimType', el, 'ClaimTypeReferenceId');
        add('DisplayControl', el, 'DisplayControlReferenceId');
        break;
      case 'SubjectNamingInfo':
        add('ClaimType', el, 'ClaimType');
        break;
      case 'LocalizedString':
      case 'LocalizedCollection':
        if (el.attributes.ElementType === 'ClaimType') add('ClaimType', el, 'ElementId');
        break;
      case 'ClaimsExchange':
        add('TechnicalProfile', el, 'TechnicalProfileReferenceId');
        break;
      case 'ValidationTechnicalProfile':
      case 'IncludeTechnicalProfile':
      case 'UseTechnicalProfileForSessionManagement':
        add('TechnicalProfile', el, 'ReferenceId');
        break;
      case 'ValidationClaimsExchangeTechnicalProfile':
        add('TechnicalProfile', el, 'TechnicalProfileReferenceId');
        break;
      case 'OrchestrationStep':
        add('TechnicalProfile', el, 'CpimIssuerTechnicalProfileReferenceId');
        add('ContentDefinition', el, 'ContentDefinitionReferenceId');
        break;
      case 'InputClaimsTransformation':
      case 'OutputClaimsTransformation':
        add('ClaimsTransformation', el, 'ReferenceId');
        break;
      case 'Item':
        if (el.attributes.Key === 'ContentDefinitionReferenceId' && el.parent instanceof XmlElement && el.parent.name === 'Metadata') {
          const id = textOf(el);
          if (id) out.push({ kind: 'ContentDefinition', id, element: el, attribute: undefined, via: 'metadata ContentDefinitionReferenceId' });
        }
        break;
      case 'LocalizedResourcesReference':
        add('LocalizedResources', el, 'LocalizedResourcesReferenceId');
        break;
      case 'DefaultUserJourney':
        add('UserJourney', el, 'ReferenceId');
        break;
      case 'Endpoint':
        add('UserJourney', el, 'UserJourneyReferenceId');
        break;
      case 'Candidate':
        add('SubJourney', el, 'SubJourneyReferenceId');
        break;
    }
  }
  cache.set(p, out);
  return out;
}
