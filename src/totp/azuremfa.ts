import type { XmlElement } from '../xml/nodes.js';
import { type EffectiveTechnicalProfile, effectiveTechnicalProfile, handlerIs, handlerOf, type MetadataItem } from '../policy/effective.js';
import type { Policy } from '../policy/policy.js';
import type { PolicySet } from '../policy/set.js';
import { child, children, textOf } from '../xml/element.js';
import {
  AZURE_MFA_OPERATION_KEY,
  AZURE_MFA_OPERATIONS,
  type AzureMfaOperation,
  PROVIDER_CLASS,
  TOTP_CONTROL_TYPES,
  type TotpControlType,
} from './catalogue.js';

/** A technical profile as its most-derived definition in the set sees it (no child policy overrides it further). */
export interface FinalTechnicalProfile {
  policy: Policy;
  /** The most-derived definition element. */
  element: XmlElement;
  tp: EffectiveTechnicalProfile;
}

const finals = new WeakMap<PolicySet, Map<string, FinalTechnicalProfile[]>>();
const mentions = new WeakMap<PolicySet, Map<string, boolean>>();

/** Whether any policy's text contains `word`: a native substring search, so rules skip sets that cannot concern them. */
export function setMentions(set: PolicySet, word: string): boolean {
  let cache = mentions.get(set);
  if (!cache) mentions.set(set, (cache = new Map()));
  let hit = cache.get(word);
  if (hit === undefined) cache.set(word, (hit = set.policies.some((p) => p.text.includes(word))));
  return hit;
}

/** No AzureMfa handler anywhere: no operation, page or flow for the AzureMfa and TOTP rules to check. */
export function usesAzureMfa(set: PolicySet): boolean {
  return setMentions(set, PROVIDER_CLASS.azureMfa);
}

/** Any TOTP display control (enrollment pages are recognised by them). */
export function usesTotpControls(set: PolicySet): boolean {
  return TOTP_CONTROL_TYPES.some((t) => setMentions(set, t));
}

/**
 * Every technical profile once, merged as seen from the last policy that defines it: a base
 * definition that a child overrides is judged with the override applied, as the service runs it.
 * Policies whose chain is not all in the set are skipped.
 */
export function finalTechnicalProfiles(set: PolicySet, provider?: string): FinalTechnicalProfile[] {
  let perSet = finals.get(set);
  if (!perSet) finals.set(set, (perSet = new Map()));
  const key = provider ?? '';
  const hit = perSet.get(key);
  if (hit) return hit;
  const out: FinalTechnicalProfile[] = [];
  // No file names the provider: no profile can run it.
  if (provider !== undefined && !setMentions(set, provider)) {
    perSet.set(key, out);
    return out;
  }
  for (const p of set.policies) {
    if (!set.isComplete(p)) continue;
    const below = set.policies.filter((q) => q !== p && set.chain(q).includes(p));
    for (const first of p.firstDefinitions('TechnicalProfile')) {
      const id = first.attributes.Id!;
      const key = id.toLowerCase();
      if (below.some((q) => q.definition('TechnicalProfile', key) !== undefined)) continue;
      // Merging is the expensive part: skip profiles of other providers first.
      if (provider !== undefined && !(handlerOf(set, p, id) ?? '').includes(provider)) continue;
      const tp = effectiveTechnicalProfile(set, p, id);
      const own = p.definition('TechnicalProfile', key)!;
      if (tp) out.push({ policy: p, element: Array.isArray(own) ? own[own.length - 1]! : own, tp });
    }
  }
  perSet.set(key, out);
  return out;
}

export function isAzureMfa(tp: EffectiveTechnicalProfile): boolean {
  return handlerIs(tp, PROVIDER_CLASS.azureMfa);
}

export function isSelfAsserted(tp: EffectiveTechnicalProfile): boolean {
  return handlerIs(tp, PROVIDER_CLASS.selfAsserted);
}

/** The Operation metadata of an AzureMfa TP, with the documented operation it names exactly, if any. */
export function operationOf(tp: EffectiveTechnicalProfile): { item: MetadataItem | undefined; value: string; operation: AzureMfaOperation | undefined } | undefined {
  if (!isAzureMfa(tp)) return undefined;
  const item = tp.metadata.get(AZURE_MFA_OPERATION_KEY);
  const value = item?.value ?? '';
  const operation = Object.hasOwn(AZURE_MFA_OPERATIONS, value) ? AZURE_MFA_OPERATIONS[value as keyof typeof AZURE_MFA_OPERATIONS] : undefined;
  return { item, value, operation };
}

export interface RunnableAzureMfaProfile extends FinalTechnicalProfile {
  /** The Operation metadata and the documented operation it names exactly, if any. */
  op: NonNullable<ReturnType<typeof operationOf>>;
}

const runnable = new WeakMap<PolicySet, RunnableAzureMfaProfile[]>();

/**
 * AzureMfa technical profiles that run on their own (profiles only included by others are parts, not
 * checked alone), each once as its most-derived policy sees it. Empty for a set without AzureMfa.
 */
export function azureMfaProfiles(set: PolicySet): RunnableAzureMfaProfile[] {
  const hit = runnable.get(set);
  if (hit) return hit;
  const out: RunnableAzureMfaProfile[] = [];
  const finals = finalTechnicalProfiles(set, PROVIDER_CLASS.azureMfa);
  const included = finals.length ? includedIds(set) : new Set<string>();
  for (const f of finals) {
    const op = operationOf(f.tp);
    if (op && !included.has(f.tp.id.toLowerCase())) out.push({ ...f, op });
  }
  runnable.set(set, out);
  return out;
}

/** Technical profiles that other profiles include: abstract parts, not run on their own. */
export function includedIds(set: PolicySet): Set<string> {
  const out = new Set<string>();
  for (const p of set.policies) {
    for (const tp of p.technicalProfiles()) {
      for (const inc of children(tp, 'IncludeTechnicalProfile')) {
        const ref = inc.attributes.ReferenceId;
        if (ref) out.add(ref.toLowerCase());
      }
    }
  }
  return out;
}

/** One AzureMfa operation that running a technical profile performs. */
export interface OperationCall {
  /** The AzureMfa technical profile. */
  tp: EffectiveTechnicalProfile;
  /** The Operation value as written. */
  operation: string;
  via: 'exchange' | 'validation' | 'display-control';
  /** The element naming the AzureMfa TP: the ValidationTechnicalProfile or ValidationClaimsExchangeTechnicalProfile (undefined when the exchange runs it directly). */
  element: XmlElement | undefined;
  policy: Policy | undefined;
  /** The display control, for display-control actions. */
  displayControl?: string;
}

/**
 * The AzureMfa operations a technical profile performs when a step runs it, in order: itself when it is
 * an AzureMfa TP; otherwise its display-control actions (on the page, before submit), then its
 * validation technical profiles in list order.
 */
export function operationsRun(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): OperationCall[] {
  const own = operationOf(tp);
  if (own) return [{ tp, operation: own.value, via: 'exchange', element: undefined, policy: undefined }];
  const out: OperationCall[] = [];
  for (const dc of tp.displayClaims) {
    if (!dc.displayControl) continue;
    const control = set.find('DisplayControl', dc.id, from);
    if (!control) continue;
    for (const action of children(child(control.element, 'Actions'), 'Action')) {
      for (const ref of children(child(action, 'ValidationClaimsExchange'), 'ValidationClaimsExchangeTechnicalProfile')) {
        const id = ref.attributes.TechnicalProfileReferenceId;
        const target = id ? effectiveTechnicalProfile(set, from, id) : undefined;
        const op = target && operationOf(target);
        if (target && op) out.push({ tp: target, operation: op.value, via: 'display-control', element: ref, policy: control.policy, displayControl: dc.id });
      }
    }
  }
  for (const v of tp.validationTechnicalProfiles) {
    const target = effectiveTechnicalProfile(set, from, v.id);
    const op = target && operationOf(target);
    if (target && op) out.push({ tp: target, operation: op.value, via: 'validation', element: v.element, policy: v.policy });
  }
  return out;
}

/** The UserInterfaceControlType of a display control visible from `from`. */
export function displayControlType(set: PolicySet, from: Policy, id: string): { type: string; element: XmlElement; policy: Policy } | undefined {
  const found = set.find('DisplayControl', id, from);
  if (!found) return undefined;
  return { type: found.element.attributes.UserInterfaceControlType ?? '', element: found.element, policy: found.policy };
}

/** The TOTP display controls a technical profile shows, by type. */
export function totpControlsShown(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): Array<{ id: string; type: TotpControlType }> {
  const out: Array<{ id: string; type: TotpControlType }> = [];
  for (const dc of tp.displayClaims) {
    if (!dc.displayControl) continue;
    const t = displayControlType(set, from, dc.id)?.type;
    if (t && (TOTP_CONTROL_TYPES as readonly string[]).includes(t)) out.push({ id: dc.id, type: t as TotpControlType });
  }
  return out;
}

/** An enrollment page: a self-asserted TP that shows a QrCodeControl. */
export function isEnrollmentPage(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): boolean {
  return isSelfAsserted(tp) && totpControlsShown(set, from, tp).some((c) => c.type === 'QrCodeControl');
}

/** A verification page: a self-asserted TP with a VerifyOTP validation technical profile. */
export function isVerificationPage(set: PolicySet, from: Policy, tp: EffectiveTechnicalProfile): boolean {
  return isSelfAsserted(tp) && operationsRun(set, from, tp).some((c) => c.via === 'validation' && c.operation === 'VerifyOTP');
}

/** A ClaimsTransformation visible from `from`, with its method. */
export function transformation(set: PolicySet, from: Policy, id: string): { element: XmlElement; policy: Policy; method: string } | undefined {
  const found = set.find('ClaimsTransformation', id, from);
  if (!found) return undefined;
  return { element: found.element, policy: found.policy, method: found.element.attributes.TransformationMethod ?? '' };
}

/** ClaimTypeReferenceIds of a ClaimsTransformation's InputClaims or OutputClaims. */
export function transformationClaims(ct: XmlElement, which: 'InputClaims' | 'OutputClaims'): Array<{ claim: string; type: string; element: XmlElement }> {
  const name = which === 'InputClaims' ? 'InputClaim' : 'OutputClaim';
  return children(child(ct, which), name).map((el) => ({
    claim: el.attributes.ClaimTypeReferenceId ?? '',
    type: el.attributes.TransformationClaimType ?? '',
    element: el,
  }));
}

/** InputParameters of a ClaimsTransformation by Id. */
export function transformationParameters(ct: XmlElement): Array<{ id: string; value: string; element: XmlElement }> {
  return children(child(ct, 'InputParameters'), 'InputParameter').map((el) => ({ id: el.attributes.Id ?? '', value: el.attributes.Value ?? '', element: el }));
}

/** The DataType of a claim type as seen from `from` (the nearest layer that states one). */
export function claimDataType(set: PolicySet, from: Policy, id: string): string | undefined {
  const layers = set.layers('ClaimType', id, from);
  for (let i = layers.length - 1; i >= 0; i--) {
    const dt = child(layers[i]!.element, 'DataType');
    if (dt) return textOf(dt);
  }
  return undefined;
}

/** The DataUri of a content definition as seen from `from` (the nearest layer that states one). */
export function contentDefinitionDataUri(set: PolicySet, from: Policy, id: string): { value: string; element: XmlElement; policy: Policy } | undefined {
  const layers = set.layers('ContentDefinition', id, from);
  for (let i = layers.length - 1; i >= 0; i--) {
    const el = child(layers[i]!.element, 'DataUri');
    if (el) return { value: textOf(el), element: el, policy: layers[i]!.policy };
  }
  return undefined;
}

/** Every DisplayControl definition in every policy. */
export function displayControls(set: PolicySet): Array<{ policy: Policy; element: XmlElement; id: string; type: string | undefined }> {
  const out: Array<{ policy: Policy; element: XmlElement; id: string; type: string | undefined }> = [];
  for (const p of set.policies) {
    for (const el of p.definitions('DisplayControl')) out.push({ policy: p, element: el, id: el.attributes.Id ?? '', type: el.attributes.UserInterfaceControlType });
  }
  return out;
}

/** A display control's claims in one section (InputClaims, DisplayClaims or OutputClaims). */
export function controlClaims(control: XmlElement, section: 'InputClaims' | 'DisplayClaims' | 'OutputClaims'): Array<{ claim: string; element: XmlElement }> {
  return children(child(control, section), section.slice(0, -1)).map((el) => ({ claim: el.attributes.ClaimTypeReferenceId ?? '', element: el }));
}
