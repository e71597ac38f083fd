import { childOrder, SCHEMA_ORDER } from '../../policy/schema-order.js';
import type { XmlElement } from '../../xml/nodes.js';
import { childElements } from '../../xml/element.js';
import type { Rule } from '../types.js';
import { schemaValidates } from './xsd.js';

/**
 * Collections whose subtrees hold no element with a tabled order: not walked, which keeps this rule
 * cheap on large files (thousands of LocalizedString, Item and claim elements).
 */
const NO_ORDERED_DESCENDANTS = new Set([
  'LocalizedStrings',
  'LocalizedCollections',
  'Metadata',
  'InputClaims',
  'OutputClaims',
  'PersistedClaims',
  'DisplayClaims',
  'InputParameters',
  'CryptographicKeys',
  'ClaimsExchanges',
  'ClaimsProviderSelections',
  'InputClaimsTransformations',
  'OutputClaimsTransformations',
  'JourneyList',
  'SupportedLanguages',
  'Extensions',
]);

/** Lists longer than this are cut down to the children the element actually has. */
const FULL_LIST_MAX = 10;
/** At most this many names in a cut-down list. */
const SHORT_LIST_MAX = 8;

const rule: Rule = {
  meta: {
    id: 'SCH-001',
    name: 'element-order',
    category: 'structure',
    severity: 'error',
    summary: 'Child elements come in the order the policy schema requires (DisplayName before Protocol, Preconditions first in a step, …), checked without the XSD.',
    description:
      'Policy elements are an xs:sequence: the upload fails with "Schema validation error … has invalid child element" when a child comes after one that the schema puts later (a DisplayName after the Protocol, Preconditions after the ClaimsExchanges, ContentDefinitions before ClaimsTransformations). The order tables are built into the linter, so this works without the XSD; for the files that XSD validation checks (SCH-002) this rule stays silent, to avoid reporting the same problem twice. Misspelled or unknown elements are left to SCH-002.',
    source: 'upload-errors.md §1 #3; totp-spec.md §9 POL-009',
    examples: {
      bad: '<TechnicalProfile Id="OTPVerification">\n  <Protocol Name="Proprietary" Handler="…SelfAssertedAttributeProvider…" />\n  <DisplayName>Verify your code</DisplayName>',
      good: '<TechnicalProfile Id="OTPVerification">\n  <DisplayName>Verify your code</DisplayName>\n  <Protocol Name="Proprietary" Handler="…SelfAssertedAttributeProvider…" />',
    },
  },
  check({ set, options, report }) {
    for (const p of set.policies) {
      if (schemaValidates(p, options)) continue; // SCH-002 reports the same problems
      const visit = (el: XmlElement, parent: string | undefined): void => {
        const order = childOrder(el.name, parent);
        const kids = childElements(el);
        if (order) {
          const misplaced = firstMisplaced(kids, order.rank);
          if (misplaced) {
            const [early, late] = misplaced;
            const hint = orderHint(SCHEMA_ORDER[order.key]!, kids, early.name, late.name);
            report({
              file: p,
              at: { element: early },
              message: `<${early.name}> must come before <${late.name}> in ${describe(el)} (schema order: ${hint}).`,
            });
          }
        }
        for (let i = 0; i < kids.length; i++) if (!NO_ORDERED_DESCENDANTS.has(kids[i]!.name)) visit(kids[i]!, el.name);
      };
      visit(p.root, undefined);
    }
  },
};
export default rule;

/**
 * The first child that comes after a sibling the schema puts later, with the earliest such sibling
 * (the place it should move above). Names not in the table are skipped.
 */
function firstMisplaced(kids: readonly XmlElement[], rank: ReadonlyMap<string, number>): [XmlElement, XmlElement] | undefined {
  let max = -1;
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i]!;
    const r = rank.get(k.name);
    if (r === undefined) continue;
    if (r < max) {
      const late = kids.find((s) => (rank.get(s.name) ?? -1) > r)!;
      return [k, late];
    }
    max = r;
  }
  return undefined;
}

/** The schema order: whole when short, else the children present, around the two names involved. */
function orderHint(table: readonly string[], kids: XmlElement[], early: string, late: string): string {
  if (table.length <= FULL_LIST_MAX) return table.join(', ');
  const present = new Set(kids.map((k) => k.name));
  const shown = table.filter((n) => present.has(n));
  const a = shown.indexOf(early);
  const b = shown.indexOf(late);
  // Start at the misplaced child, run at least to the sibling it belongs before, fill up to the limit.
  const to = Math.min(shown.length, Math.max(a + SHORT_LIST_MAX, b + 1));
  const from = Math.max(0, Math.min(a, to - SHORT_LIST_MAX));
  const list = shown.slice(from, to);
  const parts = [...(list[0] !== table[0] ? ['…'] : []), ...list, ...(list.at(-1) !== table.at(-1) ? ['…'] : [])];
  return parts.join(', ');
}

/** `<TechnicalProfile Id="X">`, `<OrchestrationStep Order="2">`, or just `<Name>`. */
function describe(el: XmlElement): string {
  const id = el.attributes.Id;
  if (id !== undefined) return `<${el.name} Id="${id}">`;
  const order = el.attributes.Order;
  if (order !== undefined) return `<${el.name} Order="${order}">`;
  return `<${el.name}>`;
}
