import type { XmlElement } from '../xml/nodes.js';
import { child, children, descendants, textOf } from '../xml/element.js';
import type { XmlSource } from '../xml/read.js';

export const POLICY_NS = 'http://schemas.microsoft.com/online/cpim/schemas/2013/06';

/** The kinds of building block a policy defines by Id and others reference. */
export type DefKind =
  | 'ClaimType'
  | 'ClaimsTransformation'
  | 'ContentDefinition'
  | 'DisplayControl'
  | 'LocalizedResources'
  | 'TechnicalProfile'
  | 'UserJourney'
  | 'SubJourney';

export const DEF_KINDS: readonly DefKind[] = [
  'ClaimType',
  'ClaimsTransformation',
  'ContentDefinition',
  'DisplayControl',
  'LocalizedResources',
  'TechnicalProfile',
  'UserJourney',
  'SubJourney',
];

/** Where each kind is defined, as a child path from the root. */
const DEF_PATHS: Record<DefKind, string[]> = {
  ClaimType: ['BuildingBlocks', 'ClaimsSchema', 'ClaimType'],
  ClaimsTransformation: ['BuildingBlocks', 'ClaimsTransformations', 'ClaimsTransformation'],
  ContentDefinition: ['BuildingBlocks', 'ContentDefinitions', 'ContentDefinition'],
  DisplayControl: ['BuildingBlocks', 'DisplayControls', 'DisplayControl'],
  LocalizedResources: ['BuildingBlocks', 'Localization', 'LocalizedResources'],
  TechnicalProfile: ['ClaimsProviders', 'ClaimsProvider', 'TechnicalProfiles', 'TechnicalProfile'],
  UserJourney: ['UserJourneys', 'UserJourney'],
  SubJourney: ['SubJourneys', 'SubJourney'],
};

/** One TrustFrameworkPolicy file: header facts and an index of what it defines. */
export class Policy {
  readonly policyId: string | undefined;
  readonly tenantId: string | undefined;
  readonly publicPolicyUri: string | undefined;
  readonly schemaVersion: string | undefined;
  /** `<BasePolicy>` facts, when the file has one. */
  readonly base: { policyId: string; tenantId: string; element: XmlElement; policyIdElement: XmlElement | undefined } | undefined;
  readonly relyingParty: XmlElement | undefined;
  /**
   * Definitions in this file only, keyed by lower-cased Id (the service matches ids case-insensitively):
   * the element itself, or a list when the Id is defined more than once (rare; a list each would be 10^4 arrays).
   */
  private readonly defs = new Map<DefKind, Map<string, XmlElement | XmlElement[]>>();
  private readonly repeated = new Set<DefKind>();
  /** Every definition with an Id, per kind, in document order. */
  private readonly lists = new Map<DefKind, XmlElement[]>();

  constructor(
    /** Path as shown to users: relative to the working folder, `/` separators. */
    readonly path: string,
    readonly absPath: string,
    readonly source: XmlSource,
  ) {
    const root = source.root;
    this.policyId = root.attributes.PolicyId;
    this.tenantId = root.attributes.TenantId;
    this.publicPolicyUri = root.attributes.PublicPolicyUri;
    this.schemaVersion = root.attributes.PolicySchemaVersion;
    const base = child(root, 'BasePolicy');
    if (base) {
      const pid = child(base, 'PolicyId');
      this.base = { policyId: textOf(pid), tenantId: textOf(child(base, 'TenantId')), element: base, policyIdElement: pid };
    }
    this.relyingParty = child(root, 'RelyingParty');
    for (const kind of DEF_KINDS) {
      const map = new Map<string, XmlElement | XmlElement[]>();
      const list: XmlElement[] = [];
      for (const el of descendants(root, ...DEF_PATHS[kind])) {
        const id = el.attributes.Id;
        if (id === undefined) continue;
        list.push(el);
        const key = id.toLowerCase();
        const had = map.get(key);
        if (had === undefined) map.set(key, el);
        else {
          this.repeated.add(kind);
          if (Array.isArray(had)) had.push(el);
          else map.set(key, [had, el]);
        }
      }
      this.defs.set(kind, map);
      this.lists.set(kind, list);
    }
  }

  get root(): XmlElement {
    return this.source.root;
  }

  /** The file's text after any byte-order mark: every offset in the tree refers to it. */
  get text(): string {
    return this.source.text;
  }

  get bom(): boolean {
    return this.source.bom;
  }

  /** Definitions of `kind` with this Id in this file (case-insensitive). */
  defined(kind: DefKind, id: string): XmlElement[] {
    const v = this.definition(kind, id.toLowerCase());
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }

  /** As `defined`, without building a list for the usual single definition; `key` is the Id in lower case. */
  definition(kind: DefKind, key: string): XmlElement | XmlElement[] | undefined {
    return this.defs.get(kind)!.get(key);
  }

  /** Every definition of `kind` in this file (with an Id), in document order. */
  definitions(kind: DefKind): readonly XmlElement[] {
    return this.lists.get(kind)!;
  }

  /** The first definition of each Id of `kind` in this file (ignoring case), in document order. */
  firstDefinitions(kind: DefKind): readonly XmlElement[] {
    const all = this.lists.get(kind)!;
    if (!this.repeated.has(kind)) return all;
    const map = this.defs.get(kind)!;
    return all.filter((el) => {
      const v = map.get(el.attributes.Id!.toLowerCase());
      return Array.isArray(v) ? v[0] === el : v === el;
    });
  }

  /** Whether some Id of `kind` is defined more than once in this file (ignoring case). */
  repeats(kind: DefKind): boolean {
    return this.repeated.has(kind);
  }

  /** Whether this file defines anything of `kind`. */
  definesAny(kind: DefKind): boolean {
    return this.defs.get(kind)!.size > 0;
  }

  /** The RelyingParty's DefaultUserJourney reference element. */
  get defaultUserJourney(): XmlElement | undefined {
    return child(this.relyingParty, 'DefaultUserJourney');
  }

  /** All TechnicalProfile elements in ClaimsProviders (including duplicates). */
  technicalProfiles(): XmlElement[] {
    return descendants(this.root, ...DEF_PATHS.TechnicalProfile);
  }

  /** A journey element's own OrchestrationStep elements (not merged). */
  steps(journey: XmlElement): XmlElement[] {
    return children(child(journey, 'OrchestrationSteps'), 'OrchestrationStep');
  }
}
