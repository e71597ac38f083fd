import type { XmlElement } from '../../xml/nodes.js';
import type { Policy } from '../../policy/policy.js';
import type { PolicySet } from '../../policy/set.js';
import { children, textOf } from '../../xml/element.js';

/** One Precondition of an orchestration step or a validation technical profile. */
export interface PreconditionElement {
  policy: Policy;
  element: XmlElement;
  type: string;
  values: XmlElement[];
  /** The first Value's text: the claim type the precondition tests. */
  claim: string | undefined;
}

/**
 * Every Precondition (under Preconditions, in orchestration steps and validation technical profiles) of every policy
 * whose chain is all in the set: claim ids resolve against the policy and its bases, and a missing base is POL-004's.
 */
export function preconditions(set: PolicySet): PreconditionElement[] {
  const out: PreconditionElement[] = [];
  for (const policy of set.policies) {
    if (!set.isComplete(policy)) continue;
    for (const list of policy.source.elements) {
      if (list.name !== 'Preconditions') continue;
      for (const element of children(list, 'Precondition')) {
        const values = children(element, 'Value');
        out.push({ policy, element, type: element.attributes.Type ?? '', values, claim: values[0] ? textOf(values[0]) : undefined });
      }
    }
  }
  return out;
}
