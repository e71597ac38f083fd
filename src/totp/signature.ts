import type { XmlElement } from '../xml/nodes.js';
import type { Policy } from '../policy/policy.js';
import type { PolicySet } from '../policy/set.js';
import { didYouMean } from '../util/suggest.js';
import { transformationClaims, transformationParameters } from './azuremfa.js';
import { TRANSFORMATION_SIGNATURES, type TransformationMethodName } from './catalogue.js';

export interface SignatureProblem {
  element: XmlElement;
  attribute: string;
  message: string;
}

/** Every ClaimsTransformation definition with this TransformationMethod, in every policy. */
export function transformationsByMethod(set: PolicySet, method: string): Array<{ policy: Policy; element: XmlElement; id: string }> {
  const out: Array<{ policy: Policy; element: XmlElement; id: string }> = [];
  for (const p of set.policies) {
    for (const el of p.definitions('ClaimsTransformation')) if (el.attributes.TransformationMethod === method) out.push({ policy: p, element: el, id: el.attributes.Id ?? '' });
  }
  return out;
}

/** Where a ClaimsTransformation's claim and parameter names differ from its method's documented signature. */
export function signatureProblems(ct: XmlElement, method: TransformationMethodName): SignatureProblem[] {
  const sig = TRANSFORMATION_SIGNATURES[method];
  const id = ct.attributes.Id ?? '';
  const out: SignatureProblem[] = [];
  const sections = [
    { what: 'InputClaim', attr: 'TransformationClaimType', items: transformationClaims(ct, 'InputClaims').map((c) => ({ name: c.type, element: c.element })), required: sig.inputClaims, extra: sig.extraInputClaims },
    { what: 'InputParameter', attr: 'Id', items: transformationParameters(ct).map((c) => ({ name: c.id, element: c.element })), required: sig.inputParameters, extra: sig.extraInputParameters },
    { what: 'OutputClaim', attr: 'TransformationClaimType', items: transformationClaims(ct, 'OutputClaims').map((c) => ({ name: c.type, element: c.element })), required: sig.outputClaims, extra: undefined },
  ];
  for (const s of sections) {
    const allowed = s.required.length > 0 ? s.required.join(', ') + (s.extra ? ', …' : '') : 'none';
    for (const item of s.items) {
      if (s.required.includes(item.name) || s.extra?.test(item.name)) continue;
      out.push({
        element: item.element,
        attribute: s.attr,
        message: `${s.what} ${s.attr} '${item.name}' of ClaimsTransformation '${id}' is not one ${method} takes (${allowed}); ${s.required.length > 0 ? 'rename it' : 'remove it'}.${didYouMean(item.name, s.required)}`,
      });
    }
    const have = new Set(s.items.map((i) => i.name));
    const missing = s.required.filter((r) => !have.has(r));
    if (missing.length > 0) {
      out.push({
        element: ct,
        attribute: 'Id',
        message: `ClaimsTransformation '${id}' (${method}) has no ${s.what} with ${s.attr} ${missing.map((m) => `'${m}'`).join(', ')}; add ${missing.length > 1 ? 'them' : 'it'}.`,
      });
    }
    const dup = s.items.filter((i, n) => s.items.findIndex((j) => j.name === i.name) !== n);
    for (const d of dup) {
      out.push({ element: d.element, attribute: s.attr, message: `ClaimsTransformation '${id}' (${method}) names ${s.what} '${d.name}' more than once; keep one.` });
    }
  }
  return out;
}
