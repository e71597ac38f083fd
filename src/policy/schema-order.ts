/**
 * Child-element order that the policy schema (TrustFrameworkPolicy_0.3.0.0.xsd, xs:sequence) requires,
 * as plain data, so the order can be checked without loading the XSD.
 *
 * Keys are an element name, or `Parent/Element` where one name has different content models in
 * different places (a TechnicalProfile under TechnicalProfiles or under RelyingParty; the bare
 * TechnicalProfile reference inside InputTokenSources has no children and is not listed).
 *
 * Only sequences of two or more distinct children are listed: an element with a single possible
 * child (SubJourney → OrchestrationSteps, Metadata → Item, ...) cannot be out of order, and the two
 * xs:choice models (Inheritance, ClaimType/Restriction) have no order. Names that are not in a list
 * are left to schema validation.
 *
 * Derived from the schema's element declarations by walking every path from TrustFrameworkPolicy.
 */

/** The TechnicalProfile sequence, shared by ClaimsProvider and RelyingParty technical profiles. */
const TECHNICAL_PROFILE: readonly string[] = [
  'Domains',
  'Domain',
  'DisplayName',
  'Description',
  'Protocol',
  'InputTokenFormat',
  'OutputTokenFormat',
  'AssuranceLevelOfOutputClaims',
  'RequiredAssuranceLevelsOfInputClaims',
  'SubjectAuthenticationRequirements',
  'Metadata',
  'CryptographicKeys',
  'Suppressions',
  'PreferredBinding',
  'IncludeInSso',
  'InputTokenSources',
  'InputClaimsTransformations',
  'InputClaims',
  'DisplayClaims',
  'PersistedClaims',
  'OutputClaims',
  'OutputClaimsTransformations',
  'ValidationTechnicalProfiles',
  'SubjectNamingInfo',
  'Extensions',
  'IncludeClaimsFromTechnicalProfile',
  'IncludeTechnicalProfile',
  'UseTechnicalProfileForSessionManagement',
  'ErrorHandlers',
  'EnabledForUserJourneys',
];

/** Element (or `Parent/Element`) → its allowed children, in schema order. */
export const SCHEMA_ORDER: Readonly<Record<string, readonly string[]>> = {
  TrustFrameworkPolicy: [
    'BasePolicy',
    'PolicyConstraints',
    'Contacts',
    'DocumentReferences',
    'BuildingBlocks',
    'ClaimsProviders',
    'UserJourneys',
    'SubJourneys',
    'RelyingParty',
  ],
  BasePolicy: ['TenantId', 'PolicyId'],
  PolicyConstraints: ['Inheritance', 'RerouteRules'],
  Contact: ['DisplayName', 'TelephoneNumber', 'Email', 'Role'],
  DocumentReference: ['DisplayName', 'Url'],

  BuildingBlocks: [
    'ClaimsSchema',
    'Predicates',
    'InputValidations',
    'PredicateValidations',
    'ClaimsTransformations',
    'ClientDefinitions',
    'ContentDefinitions',
    'Localization',
    'DisplayControls',
  ],
  ClaimType: [
    'DisplayName',
    'DataType',
    'DefaultPartnerClaimTypes',
    'Mask',
    'AdminHelpText',
    'UserHelpText',
    'UserInputType',
    'Restriction',
    'InputValidationReference',
    'PredicateValidationReference',
  ],
  Predicate: ['UserHelpText', 'Parameters'],
  PredicateGroup: ['UserHelpText', 'PredicateReferences'],
  ClaimsTransformation: ['InputClaims', 'InputParameters', 'OutputClaims'],
  ContentDefinition: ['LoadUri', 'RecoveryUri', 'DataUri', 'Metadata', 'LocalizedResourcesReferences'],
  Localization: ['SupportedLanguages', 'LocalizedResources'],
  LocalizedResources: ['LocalizedCollections', 'LocalizedStrings'],
  DisplayControl: ['InputClaims', 'DisplayClaims', 'OutputClaims', 'Actions'],

  ClaimsProvider: ['Domains', 'Domain', 'DisplayName', 'TechnicalProfiles'],
  'TechnicalProfiles/TechnicalProfile': TECHNICAL_PROFILE,
  ErrorHandler: ['ErrorResponseFormat', 'ResponseMatch', 'Action', 'AdditionalRequestParameters'],
  /** Orchestration steps, validation technical profiles and display-control actions share this model. */
  Precondition: ['Value', 'Action'],

  UserJourney: ['AssuranceLevel', 'PreserveOriginalAssertion', 'Authorization', 'OrchestrationSteps', 'ClientDefinition', 'CryptographicKeys'],
  /** In UserJourney and SubJourney alike. */
  OrchestrationStep: ['Preconditions', 'ClaimsProviderSelections', 'ClaimsExchanges', 'JourneyList'],

  RelyingParty: ['DefaultUserJourney', 'Endpoints', 'UserJourneyBehaviors', 'TechnicalProfile'],
  'RelyingParty/TechnicalProfile': TECHNICAL_PROFILE,
  UserJourneyBehaviors: [
    'SingleSignOn',
    'SessionExpiryType',
    'SessionExpiryInSeconds',
    'AzureApplicationInsights',
    'JourneyInsights',
    'ContentDefinitionParameters',
    'JourneyFraming',
    'ScriptExecution',
    'OnError',
  ],
};

type Order = { key: string; rank: ReadonlyMap<string, number> };

/** name → (parent → order) for scoped keys, and name → order for plain ones; built once. */
const scoped = new Map<string, Map<string, Order>>();
const plain = new Map<string, Order>();
for (const [key, names] of Object.entries(SCHEMA_ORDER)) {
  const order: Order = { key, rank: new Map(names.map((n, i) => [n, i])) };
  const slash = key.indexOf('/');
  if (slash < 0) plain.set(key, order);
  else {
    const name = key.slice(slash + 1);
    let byParent = scoped.get(name);
    if (!byParent) scoped.set(name, (byParent = new Map()));
    byParent.set(key.slice(0, slash), order);
  }
}

/**
 * The schema order of `name`'s children as name → position, or undefined when the order is not
 * tabled. `parent` is the enclosing element's name (undefined for the root).
 */
export function childOrder(name: string, parent: string | undefined): Order | undefined {
  const byParent = scoped.get(name);
  if (byParent && parent !== undefined) {
    const hit = byParent.get(parent);
    if (hit) return hit;
  }
  return plain.get(name);
}
