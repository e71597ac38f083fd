/**
 * What authenticator-app MFA (TOTP) needs in an Azure AD B2C policy set, as data. The linter reads it
 * to check policies; the `inject` generator reads it to write them. Facts only, each from
 * ../shared/reference/totp-spec.md (section given per block) or the AzureMfa technical-profile doc
 * (seeds/001_*.txt, "D-MFATP"). Ids, claim names and handler strings are exact and case-sensitive.
 */

// ---------------------------------------------------------------------------------------------
// Handlers (totp-spec §2)
// ---------------------------------------------------------------------------------------------

/** Every Protocol used by TOTP building blocks is `Name="Proprietary"` with one of these handlers. */
export const PROPRIETARY = 'Proprietary';

export const HANDLERS = {
  azureMfa: 'Web.TPEngine.Providers.AzureMfaProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null',
  selfAsserted: 'Web.TPEngine.Providers.SelfAssertedAttributeProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null',
  claimsTransformation: 'Web.TPEngine.Providers.ClaimsTransformationProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null',
  azureActiveDirectory: 'Web.TPEngine.Providers.AzureActiveDirectoryProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null',
  defaultSso: 'Web.TPEngine.SSO.DefaultSSOSessionProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null',
  noopSso: 'Web.TPEngine.SSO.NoopSSOSessionProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null',
} as const;

/** The class names inside the handler strings, for "which provider is this TP" tests. */
export const PROVIDER_CLASS = {
  azureMfa: 'AzureMfaProtocolProvider',
  selfAsserted: 'SelfAssertedAttributeProvider',
  claimsTransformation: 'ClaimsTransformationProtocolProvider',
  azureActiveDirectory: 'AzureActiveDirectoryProvider',
  defaultSso: 'DefaultSSOSessionProvider',
  noopSso: 'NoopSSOSessionProvider',
} as const;

/** The AzureMfa protocol as it must be written (D-MFATP "Protocol"). */
export const AZURE_MFA_PROTOCOL = { name: PROPRIETARY, handler: HANDLERS.azureMfa } as const;

/** Protocol names of federated identity providers: their UPN is not the directory's (upload-errors T2). */
export const IDENTITY_PROVIDER_PROTOCOLS: readonly string[] = ['OAuth1', 'OAuth2', 'OpenIdConnect', 'SAML2'];

// ---------------------------------------------------------------------------------------------
// AzureMfaProtocolProvider operations (totp-spec §1.1; D-MFATP)
// ---------------------------------------------------------------------------------------------

export type AzureMfaOperationName = 'OneWaySMS' | 'Verify' | 'GetAvailableDevices' | 'BeginVerifyOTP' | 'VerifyOTP';

export type Invocation = 'validation-technical-profile' | 'display-control-action' | 'orchestration-step';

export interface AzureMfaOperation {
  /** The `<Item Key="Operation">` value. */
  name: AzureMfaOperationName;
  mode: 'phone' | 'totp';
  /** Partner claim names the provider requires (InputClaim PartnerClaimType, else ClaimTypeReferenceId). */
  requiredInputs: readonly string[];
  /** Partner claim names the provider also accepts. */
  optionalInputs: readonly string[];
  /** Partner claim names the provider returns; any other OutputClaim needs a DefaultValue. */
  outputs: readonly string[];
  /** Outputs a technical profile for this operation must declare. */
  requiredOutputs: readonly string[];
  /** Error-message metadata keys, set on the calling self-asserted TP (never on the AzureMfa TP). */
  userMessageKeys: readonly string[];
  /** Where the samples and docs invoke it. */
  invocations: readonly Invocation[];
  /** Operations that must run before this one in the same flow. */
  after: readonly AzureMfaOperationName[];
  /** Operations that must run after this one in the same flow. */
  before: readonly AzureMfaOperationName[];
}

export const AZURE_MFA_OPERATIONS: Readonly<Record<AzureMfaOperationName, AzureMfaOperation>> = {
  OneWaySMS: {
    name: 'OneWaySMS',
    mode: 'phone',
    requiredInputs: ['userPrincipalName', 'phoneNumber'],
    optionalInputs: ['companyName', 'locale'],
    outputs: [],
    requiredOutputs: [],
    userMessageKeys: ['UserMessageIfCouldntSendSms', 'UserMessageIfInvalidFormat', 'UserMessageIfServerError', 'UserMessageIfThrottled'],
    invocations: ['validation-technical-profile', 'display-control-action'],
    after: [],
    before: [],
  },
  Verify: {
    name: 'Verify',
    mode: 'phone',
    requiredInputs: ['phoneNumber', 'verificationCode'],
    optionalInputs: [],
    outputs: [],
    requiredOutputs: [],
    userMessageKeys: ['UserMessageIfMaxAllowedCodeRetryReached', 'UserMessageIfServerError', 'UserMessageIfThrottled', 'UserMessageIfWrongCodeEntered'],
    invocations: ['validation-technical-profile', 'display-control-action'],
    after: [],
    before: [],
  },
  GetAvailableDevices: {
    name: 'GetAvailableDevices',
    mode: 'totp',
    requiredInputs: ['userPrincipalName'],
    optionalInputs: [],
    outputs: ['numberOfAvailableDevices'],
    requiredOutputs: ['numberOfAvailableDevices'],
    userMessageKeys: [],
    invocations: ['orchestration-step'],
    after: [],
    before: [],
  },
  BeginVerifyOTP: {
    name: 'BeginVerifyOTP',
    mode: 'totp',
    requiredInputs: ['userPrincipalName', 'objectId', 'secretKey'],
    optionalInputs: [],
    outputs: [],
    requiredOutputs: [],
    userMessageKeys: [],
    invocations: ['validation-technical-profile', 'orchestration-step'],
    after: [],
    before: ['VerifyOTP'],
  },
  VerifyOTP: {
    name: 'VerifyOTP',
    mode: 'totp',
    requiredInputs: ['otpCode'],
    optionalInputs: [],
    outputs: [],
    requiredOutputs: [],
    userMessageKeys: [],
    invocations: ['validation-technical-profile'],
    after: ['BeginVerifyOTP'],
    before: [],
  },
};

export const AZURE_MFA_OPERATION_NAMES: readonly AzureMfaOperationName[] = Object.keys(AZURE_MFA_OPERATIONS) as AzureMfaOperationName[];

/** Operation values seen in public samples but not documented (totp-spec §1.1, §7.2). */
export const UNDOCUMENTED_AZURE_MFA_OPERATIONS: Readonly<Record<string, { inputs: readonly string[]; note: string }>> = {
  DeleteDevices: {
    inputs: ['objectId', 'userPrincipalName'],
    note: 'removed from the TOTP sample in b2d4114; delete an enrollment in the portal (Authentication methods, Software OATH token) or with Microsoft Graph softwareOathAuthenticationMethod',
  },
};

/** The only documented AzureMfa metadata key. */
export const AZURE_MFA_OPERATION_KEY = 'Operation';

/** Undocumented AzureMfa metadata seen in sample history; `error` ones must not ship. */
export const UNDOCUMENTED_AZURE_MFA_METADATA: Readonly<Record<string, { severity: 'error' | 'warning'; note: string }>> = {
  allowTestOtpPassthrough: { severity: 'error', note: 'a test switch from the first TOTP sample (dfb4516), removed in 5856646' },
};

/** Prefix of error-message metadata keys and ErrorMessage StringIds. */
export const USER_MESSAGE_PREFIX = 'UserMessageIf';

/** Every documented AzureMfa error-message key (the union over operations). */
export const AZURE_MFA_USER_MESSAGE_KEYS: readonly string[] = [...new Set(AZURE_MFA_OPERATION_NAMES.flatMap((o) => AZURE_MFA_OPERATIONS[o].userMessageKeys))];

/** Default texts of those keys (D-LOC "Microsoft Entra multifactor authentication error messages"). */
export const AZURE_MFA_USER_MESSAGE_DEFAULTS: Readonly<Record<string, string>> = {
  UserMessageIfCouldntSendSms: 'Cannot Send SMS to the phone, please try another phone number.',
  UserMessageIfInvalidFormat: 'Your phone number is not in a valid format, please correct it and try again.',
  UserMessageIfMaxAllowedCodeRetryReached: 'Wrong code entered too many times, please try again later.',
  UserMessageIfServerError: 'Cannot use MFA service, please try again later.',
  UserMessageIfThrottled: 'Your request has been throttled, please try again later.',
  UserMessageIfWrongCodeEntered: 'Wrong code entered, please try again.',
};

// ---------------------------------------------------------------------------------------------
// Display controls (totp-spec §3.1, §3.3)
// ---------------------------------------------------------------------------------------------

/** XSD enumeration of DisplayControl/@UserInterfaceControlType in TrustFrameworkPolicy_0.3.0.0.xsd. */
export const USER_INTERFACE_CONTROL_TYPES: readonly string[] = ['VerificationControl', 'QrCodeControl', 'AuthenticatorInfoControl', 'AuthenticatorAppIconControl'];

export type TotpControlType = 'QrCodeControl' | 'AuthenticatorInfoControl' | 'AuthenticatorAppIconControl';

export interface TotpControlWiring {
  type: TotpControlType;
  /** Standard Id in the sample and docs. */
  id: string;
  /** Claims the control reads (InputClaims) and shows (DisplayClaims), by role. */
  claims: ReadonlyArray<{ role: 'qrContent' | 'identifier' | 'secret'; claim: string; controlClaimType?: string }>;
  /** LocalizedString StringIds (ElementType="DisplayControl", ElementId = the control Id). */
  stringIds: readonly string[];
  purpose: string;
}

export const TOTP_DISPLAY_CONTROLS: Readonly<Record<TotpControlType, TotpControlWiring>> = {
  QrCodeControl: {
    type: 'QrCodeControl',
    id: 'totpQrCodeControl',
    claims: [{ role: 'qrContent', claim: 'qrCodeContent', controlClaimType: 'QrCodeContent' }],
    stringIds: ['title_text', 'info_msg', 'link_text'],
    purpose: 'QR code and deep link of the otpauth:// URI',
  },
  AuthenticatorInfoControl: {
    type: 'AuthenticatorInfoControl',
    id: 'authenticatorInfoControl',
    claims: [
      { role: 'identifier', claim: 'totpIdentifier' },
      { role: 'secret', claim: 'secretKey' },
    ],
    stringIds: ['title_text', 'account_name', 'display_prefix', 'collapse_text'],
    purpose: 'manual entry panel: account name and secret',
  },
  AuthenticatorAppIconControl: {
    type: 'AuthenticatorAppIconControl',
    id: 'authenticatorAppIconControl',
    claims: [],
    // The sample uses instruction_text since 0cf0a09; the docs list DN (totp-spec §3.3).
    stringIds: ['title_text', 'instruction_text', 'DN'],
    purpose: 'authenticator app download links',
  },
};

export const TOTP_CONTROL_TYPES: readonly TotpControlType[] = Object.keys(TOTP_DISPLAY_CONTROLS) as TotpControlType[];

/** The ControlClaimType a QrCodeControl's display claim must carry. */
export const QR_CODE_CONTROL_CLAIM_TYPE = 'QrCodeContent';

/** Order of controls and claims on the enrollment page in the sample (totp-spec §3.1). */
export const ENROLLMENT_PAGE_DISPLAY_CLAIMS: ReadonlyArray<{ displayControl: string } | { claim: string }> = [
  { displayControl: 'authenticatorAppIconControl' },
  { claim: 'QrCodeScanInstruction' },
  { displayControl: 'totpQrCodeControl' },
  { displayControl: 'authenticatorInfoControl' },
];

// ---------------------------------------------------------------------------------------------
// Claims transformations (totp-spec §4.2; D-STR)
// ---------------------------------------------------------------------------------------------

export type TransformationMethodName =
  | 'CreateOtpSecret'
  | 'CreateStringClaim'
  | 'FormatStringMultipleClaims'
  | 'BuildUri'
  | 'CopyClaim'
  | 'GetSingleItemFromStringCollection';

export interface TransformationSignature {
  method: TransformationMethodName;
  /** Required InputClaim TransformationClaimTypes. */
  inputClaims: readonly string[];
  /** Further accepted InputClaim TransformationClaimTypes, as patterns. */
  extraInputClaims?: RegExp;
  /** Required InputParameter Ids. */
  inputParameters: readonly string[];
  extraInputParameters?: RegExp;
  /** Required OutputClaim TransformationClaimTypes. */
  outputClaims: readonly string[];
  /** DataTypes, when D-STR states them. */
  dataTypes?: Readonly<Record<string, string>>;
  note: string;
}

export const TRANSFORMATION_SIGNATURES: Readonly<Record<TransformationMethodName, TransformationSignature>> = {
  CreateOtpSecret: {
    method: 'CreateOtpSecret',
    inputClaims: [],
    inputParameters: [],
    outputClaims: ['outputClaim'],
    dataTypes: { outputClaim: 'string' },
    note: 'no inputs; exactly one output, the new secret',
  },
  CreateStringClaim: {
    method: 'CreateStringClaim',
    inputClaims: [],
    inputParameters: ['value'],
    outputClaims: ['createdClaim'],
    note: 'a constant string',
  },
  FormatStringMultipleClaims: {
    method: 'FormatStringMultipleClaims',
    inputClaims: ['inputClaim1', 'inputClaim2'],
    extraInputClaims: /^inputClaim\d+$/,
    inputParameters: ['stringFormat'],
    outputClaims: ['outputClaim'],
    note: 'stringFormat uses {0} and {1}',
  },
  BuildUri: {
    method: 'BuildUri',
    inputClaims: ['path', 'query.secret'],
    extraInputClaims: /^query\.[^\s]+$/,
    inputParameters: ['scheme', 'host', 'query.issuer'],
    extraInputParameters: /^query\.[^\s]+$/,
    outputClaims: ['outputClaim'],
    note: 'scheme://host/path?query.name=value...',
  },
  CopyClaim: {
    method: 'CopyClaim',
    inputClaims: ['inputClaim'],
    inputParameters: [],
    outputClaims: ['outputClaim'],
    note: 'both claims must have the same DataType (string or int)',
  },
  GetSingleItemFromStringCollection: {
    method: 'GetSingleItemFromStringCollection',
    inputClaims: ['collection'],
    inputParameters: [],
    outputClaims: ['extractedItem'],
    dataTypes: { collection: 'stringCollection', extractedItem: 'string' },
    note: 'the first item of the collection',
  },
};

/** The enrollment TP's InputClaimsTransformations run in this order (D-TOTPDC "must be called in the following order"). */
export const ENROLLMENT_TRANSFORMATION_ORDER: readonly TransformationMethodName[] = ['CreateOtpSecret', 'CreateStringClaim', 'FormatStringMultipleClaims', 'BuildUri'];

/** Fixed BuildUri parameter values for an authenticator URI: otpauth://totp/<label>?secret=...&issuer=... */
export const OTPAUTH_URI = { scheme: 'otpauth', host: 'totp' } as const;

/** Label format: issuer first, then the account identifier. */
export const URI_LABEL_FORMAT = '{0}:{1}';

/** The sample's issuer placeholder. No source documents it as a claim resolver (totp-spec §6.1, §10.1). */
export const ISSUER_PLACEHOLDER = '{AuthenticatorIssuer}';

// ---------------------------------------------------------------------------------------------
// Page layout (totp-spec §3.2)
// ---------------------------------------------------------------------------------------------

export type PageVersion = readonly [number, number, number];

export const SELFASSERTED_PAGE = {
  /** TOTP display controls need at least this selfasserted page contract (D-DC, D-PL). */
  minimum: [2, 1, 9] as PageVersion,
  /** D-MFA: update the page layout to this version for TOTP. */
  recommended: [2, 1, 14] as PageVersion,
  /** Newest in the stored page-layout doc. */
  latestKnown: [2, 1, 26] as PageVersion,
  /** `urn:com:microsoft:aad:b2c:elements:[contract:]selfasserted:x.y.z`. */
  dataUri: /^urn:com:microsoft:aad:b2c:elements:(contract:)?selfasserted:(\d+)\.(\d+)\.(\d+)$/,
} as const;

/** Any page DataUri: groups are `contract:`, the page id and the version. */
export const DATA_URI = /^urn:com:microsoft:aad:b2c:elements:(contract:)?([a-z]+):(\d+)\.(\d+)\.(\d+)$/;

export const PAGE_IDS: readonly string[] = ['globalexception', 'providerselection', 'idpselection', 'unifiedssp', 'unifiedssd', 'multifactor', 'selfasserted'];

/** Parses a selfasserted DataUri; undefined for other pages or malformed values. */
export function selfAssertedVersion(dataUri: string): PageVersion | undefined {
  const m = SELFASSERTED_PAGE.dataUri.exec(dataUri.trim());
  return m ? [Number(m[2]), Number(m[3]), Number(m[4])] : undefined;
}

/** Component-wise comparison: negative when a < b. */
export function compareVersions(a: PageVersion, b: PageVersion): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export function formatVersion(v: PageVersion): string {
  return v.join('.');
}

// ---------------------------------------------------------------------------------------------
// Standard building blocks of the TOTP extension (totp-spec §4)
// ---------------------------------------------------------------------------------------------

export interface ClaimTypeFact {
  id: string;
  dataType: 'string' | 'stringCollection' | 'boolean' | 'int';
  userInputType?: 'Paragraph' | 'TextBox' | 'Readonly';
  /** Restriction pattern, when the sample sets one. */
  pattern?: string;
  /** Defined by the starter-pack base rather than the TOTP extension. */
  fromBase?: boolean;
  role: string;
}

export const TOTP_CLAIMS: readonly ClaimTypeFact[] = [
  { id: 'emails', dataType: 'stringCollection', role: 'email list from an IdP or REST call; a totpIdentifier source' },
  { id: 'ReadOnlyEmail', dataType: 'string', userInputType: 'Readonly', role: 'first item of emails' },
  { id: 'totpIdentifier', dataType: 'string', userInputType: 'Paragraph', role: 'account label in the authenticator app' },
  { id: 'numberOfAvailableDevices', dataType: 'string', userInputType: 'Paragraph', role: 'GetAvailableDevices output; "0" means not enrolled' },
  { id: 'QrCodeScanInstruction', dataType: 'string', userInputType: 'Paragraph', role: 'instruction text on the enrollment page' },
  { id: 'QrCodeVerifyInstruction', dataType: 'string', userInputType: 'Paragraph', role: 'instruction text on the verification page' },
  { id: 'qrCodeContent', dataType: 'string', userInputType: 'Paragraph', role: 'the otpauth:// URI shown as QR code' },
  { id: 'secretKey', dataType: 'string', userInputType: 'Paragraph', role: 'the shared secret' },
  { id: 'otpCode', dataType: 'string', userInputType: 'TextBox', pattern: '^[0-9]{6}$', role: 'the code the user types' },
  { id: 'uriLabel', dataType: 'string', role: 'issuer:identifier label' },
  { id: 'issuer', dataType: 'string', role: 'issuer name in the authenticator app' },
  { id: 'UserId', dataType: 'string', userInputType: 'TextBox', pattern: '^[a-zA-Z0-9]+[a-zA-Z0-9_-]*$', role: 'username sign-in; a totpIdentifier source' },
  { id: 'email', dataType: 'string', fromBase: true, role: 'a totpIdentifier source' },
  { id: 'signInName', dataType: 'string', fromBase: true, role: 'a totpIdentifier source' },
  { id: 'objectId', dataType: 'string', fromBase: true, role: 'BeginVerifyOTP input' },
  { id: 'userPrincipalName', dataType: 'string', fromBase: true, role: 'GetAvailableDevices and BeginVerifyOTP input' },
  { id: 'newUser', dataType: 'boolean', fromBase: true, role: 'skips GetAvailableDevices after sign-up' },
];

export interface ClaimsTransformationFact {
  id: string;
  method: TransformationMethodName;
  /** ClaimTypeReferenceId → TransformationClaimType. */
  inputClaims: ReadonlyArray<readonly [claim: string, transformationClaimType: string]>;
  /** Id → Value (all DataType string). */
  inputParameters: ReadonlyArray<readonly [id: string, value: string]>;
  outputClaims: ReadonlyArray<readonly [claim: string, transformationClaimType: string]>;
}

export const TOTP_CLAIMS_TRANSFORMATIONS: readonly ClaimsTransformationFact[] = [
  { id: 'GetEmailFromReadOnlyEmail', method: 'CopyClaim', inputClaims: [['ReadOnlyEmail', 'inputClaim']], inputParameters: [], outputClaims: [['email', 'outputClaim']] },
  { id: 'GetEmailFromEmails', method: 'GetSingleItemFromStringCollection', inputClaims: [['emails', 'collection']], inputParameters: [], outputClaims: [['ReadOnlyEmail', 'extractedItem']] },
  { id: 'CreateSecret', method: 'CreateOtpSecret', inputClaims: [], inputParameters: [], outputClaims: [['secretKey', 'outputClaim']] },
  { id: 'CreateIssuer', method: 'CreateStringClaim', inputClaims: [], inputParameters: [['value', ISSUER_PLACEHOLDER]], outputClaims: [['issuer', 'createdClaim']] },
  {
    id: 'CreateUriLabel',
    method: 'FormatStringMultipleClaims',
    inputClaims: [
      ['issuer', 'inputClaim1'],
      ['totpIdentifier', 'inputClaim2'],
    ],
    inputParameters: [['stringFormat', URI_LABEL_FORMAT]],
    outputClaims: [['uriLabel', 'outputClaim']],
  },
  {
    id: 'CreateUriString',
    method: 'BuildUri',
    inputClaims: [
      ['uriLabel', 'path'],
      ['secretKey', 'query.secret'],
    ],
    inputParameters: [
      ['scheme', OTPAUTH_URI.scheme],
      ['host', OTPAUTH_URI.host],
      ['query.issuer', ISSUER_PLACEHOLDER],
    ],
    outputClaims: [['qrCodeContent', 'outputClaim']],
  },
  { id: 'SignInNameToTotpIdentifier', method: 'CopyClaim', inputClaims: [['signInName', 'inputClaim']], inputParameters: [], outputClaims: [['totpIdentifier', 'outputClaim']] },
  { id: 'EmailToTotpIdentifier', method: 'CopyClaim', inputClaims: [['email', 'inputClaim']], inputParameters: [], outputClaims: [['totpIdentifier', 'outputClaim']] },
  { id: 'UserIdToLogonIdentifier', method: 'CopyClaim', inputClaims: [['UserId', 'inputClaim']], inputParameters: [], outputClaims: [['totpIdentifier', 'outputClaim']] },
];

export type TotpTechnicalProfileRole =
  | 'get-available-devices'
  | 'begin-verify'
  | 'verify'
  | 'enrollment-page'
  | 'verification-page'
  | 'default-device-count'
  | 'identifier-source'
  | 'email-extraction'
  | 'session';

export interface TechnicalProfileFact {
  id: string;
  handler: keyof typeof HANDLERS;
  role: TotpTechnicalProfileRole;
  operation?: AzureMfaOperationName;
  /** For identifier sources: the claim copied into totpIdentifier, and the CT that copies it. */
  source?: { claim: string; transformation: string };
  session?: string;
}

export const TOTP_TECHNICAL_PROFILES: readonly TechnicalProfileFact[] = [
  { id: 'AzureMfa-GetAvailableDevices', handler: 'azureMfa', role: 'get-available-devices', operation: 'GetAvailableDevices' },
  { id: 'AzureMfa-BeginVerifyOTP', handler: 'azureMfa', role: 'begin-verify', operation: 'BeginVerifyOTP' },
  { id: 'AzureMfa-VerifyOTP', handler: 'azureMfa', role: 'verify', operation: 'VerifyOTP' },
  { id: 'EnableOTPAuthentication', handler: 'selfAsserted', role: 'enrollment-page', session: 'SM-MFA-Totp-Input' },
  { id: 'OTPVerification', handler: 'selfAsserted', role: 'verification-page', session: 'SM-MFA-TOTP' },
  { id: 'SetTotpDefaultValue', handler: 'claimsTransformation', role: 'default-device-count' },
  { id: 'CreateTotpIdentifier-UserId', handler: 'claimsTransformation', role: 'identifier-source', source: { claim: 'UserId', transformation: 'UserIdToLogonIdentifier' } },
  { id: 'CreateTotpIdentifier-Email', handler: 'claimsTransformation', role: 'identifier-source', source: { claim: 'email', transformation: 'EmailToTotpIdentifier' } },
  { id: 'CreateTotpIdentifier-SignInName', handler: 'claimsTransformation', role: 'identifier-source', source: { claim: 'signInName', transformation: 'SignInNameToTotpIdentifier' } },
  { id: 'GetEmailAddress', handler: 'claimsTransformation', role: 'email-extraction' },
  { id: 'GetEmailFromReadOnlyEmail', handler: 'claimsTransformation', role: 'email-extraction' },
  { id: 'SM-MFA-TOTP', handler: 'defaultSso', role: 'session' },
  { id: 'SM-MFA-Totp-Input', handler: 'defaultSso', role: 'session' },
];

/** Claims the TOTP session TPs persist. */
export const TOTP_SESSION_PERSISTED_CLAIMS: readonly string[] = ['totpIdentifier', 'issuer'];

/** Starter-pack TPs the TOTP extension overrides, each only to add this OutputClaim (totp-spec §4.4). */
export const UPN_OVERRIDES = {
  claim: 'userPrincipalName',
  technicalProfiles: ['AAD-UserReadUsingObjectId', 'LocalAccountSignUpWithLogonEmail', 'SelfAsserted-LocalAccountSignin-Email'],
} as const;

/**
 * totpIdentifier sources in priority order: the sample's four (UserId, email, emails, signInName; totp-spec §5),
 * with the other sign-in claims the issue and the starter packs use in between (username, signInNames.*, phone).
 */
export const TOTP_IDENTIFIER_SOURCES: readonly string[] = [
  'UserId',
  'username',
  'email',
  'emails',
  'signInName',
  'signInNames.emailAddress',
  'signInNames.userName',
  'phoneNumber',
  'signInNames.phoneNumber',
];

export const TOTP_CONTENT_DEFINITION = {
  id: 'api.selfasserted.totp',
  loadUri: '~/tenant/templates/AzureBlue/selfAsserted.cshtml',
  recoveryUri: '~/common/default_page_error.html',
  displayName: 'Collect information from user page',
  localizedResources: { language: 'en', id: 'api.selfasserted.totp.en' },
} as const;

export interface SubJourneyStepFact {
  order: number;
  /** ClaimsExchange Id → TP, or an invoked sub-journey. */
  exchange?: { id: string; technicalProfile: string };
  invoke?: string;
  /** Skip the step when… (ClaimsExist / ClaimEquals, as in the sample). */
  skipIf?: ReadonlyArray<{ type: 'ClaimsExist' | 'ClaimEquals'; claim: string; value?: string; executeActionsIf: boolean }>;
}

const skipIfEnrolled = [{ type: 'ClaimEquals', claim: 'numberOfAvailableDevices', value: '0', executeActionsIf: false }] as const;
const skipIfNotEnrolled = [{ type: 'ClaimEquals', claim: 'numberOfAvailableDevices', value: '0', executeActionsIf: true }] as const;
const skipIfNewUser = [{ type: 'ClaimEquals', claim: 'newUser', value: 'True', executeActionsIf: true }] as const;
const identifierStep = (claim: string) =>
  [
    { type: 'ClaimsExist', claim: 'totpIdentifier', executeActionsIf: true },
    { type: 'ClaimsExist', claim, executeActionsIf: false },
  ] as const;

/**
 * The sample's sub-journeys, all Type="Call" (totp-spec §4.6). Note D-SUBJ says a sub-journey should not
 * invoke another one, while the sample nests two levels (TotpFactor-* → SetTotpInitialValue →
 * ExtractEmailFromEmailsForTotpIdentifier); a generator can instead invoke SetTotpInitialValue from the
 * user journey and inline the email extraction steps (as test/fixtures/totp does).
 */
export const TOTP_SUB_JOURNEYS: Readonly<Record<string, readonly SubJourneyStepFact[]>> = {
  SetTotpInitialValue: [
    { order: 1, exchange: { id: 'SetTotpDefaultValue', technicalProfile: 'SetTotpDefaultValue' }, skipIf: [{ type: 'ClaimsExist', claim: 'numberOfAvailableDevices', executeActionsIf: true }] },
    { order: 2, exchange: { id: 'SetTotpIdentifierAsUserId', technicalProfile: 'CreateTotpIdentifier-UserId' }, skipIf: identifierStep('UserId') },
    { order: 3, exchange: { id: 'SetTotpIdentifierAsEmail', technicalProfile: 'CreateTotpIdentifier-Email' }, skipIf: identifierStep('email') },
    { order: 4, invoke: 'ExtractEmailFromEmailsForTotpIdentifier', skipIf: identifierStep('emails') },
    { order: 5, exchange: { id: 'SetTotpIdentifierAsSignInName', technicalProfile: 'CreateTotpIdentifier-SignInName' }, skipIf: identifierStep('signInName') },
  ],
  ExtractEmailFromEmailsForTotpIdentifier: [
    { order: 1, exchange: { id: 'GetEmailAddress', technicalProfile: 'GetEmailAddress' }, skipIf: [{ type: 'ClaimsExist', claim: 'emails', executeActionsIf: false }] },
    { order: 2, exchange: { id: 'GetEmailFromReadOnlyEmail', technicalProfile: 'GetEmailFromReadOnlyEmail' }, skipIf: [{ type: 'ClaimsExist', claim: 'ReadOnlyEmail', executeActionsIf: false }] },
    { order: 3, exchange: { id: 'SetTotpIdentifierAsEmail', technicalProfile: 'CreateTotpIdentifier-Email' }, skipIf: [{ type: 'ClaimsExist', claim: 'email', executeActionsIf: false }] },
    { order: 4, exchange: { id: 'SetTotpIdentifierAsSignInName', technicalProfile: 'CreateTotpIdentifier-SignInName' }, skipIf: [{ type: 'ClaimsExist', claim: 'signInName', executeActionsIf: false }] },
  ],
  'TotpFactor-Input': [
    { order: 1, invoke: 'SetTotpInitialValue' },
    { order: 2, exchange: { id: 'CheckAvailableDevices', technicalProfile: 'AzureMfa-GetAvailableDevices' }, skipIf: skipIfNewUser },
    { order: 3, exchange: { id: 'AuthenticatorForSignUp', technicalProfile: 'EnableOTPAuthentication' }, skipIf: skipIfEnrolled },
    { order: 4, exchange: { id: 'AuthenticatorForSignInBeginSession', technicalProfile: 'AzureMfa-BeginVerifyOTP' }, skipIf: skipIfEnrolled },
    { order: 5, exchange: { id: 'AuthenticatorForSignIn', technicalProfile: 'OTPVerification' }, skipIf: skipIfEnrolled },
  ],
  'TotpFactor-Verify': [
    { order: 1, invoke: 'SetTotpInitialValue' },
    { order: 2, exchange: { id: 'CheckAvailableDevices', technicalProfile: 'AzureMfa-GetAvailableDevices' }, skipIf: skipIfNewUser },
    { order: 3, exchange: { id: 'AuthenticatorForSignInBeginSession', technicalProfile: 'AzureMfa-BeginVerifyOTP' }, skipIf: skipIfNotEnrolled },
    { order: 4, exchange: { id: 'AuthenticatorForSignIn', technicalProfile: 'OTPVerification' }, skipIf: skipIfNotEnrolled },
  ],
};

/** Standard Ids, for generators and for "is this the TOTP building block" checks. */
export const TOTP_IDS = {
  claims: TOTP_CLAIMS.filter((c) => !c.fromBase).map((c) => c.id),
  claimsTransformations: TOTP_CLAIMS_TRANSFORMATIONS.map((c) => c.id),
  technicalProfiles: TOTP_TECHNICAL_PROFILES.map((t) => t.id),
  displayControls: TOTP_CONTROL_TYPES.map((t) => TOTP_DISPLAY_CONTROLS[t].id),
  contentDefinition: TOTP_CONTENT_DEFINITION.id,
  localizedResources: TOTP_CONTENT_DEFINITION.localizedResources.id,
  subJourneys: Object.keys(TOTP_SUB_JOURNEYS),
  sessionTechnicalProfiles: TOTP_TECHNICAL_PROFILES.filter((t) => t.role === 'session').map((t) => t.id),
  claimsProviderDisplayName: 'TOTP',
} as const;
