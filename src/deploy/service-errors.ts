/**
 * Puts the service's upload rejection at the element it names. The service's messages
 * (upload-errors.md; e.g. `Validation failed: 1 validation error(s) found in policy "B2C_1A_X" of
 * tenant "t". TechnicalProfile "login-NonInteractive" in policy "B2C_1A_signup_signin" of tenant
 * "t" defines an invalid value …`) name technical profiles, journey steps, claim types, claims
 * transformations, keys, a base policy, or a line and column of the uploaded file.
 */
import type { Policy } from '../policy/policy.js';
import type { Diagnostic, RuleDescriptor } from '../report/diagnostic.js';
import { attributeSpans, child, childElements, descendants, type Span } from '../xml/element.js';
import { LineIndex } from '../xml/lines.js';
import type { XmlElement } from '../xml/nodes.js';

export const UPLOAD_RULE: RuleDescriptor = {
  id: 'UPLOAD',
  name: 'upload-rejected',
  severity: 'error',
  summary: 'The B2C service rejected the policy at upload.',
  description: "The service's validation message, at the element it names (b2c-totp deploy).",
  docsPath: 'README.md#deploy-to-a-tenant-deploy-keys-pull',
};

/** One policy of the set as uploaded, and where the user edits it. */
export interface UploadedDoc {
  policy: Policy;
  /** File shown to users (the source file when deploy built in memory). */
  display: string;
  /** Output line:column to the same place in `display`. */
  toSource: (line: number, column: number) => { line: number; column: number };
}

interface Hit {
  doc: UploadedDoc;
  /** Offsets in the policy's text, or a line:column of the uploaded text. */
  span?: Span;
  at?: { line: number; column: number };
}

/**
 * The diagnostic for a rejected upload: the message in full, at the most specific element it
 * names (a schema line and column, an orchestration step, a technical profile, a claims
 * transformation, a claim type, a journey, a key, the base policy), else at the PolicyId.
 */
export function locateServiceError(message: string, uploaded: UploadedDoc, set: readonly UploadedDoc[]): Diagnostic {
  const byId = new Map(set.filter((d) => d.policy.policyId).map((d) => [d.policy.policyId!.toUpperCase(), d]));
  const chain: UploadedDoc[] = [];
  for (let d: UploadedDoc | undefined = uploaded; d && !chain.includes(d); d = d.policy.base ? byId.get(d.policy.base.policyId.toUpperCase()) : undefined) chain.push(d);
  /** The policy named right after a match ("… in policy "X""), searched first, then the uploaded chain from the leaf. */
  const where = (m: RegExpExecArray): UploadedDoc[] => {
    const after = message.slice(m.index, m.index + m[0].length + 200);
    const named = /in policy ["']([^"']+)["']/i.exec(after);
    const first = named ? byId.get(named[1]!.toUpperCase()) : undefined;
    return first ? [first, ...chain.filter((d) => d !== first)] : chain;
  };
  const search = (m: RegExpExecArray | null, find: (p: Policy) => Span | undefined): Hit | undefined => {
    if (!m) return undefined;
    for (const doc of where(m)) {
      const span = find(doc.policy);
      if (span) return { doc, span };
    }
    return undefined;
  };

  const finders: Array<() => Hit | undefined> = [
    () => {
      const m = /Schema validation error found at line (\d+) col (\d+) in policy ["']([^"']+)["']/i.exec(message);
      if (!m) return undefined;
      const doc = byId.get(m[3]!.toUpperCase()) ?? uploaded;
      return { doc, at: { line: Number(m[1]), column: Number(m[2]) } };
    },
    () => {
      const patterns: Array<[RegExp, number, number]> = [
        [/in step ["']?(\d+)["']? of (?:user journey|sub ?journey) ["']([^"']+)["']/i, 1, 2],
        [/Orchestration step order ["']?(\d+)["']? in (?:user journey|sub ?journey) ["']([^"']+)["']/i, 1, 2],
        [/(?:User journey|Sub ?journey) ["']([^"']+)["'][^"']{0,40}(?:["'][^"']*["'][^"']{0,40}){0,2} has step ["']?(\d+)/i, 2, 1],
        [/(?:user journey|sub ?journey) ["']([^"']+)["'][^"']{0,40}(?:["'][^"']*["'][^"']{0,40}){0,2} was expected to have step with order ["']?(\d+)/i, 2, 1],
      ];
      for (const [re, orderAt, journeyAt] of patterns) {
        const m = re.exec(message);
        const hit = search(m, (p) => step(p, m![journeyAt]!, m![orderAt]!));
        if (hit) return hit;
      }
      return undefined;
    },
    () => {
      const m = /(?:TechnicalProfile|technical profile)(?: with id)? ["']([^"']+)["']/i.exec(message);
      return search(m, (p) => defined(p, 'TechnicalProfile', m![1]!));
    },
    () => {
      const m = /ClaimsTransformation with ID ["']?([\w.:-]+)["']?/i.exec(message);
      return search(m, (p) => referenced(p, ['InputClaimsTransformation', 'OutputClaimsTransformation'], 'ReferenceId', m![1]!) ?? defined(p, 'ClaimsTransformation', m![1]!));
    },
    () => {
      const m = /(?:ClaimType with id|Claim type|claim type) ["']([^"']+)["']/i.exec(message);
      return search(m, (p) => referenced(p, ['InputClaim', 'OutputClaim', 'PersistedClaim', 'DisplayClaim'], 'ClaimTypeReferenceId', m![1]!) ?? defined(p, 'ClaimType', m![1]!));
    },
    () => {
      const m = /(?:UserJourney with id|User journey|user journey|SubJourney with id|sub journey) ["']?([\w.:-]+)["']?/i.exec(message);
      return search(m, (p) => defined(p, 'UserJourney', m![1]!) ?? defined(p, 'SubJourney', m![1]!) ?? referenced(p, ['DefaultUserJourney'], 'ReferenceId', m![1]!));
    },
    () => {
      const m = /storageReferenceId ["']([^"']+)["']/i.exec(message);
      return search(m, (p) => referenced(p, ['Key'], 'StorageReferenceId', m![1]!));
    },
    () => {
      const m = /Policy with 'policyId': ?["']?([\w.-]+)["']? cannot be found/i.exec(message);
      if (!m) return undefined;
      const pid = uploaded.policy.base?.policyIdElement;
      return pid && uploaded.policy.base!.policyId.toUpperCase() === m[1]!.toUpperCase() ? { doc: uploaded, span: { start: pid.start, end: pid.end } } : undefined;
    },
  ];
  let hit: Hit | undefined;
  for (const f of finders) {
    hit = f();
    if (hit) break;
  }
  hit ??= { doc: uploaded, span: attributeSpans(uploaded.policy.text, uploaded.policy.root, 'PolicyId')?.value ?? { start: uploaded.policy.root.start, end: uploaded.policy.root.start + 1 } };

  const { doc } = hit;
  let start: { line: number; column: number };
  let end: { line: number; column: number };
  if (hit.at) {
    start = doc.toSource(hit.at.line, hit.at.column);
    end = { line: start.line, column: start.column + 1 };
  } else {
    const lines = new LineIndex(doc.policy.text);
    const a = lines.position(hit.span!.start);
    const b = lines.position(hit.span!.end);
    start = doc.toSource(a.line, a.column);
    end = doc.toSource(b.line, b.column);
    if (end.line < start.line || (end.line === start.line && end.column <= start.column)) end = { line: start.line, column: start.column + 1 };
  }
  return {
    file: doc.display,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    severity: 'error',
    ruleId: UPLOAD_RULE.id,
    message: `The service rejected ${uploaded.policy.policyId}: ${errorsOf(message)}`,
    policyId: doc.policy.policyId,
  };
}

function idSpan(p: Policy, el: XmlElement, attr = 'Id'): Span {
  return attributeSpans(p.text, el, attr)?.value ?? { start: el.start, end: el.start + 1 + el.name.length };
}

function defined(p: Policy, kind: 'TechnicalProfile' | 'ClaimType' | 'ClaimsTransformation' | 'UserJourney' | 'SubJourney', id: string): Span | undefined {
  const el = p.defined(kind, id)[0] ?? (kind === 'TechnicalProfile' && p.relyingParty ? descendants(p.relyingParty, 'TechnicalProfile').find((t) => t.attributes.Id?.toLowerCase() === id.toLowerCase()) : undefined);
  return el ? idSpan(p, el) : undefined;
}

/** The first element named one of `names` whose `attr` is `value` (case-insensitive), in document order. */
function referenced(p: Policy, names: string[], attr: string, value: string): Span | undefined {
  const want = value.toLowerCase();
  const visit = (el: XmlElement): XmlElement | undefined => {
    if (names.includes(el.name) && el.attributes[attr]?.toLowerCase() === want) return el;
    for (const c of childElements(el)) {
      const found = visit(c);
      if (found) return found;
    }
    return undefined;
  };
  const el = visit(p.root);
  return el ? idSpan(p, el, attr) : undefined;
}

function step(p: Policy, journey: string, order: string): Span | undefined {
  const j = p.defined('UserJourney', journey)[0] ?? p.defined('SubJourney', journey)[0];
  if (!j) return undefined;
  const s = childElements(child(j, 'OrchestrationSteps') ?? j).find((e) => e.name === 'OrchestrationStep' && e.attributes.Order === order);
  return s ? idSpan(p, s, 'Order') : idSpan(p, j);
}

/**
 * The errors of a validation message without its envelope ("Validation failed: N validation error(s)
 * found in policy … of tenant ….") and without the repeat the service adds (each error comes twice).
 */
export function errorsOf(message: string): string {
  const body = message.replace(/^Validation failed: \d+ validation error\(s\) found in policy ["'][^"']*["'] of tenant ["'][^"']*["']\.\s*/, '');
  const half = body.length / 2;
  return Number.isInteger(half) && half > 0 && body.slice(0, half) === body.slice(half) ? body.slice(0, half) : body;
}
