import type { ClaimRef } from '../policy/effective.js';
import type { Policy } from '../policy/policy.js';
import type { PolicySet } from '../policy/set.js';
import { type OperationCall, operationsRun, transformation, transformationClaims, usesAzureMfa, usesTotpControls } from './azuremfa.js';
import { addTransformationOutputs, availableInside, type FlowExchange, type Need, policyNames, type UnmetNeed, unmetNeeds } from './flow.js';

export interface AzureMfaInputNeed {
  call: OperationCall;
  input: ClaimRef;
}

/**
 * Exchanges whose AzureMfa calls (direct, validation or display-control) of `operations` send the input
 * with partner name `partner`, where no earlier step of a relying party's journey produces that claim.
 * Inputs with a DefaultValue, and claims the AzureMfa TP's own input transformations create, are fine.
 */
export function unmetAzureMfaInputs(set: PolicySet, partner: string, operations: readonly string[]): Array<UnmetNeed<AzureMfaInputNeed>> {
  if (!usesAzureMfa(set)) return [];
  return unmetNeeds<AzureMfaInputNeed>(set, (from: Policy, ex: FlowExchange) => {
    if (!ex.tp) return [];
    const out: Array<Need<AzureMfaInputNeed>> = [];
    for (const call of operationsRun(set, from, ex.tp)) {
      if (!operations.includes(call.operation)) continue;
      const input = call.tp.inputClaims.find((c) => c.partnerName.toLowerCase() === partner.toLowerCase());
      if (!input || input.defaultValue !== undefined) continue;
      const inside = call.via === 'exchange' ? new Set<string>() : availableInside(set, from, ex.tp, call);
      addTransformationOutputs(set, from, call.tp.inputClaimsTransformations, inside);
      out.push({ claim: input.id, inside, key: `${call.via}\0${call.tp.id.toLowerCase()}\0${partner}`, data: { call, input } });
    }
    return out;
  });
}

/** "runs 'X' (Operation Y)" or "runs 'Page', whose validation profile 'X' (Operation Y)". */
export function describeCall(ex: FlowExchange, call: OperationCall): string {
  const target = `'${call.tp.id}' (Operation ${call.operation})`;
  if (call.via === 'exchange') return `runs ${target}`;
  if (call.via === 'validation') return `runs '${ex.tpId}', whose validation technical profile ${target}`;
  return `runs '${ex.tpId}', whose display control '${call.displayControl ?? ''}' calls ${target}`;
}

/** Message and severity for an AzureMfa input that no earlier step produces. */
export function unmetInputMessage(u: UnmetNeed<AzureMfaInputNeed>, fix: string): { message: string; severity: 'warning' | undefined } {
  const { call, input } = u.need.data;
  const what = input.partnerName === input.id ? `'${input.id}'` : `'${input.id}' (as ${input.partnerName})`;
  const exchange = `ClaimsExchange '${u.exchange.element.attributes.Id ?? ''}' ${describeCall(u.exchange, call)}`;
  if (u.status === 'missing') {
    return {
      message: `${exchange}, which needs ${what}, but no earlier step produces it in the journey of ${policyNames(u.relyingParties)}, so the call fails at run time; ${fix}`,
      severity: undefined,
    };
  }
  return {
    message: `${exchange}, which needs ${what}, but before it only identity-provider profile ${u.producers.map((p) => `'${p}'`).join(', ')} sets it (not the directory's value) in the journey of ${policyNames(u.relyingParties)}; read the user from the directory first, with an Azure AD technical profile that outputs ${input.id}.`,
    severity: 'warning',
  };
}

export interface LabelInputNeed {
  transformation: string;
}

/**
 * Enrollment pages (`isEnrollment`) whose label transformation (FormatStringMultipleClaims among the
 * input claims transformations) reads a claim that neither an earlier transformation of the page nor
 * an earlier step produces.
 */
export function unmetLabelInputs(
  set: PolicySet,
  isEnrollment: (from: Policy, ex: FlowExchange) => boolean,
): Array<UnmetNeed<LabelInputNeed>> {
  if (!usesTotpControls(set)) return []; // enrollment pages are recognised by their TOTP controls
  return unmetNeeds<LabelInputNeed>(set, (from, ex) => {
    if (!ex.tp || !isEnrollment(from, ex)) return [];
    const out: Array<Need<LabelInputNeed>> = [];
    const made = new Set<string>(ex.tp.inputClaims.filter((c) => c.defaultValue !== undefined).map((c) => c.id.toLowerCase()));
    for (const ref of ex.tp.inputClaimsTransformations) {
      const ct = transformation(set, from, ref.id);
      if (!ct) continue;
      if (ct.method === 'FormatStringMultipleClaims') {
        for (const i of transformationClaims(ct.element, 'InputClaims')) {
          if (i.claim) out.push({ claim: i.claim, inside: new Set(made), key: `${ref.id.toLowerCase()}\0${i.claim.toLowerCase()}`, data: { transformation: ct.element.attributes.Id ?? ref.id } });
        }
      }
      for (const o of transformationClaims(ct.element, 'OutputClaims')) made.add(o.claim.toLowerCase());
    }
    return out;
  });
}
