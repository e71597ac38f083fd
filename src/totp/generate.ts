import { xml } from '../xml/edit.js';
import {
  ENROLLMENT_PAGE_DISPLAY_CLAIMS,
  HANDLERS,
  PROPRIETARY,
  TOTP_CLAIMS,
  TOTP_CLAIMS_TRANSFORMATIONS,
  TOTP_CONTENT_DEFINITION,
  TOTP_DISPLAY_CONTROLS,
  TOTP_SESSION_PERSISTED_CLAIMS,
  TOTP_SUB_JOURNEYS,
  type ClaimsTransformationFact,
  type PageVersion,
  type SubJourneyStepFact,
  formatVersion,
} from './catalogue.js';

/**
 * XML fragments for every TOTP building block, generated from the catalogue. Fragments use
 * two-space indentation and `\n`; the splicer re-indents them to each file's own style.
 * Every interpolated value goes through the escaping `xml` tag.
 */

export interface GenerateOptions {
  /** Name shown in the authenticator app; replaces the sample's {AuthenticatorIssuer}. */
  issuer: string;
  /** selfasserted page contract version of the TOTP content definition. */
  pageVersion: PageVersion;
  /** totpIdentifier sources, in priority order. */
  identifiers: IdentifierSource[];
}

/** How one sign-in claim is copied into totpIdentifier. */
export interface IdentifierSource {
  claim: string;
  /** DataType of the claim in the policy set; decides the transformation. */
  dataType: string;
  transformationId: string;
  technicalProfileId: string;
  exchangeId: string;
  method: 'CopyClaim' | 'GetSingleItemFromStringCollection' | 'ConvertPhoneNumberClaimToString';
  inputType: string;
  outputType: string;
}

/** Catalogue claims that only matter as identifier sources: never declared by the generator. */
const IDENTIFIER_ONLY = new Set(['UserId', 'emails', 'ReadOnlyEmail']);

/** Claims the generated sub-journeys test in preconditions. */
/** Claims every generated AzureMfa call reads (D-MFATP input tables): declared when the chain lacks them. */
const AZURE_MFA_USER_CLAIMS = new Set(['objectId', 'userPrincipalName']);
const PRECONDITION_CLAIMS = new Set(Object.values(TOTP_SUB_JOURNEYS).flatMap((steps) => steps.flatMap((s) => (s.skipIf ?? []).map((p) => p.claim))));

/** The last resort, so totpIdentifier exists on every path (upload-errors T3). */
export const FALLBACK_IDENTIFIER = 'objectId';

/** Sample names kept for the three identifiers the sample ships (totp-spec §4.2). */
const SAMPLE_TRANSFORMATION_IDS: Record<string, string> = {
  UserId: 'UserIdToLogonIdentifier',
  email: 'EmailToTotpIdentifier',
  signInName: 'SignInNameToTotpIdentifier',
};

function pascal(claim: string): string {
  return claim
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

/** Plans how `claim` (of `dataType`) becomes totpIdentifier; undefined when no transformation fits. */
export function identifierSource(claim: string, dataType: string): IdentifierSource | undefined {
  const name = pascal(claim);
  const base = {
    claim,
    dataType,
    transformationId: SAMPLE_TRANSFORMATION_IDS[claim] ?? `${name}ToTotpIdentifier`,
    technicalProfileId: `CreateTotpIdentifier-${name}`,
    exchangeId: `SetTotpIdentifierAs${name}`,
  };
  switch (dataType) {
    case 'string':
      return { ...base, method: 'CopyClaim', inputType: 'inputClaim', outputType: 'outputClaim' };
    case 'stringCollection':
      return { ...base, method: 'GetSingleItemFromStringCollection', inputType: 'collection', outputType: 'extractedItem' };
    case 'phoneNumber':
      // CopyClaim needs equal DataTypes; a phoneNumber claim is converted to a string instead.
      return { ...base, method: 'ConvertPhoneNumberClaimToString', inputType: 'phoneNumber', outputType: 'phoneNumberString' };
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Display texts. Written for this tool (English); users localize them through LocalizedResources.
// ---------------------------------------------------------------------------------------------

const CLAIM_DISPLAY_NAMES: Record<string, string> = {
  totpIdentifier: 'Account name',
  numberOfAvailableDevices: 'Number of registered authenticator devices',
  QrCodeScanInstruction: 'Scan the QR code with your authenticator app, or enter the account details below. Then select Continue.',
  QrCodeVerifyInstruction: 'Enter the 6-digit code that your authenticator app shows.',
  qrCodeContent: 'Authenticator app setup link',
  secretKey: 'Secret key',
  otpCode: 'Verification code',
  uriLabel: 'Authenticator account label',
  issuer: 'Issuer',
  newUser: 'New user',
};

const CONTROL_STRINGS: Record<string, ReadonlyArray<readonly [string, string]>> = {
  authenticatorAppIconControl: [
    ['title_text', 'Get an authenticator app'],
    ['instruction_text', 'Install an authenticator app, such as Microsoft Authenticator, on your phone.'],
  ],
  totpQrCodeControl: [
    ['title_text', 'Scan the QR code'],
    ['info_msg', 'Cannot scan? Open the link on your phone, or enter the account details shown below.'],
    ['link_text', 'Open in authenticator app'],
  ],
  authenticatorInfoControl: [
    ['title_text', 'Enter the account details'],
    ['account_name', 'Account name:'],
    ['display_prefix', 'Secret key:'],
    ['collapse_text', 'Show the account details'],
  ],
};

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/** ClaimTypes the TOTP extension defines (those not in the starter-pack base). */
export function claimTypes(defined: (id: string) => boolean): string[] {
  const wanted = (c: (typeof TOTP_CLAIMS)[number]) =>
    // Base claims come from the user's policies, except one the generated preconditions read (newUser): a
    // precondition on an undefined claim never applies, so it is declared when the chain lacks it; and the
    // two every AzureMfa call reads (objectId, userPrincipalName), which a single-file policy may lack.
    (c.fromBase ? PRECONDITION_CLAIMS.has(c.id) || AZURE_MFA_USER_CLAIMS.has(c.id) : !IDENTIFIER_ONLY.has(c.id)) && !defined(c.id);
  return TOTP_CLAIMS.filter(wanted).map((c) => {
    const lines = [xml`<ClaimType Id="${c.id}">`, xml`  <DisplayName>${CLAIM_DISPLAY_NAMES[c.id] ?? c.id}</DisplayName>`, xml`  <DataType>${c.dataType}</DataType>`];
    if (c.userInputType) lines.push(xml`  <UserInputType>${c.userInputType}</UserInputType>`);
    if (c.pattern) {
      lines.push('  <Restriction>', xml`    <Pattern RegularExpression="${c.pattern}" HelpText="Enter the 6-digit code." />`, '  </Restriction>');
    }
    lines.push('</ClaimType>');
    return lines.join('\n');
  });
}

function transformationXml(t: ClaimsTransformationFact): string {
  const lines = [xml`<ClaimsTransformation Id="${t.id}" TransformationMethod="${t.method}">`];
  if (t.inputClaims.length) {
    lines.push('  <InputClaims>');
    for (const [claim, type] of t.inputClaims) lines.push(xml`    <InputClaim ClaimTypeReferenceId="${claim}" TransformationClaimType="${type}" />`);
    lines.push('  </InputClaims>');
  }
  if (t.inputParameters.length) {
    lines.push('  <InputParameters>');
    for (const [id, value] of t.inputParameters) lines.push(xml`    <InputParameter Id="${id}" DataType="string" Value="${value}" />`);
    lines.push('  </InputParameters>');
  }
  lines.push('  <OutputClaims>');
  for (const [claim, type] of t.outputClaims) lines.push(xml`    <OutputClaim ClaimTypeReferenceId="${claim}" TransformationClaimType="${type}" />`);
  lines.push('  </OutputClaims>', '</ClaimsTransformation>');
  return lines.join('\n');
}

const ENROLLMENT_TRANSFORMATIONS = ['CreateSecret', 'CreateIssuer', 'CreateUriLabel', 'CreateUriString'];

/** The enrollment transformations (issuer filled in) and one per identifier source. */
export function claimsTransformations(opts: GenerateOptions): string[] {
  const enrollment = TOTP_CLAIMS_TRANSFORMATIONS.filter((t) => ENROLLMENT_TRANSFORMATIONS.includes(t.id)).map((t) => ({
    ...t,
    inputParameters: t.inputParameters.map(([id, value]) => [id, value === '{AuthenticatorIssuer}' ? opts.issuer : value] as const),
  }));
  const identifiers = opts.identifiers.map(
    (s): ClaimsTransformationFact => ({
      id: s.transformationId,
      method: s.method as ClaimsTransformationFact['method'],
      inputClaims: [[s.claim, s.inputType]],
      inputParameters: [],
      outputClaims: [['totpIdentifier', s.outputType]],
    }),
  );
  return [...enrollment, ...identifiers].map(transformationXml);
}

export function contentDefinition(version: PageVersion): string {
  const cd = TOTP_CONTENT_DEFINITION;
  return [
    xml`<ContentDefinition Id="${cd.id}">`,
    xml`  <LoadUri>${cd.loadUri}</LoadUri>`,
    xml`  <RecoveryUri>${cd.recoveryUri}</RecoveryUri>`,
    xml`  <DataUri>urn:com:microsoft:aad:b2c:elements:contract:selfasserted:${formatVersion(version)}</DataUri>`,
    '  <Metadata>',
    xml`    <Item Key="DisplayName">${cd.displayName}</Item>`,
    '  </Metadata>',
    '  <LocalizedResourcesReferences>',
    xml`    <LocalizedResourcesReference Language="${cd.localizedResources.language}" LocalizedResourcesReferenceId="${cd.localizedResources.id}" />`,
    '  </LocalizedResourcesReferences>',
    '</ContentDefinition>',
  ].join('\n');
}

export function localizedResources(): string {
  const lines = [xml`<LocalizedResources Id="${TOTP_CONTENT_DEFINITION.localizedResources.id}">`, '  <LocalizedStrings>'];
  for (const control of ['authenticatorAppIconControl', 'totpQrCodeControl', 'authenticatorInfoControl']) {
    for (const [stringId, text] of CONTROL_STRINGS[control]!) {
      lines.push(xml`    <LocalizedString ElementType="DisplayControl" ElementId="${control}" StringId="${stringId}">${text}</LocalizedString>`);
    }
  }
  for (const claim of ['QrCodeScanInstruction', 'QrCodeVerifyInstruction', 'otpCode']) {
    lines.push(xml`    <LocalizedString ElementType="ClaimType" ElementId="${claim}" StringId="DisplayName">${CLAIM_DISPLAY_NAMES[claim]!}</LocalizedString>`);
  }
  lines.push('  </LocalizedStrings>', '</LocalizedResources>');
  return lines.join('\n');
}

export function displayControls(): string[] {
  return Object.values(TOTP_DISPLAY_CONTROLS).map((c) => {
    if (c.claims.length === 0) return xml`<DisplayControl Id="${c.id}" UserInterfaceControlType="${c.type}" />`;
    const lines = [xml`<DisplayControl Id="${c.id}" UserInterfaceControlType="${c.type}">`, '  <InputClaims>'];
    for (const cl of c.claims) lines.push(xml`    <InputClaim ClaimTypeReferenceId="${cl.claim}" />`);
    lines.push('  </InputClaims>', '  <DisplayClaims>');
    for (const cl of c.claims) {
      lines.push(
        cl.controlClaimType
          ? xml`    <DisplayClaim ClaimTypeReferenceId="${cl.claim}" ControlClaimType="${cl.controlClaimType}" />`
          : xml`    <DisplayClaim ClaimTypeReferenceId="${cl.claim}" />`,
      );
    }
    lines.push('  </DisplayClaims>', '</DisplayControl>');
    return lines.join('\n');
  });
}

// ---------------------------------------------------------------------------------------------
// Technical profiles
// ---------------------------------------------------------------------------------------------

function protocol(handler: string): string {
  return xml`  <Protocol Name="${PROPRIETARY}" Handler="${handler}" />`;
}

function azureMfa(id: string, displayName: string, operation: string, inputs: string[], outputs: string[] = []): string {
  const lines = [xml`<TechnicalProfile Id="${id}">`, xml`  <DisplayName>${displayName}</DisplayName>`, protocol(HANDLERS.azureMfa), '  <Metadata>', xml`    <Item Key="Operation">${operation}</Item>`, '  </Metadata>', '  <InputClaims>'];
  for (const c of inputs) lines.push(xml`    <InputClaim ClaimTypeReferenceId="${c}" />`);
  lines.push('  </InputClaims>');
  if (outputs.length) {
    lines.push('  <OutputClaims>');
    for (const c of outputs) lines.push(xml`    <OutputClaim ClaimTypeReferenceId="${c}" />`);
    lines.push('  </OutputClaims>');
  }
  lines.push('</TechnicalProfile>');
  return lines.join('\n');
}

function claimsTransformationProfile(id: string, displayName: string, outputs: string[], outputTransformations: string[] = []): string {
  const lines = [xml`<TechnicalProfile Id="${id}">`, xml`  <DisplayName>${displayName}</DisplayName>`, protocol(HANDLERS.claimsTransformation), '  <OutputClaims>'];
  for (const o of outputs) lines.push(`    ${o}`);
  lines.push('  </OutputClaims>');
  if (outputTransformations.length) {
    lines.push('  <OutputClaimsTransformations>');
    for (const t of outputTransformations) lines.push(xml`    <OutputClaimsTransformation ReferenceId="${t}" />`);
    lines.push('  </OutputClaimsTransformations>');
  }
  lines.push('</TechnicalProfile>');
  return lines.join('\n');
}

function session(id: string): string {
  const lines = [xml`<TechnicalProfile Id="${id}">`, xml`  <DisplayName>Session Management Provider</DisplayName>`, protocol(HANDLERS.defaultSso), '  <PersistedClaims>'];
  for (const c of TOTP_SESSION_PERSISTED_CLAIMS) lines.push(xml`    <PersistedClaim ClaimTypeReferenceId="${c}" />`);
  lines.push('  </PersistedClaims>', '</TechnicalProfile>');
  return lines.join('\n');
}

function selfAsserted(id: string, displayName: string, button: string, body: string[], sessionId: string): string {
  return [
    xml`<TechnicalProfile Id="${id}">`,
    xml`  <DisplayName>${displayName}</DisplayName>`,
    protocol(HANDLERS.selfAsserted),
    '  <Metadata>',
    xml`    <Item Key="ContentDefinitionReferenceId">${TOTP_CONTENT_DEFINITION.id}</Item>`,
    xml`    <Item Key="language.button_continue">${button}</Item>`,
    '  </Metadata>',
    '  <CryptographicKeys>',
    '    <Key Id="issuer_secret" StorageReferenceId="B2C_1A_TokenSigningKeyContainer" />',
    '  </CryptographicKeys>',
    ...body,
    xml`  <UseTechnicalProfileForSessionManagement ReferenceId="${sessionId}" />`,
    '</TechnicalProfile>',
  ].join('\n');
}

/** Every TOTP technical profile, in the order they appear in the generated ClaimsProvider. */
export function technicalProfiles(opts: GenerateOptions): string[] {
  const enrollmentDisplay = ENROLLMENT_PAGE_DISPLAY_CLAIMS.map((d) =>
    'displayControl' in d ? xml`    <DisplayClaim DisplayControlReferenceId="${d.displayControl}" />` : xml`    <DisplayClaim ClaimTypeReferenceId="${d.claim}" />`,
  );
  return [
    azureMfa('AzureMfa-GetAvailableDevices', 'Get available devices', 'GetAvailableDevices', ['userPrincipalName'], ['numberOfAvailableDevices']),
    azureMfa('AzureMfa-BeginVerifyOTP', 'Begin verify OTP', 'BeginVerifyOTP', ['secretKey', 'objectId', 'userPrincipalName']),
    azureMfa('AzureMfa-VerifyOTP', 'Verify OTP', 'VerifyOTP', ['otpCode']),
    selfAsserted(
      'EnableOTPAuthentication',
      'Set up an authenticator app',
      'Continue',
      [
        '  <InputClaimsTransformations>',
        ...ENROLLMENT_TRANSFORMATIONS.map((t) => xml`    <InputClaimsTransformation ReferenceId="${t}" />`),
        '  </InputClaimsTransformations>',
        '  <InputClaims>',
        '    <InputClaim ClaimTypeReferenceId="qrCodeContent" />',
        '    <InputClaim ClaimTypeReferenceId="secretKey" />',
        '  </InputClaims>',
        '  <DisplayClaims>',
        ...enrollmentDisplay,
        '  </DisplayClaims>',
        '  <OutputClaims>',
        '    <OutputClaim ClaimTypeReferenceId="objectId" />',
        '    <OutputClaim ClaimTypeReferenceId="secretKey" />',
        '  </OutputClaims>',
      ],
      'SM-MFA-Totp-Input',
    ),
    selfAsserted(
      'OTPVerification',
      'Verify the authenticator code',
      'Verify',
      [
        '  <DisplayClaims>',
        '    <DisplayClaim ClaimTypeReferenceId="QrCodeVerifyInstruction" />',
        '    <DisplayClaim ClaimTypeReferenceId="otpCode" Required="true" />',
        '  </DisplayClaims>',
        '  <OutputClaims>',
        '    <OutputClaim ClaimTypeReferenceId="objectId" />',
        '    <OutputClaim ClaimTypeReferenceId="otpCode" Required="true" />',
        '  </OutputClaims>',
        '  <ValidationTechnicalProfiles>',
        '    <ValidationTechnicalProfile ReferenceId="AzureMfa-VerifyOTP" />',
        '  </ValidationTechnicalProfiles>',
      ],
      'SM-MFA-TOTP',
    ),
    claimsTransformationProfile('SetTotpDefaultValue', 'Set the default device count', ['<OutputClaim ClaimTypeReferenceId="numberOfAvailableDevices" DefaultValue="0" />']),
    ...opts.identifiers.map((s) =>
      claimsTransformationProfile(s.technicalProfileId, xml`Copy ${s.claim} to totpIdentifier`, ['<OutputClaim ClaimTypeReferenceId="totpIdentifier" />'], [s.transformationId]),
    ),
    session('SM-MFA-TOTP'),
    session('SM-MFA-Totp-Input'),
  ];
}

/** Adds the userPrincipalName output to a technical profile defined in a base policy. */
export function upnOverride(id: string): string {
  return [xml`<TechnicalProfile Id="${id}">`, '  <OutputClaims>', '    <OutputClaim ClaimTypeReferenceId="userPrincipalName" />', '  </OutputClaims>', '</TechnicalProfile>'].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Journeys
// ---------------------------------------------------------------------------------------------

function stepXml(step: SubJourneyStepFact): string {
  const lines = [xml`<OrchestrationStep Order="${step.order}" Type="${step.invoke ? 'InvokeSubJourney' : 'ClaimsExchange'}">`];
  if (step.skipIf?.length) {
    lines.push('  <Preconditions>');
    for (const p of step.skipIf) {
      lines.push(xml`    <Precondition Type="${p.type}" ExecuteActionsIf="${String(p.executeActionsIf)}">`, xml`      <Value>${p.claim}</Value>`);
      if (p.value !== undefined) lines.push(xml`      <Value>${p.value}</Value>`);
      lines.push('      <Action>SkipThisOrchestrationStep</Action>', '    </Precondition>');
    }
    lines.push('  </Preconditions>');
  }
  if (step.invoke) {
    lines.push('  <JourneyList>', xml`    <Candidate SubJourneyReferenceId="${step.invoke}" />`, '  </JourneyList>');
  } else if (step.exchange) {
    lines.push('  <ClaimsExchanges>', xml`    <ClaimsExchange Id="${step.exchange.id}" TechnicalProfileReferenceId="${step.exchange.technicalProfile}" />`, '  </ClaimsExchanges>');
  }
  lines.push('</OrchestrationStep>');
  return lines.join('\n');
}

function subJourneyXml(id: string, steps: readonly SubJourneyStepFact[]): string {
  return [xml`<SubJourney Id="${id}" Type="Call">`, '  <OrchestrationSteps>', ...steps.map((s) => indent(stepXml(s), 4)), '  </OrchestrationSteps>', '</SubJourney>'].join('\n');
}

/**
 * The three sub-journeys. SetTotpInitialValue seeds the device count and copies the first identifier
 * the user has into totpIdentifier, one guarded step per detected source.
 */
export function subJourneys(opts: GenerateOptions): string[] {
  const initial: SubJourneyStepFact[] = [
    TOTP_SUB_JOURNEYS.SetTotpInitialValue![0]!,
    ...opts.identifiers.map(
      (s, i): SubJourneyStepFact => ({
        order: i + 2,
        exchange: { id: s.exchangeId, technicalProfile: s.technicalProfileId },
        skipIf: [
          { type: 'ClaimsExist', claim: 'totpIdentifier', executeActionsIf: true },
          { type: 'ClaimsExist', claim: s.claim, executeActionsIf: false },
        ],
      }),
    ),
  ];
  return [subJourneyXml('SetTotpInitialValue', initial), subJourneyXml('TotpFactor-Input', TOTP_SUB_JOURNEYS['TotpFactor-Input']!), subJourneyXml('TotpFactor-Verify', TOTP_SUB_JOURNEYS['TotpFactor-Verify']!)];
}

/** The two steps a protected journey gains: enroll if needed, then verify. */
export function journeySteps(firstOrder: number): string[] {
  return [stepXml({ order: firstOrder, invoke: 'TotpFactor-Input' }), stepXml({ order: firstOrder + 1, invoke: 'TotpFactor-Verify' })];
}

export function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}
