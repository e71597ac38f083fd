import type { Rule } from './types.js';
import azmfaProtocol from './azuremfa/protocol.js';
import azmfaOperation from './azuremfa/operation.js';
import azmfaUndocumentedOperation from './azuremfa/undocumented-operation.js';
import azmfaRequiredInputs from './azuremfa/required-inputs.js';
import azmfaUnknownInputs from './azuremfa/unknown-inputs.js';
import azmfaDeviceCountOutput from './azuremfa/device-count-output.js';
import azmfaUnreturnedOutputs from './azuremfa/unreturned-outputs.js';
import azmfaMetadata from './azuremfa/metadata.js';
import azmfaUserMessageOnProvider from './azuremfa/user-message-on-provider.js';
import azmfaUserMessageKeys from './azuremfa/user-message-keys.js';
import azmfaOrchestrationExchange from './azuremfa/orchestration-exchange.js';
import totpBeginBeforeVerify from './totp/begin-before-verify.js';
import totpVerifyAfterBegin from './totp/verify-after-begin.js';
import totpUpnProduced from './totp/upn-produced.js';
import totpObjectIdProduced from './totp/object-id-produced.js';
import totpIdentifierProduced from './totp/identifier-produced.js';
import totpEnrollmentOrder from './totp/enrollment-order.js';
import totpBuildUri from './totp/build-uri.js';
import totpCreateOtpSecret from './totp/create-otp-secret.js';
import totpFormatLabel from './totp/format-label.js';
import totpCreateStringClaim from './totp/create-string-claim.js';
import totpIssuerPlaceholder from './totp/issuer-placeholder.js';
import totpCopyClaimType from './totp/copy-claim-type.js';
import totpControlType from './totp/control-type.js';
import totpQrCodeControl from './totp/qr-code-control.js';
import totpAuthenticatorInfoControl from './totp/authenticator-info-control.js';
import totpAppIconControl from './totp/app-icon-control.js';
import totpPageVersion from './totp/page-version.js';
import totpPageRecommended from './totp/page-recommended.js';
import totpSeparateSessions from './totp/separate-sessions.js';
import totpRequireTotp from './totp/require-totp.js';
import chainShape from './chain/chain-shape.js';
import missingBase from './chain/base-policy.js';
import duplicatePolicyId from './chain/duplicate-policy-id.js';
import policyId from './chain/policy-id.js';
import publicPolicyUri from './chain/public-policy-uri.js';
import schemaVersion from './chain/schema-version.js';
import tenantId from './chain/tenant-id.js';
import duplicateKey from './duplicate/duplicate-key.js';
import environmentTenant from './environment/environment-tenant.js';
import productionSettings from './environment/production-settings.js';
import unknownSetting from './environment/unknown-setting.js';
import contentDefinitionDataUri from './content/content-definition-data-uri.js';
import pageVersionExists from './content/page-version-exists.js';
import scriptExecutionNeedsContract from './content/script-execution-needs-contract.js';
import policyFileSize from './limit/policy-file-size.js';
import emptyAppId from './profile/empty-app-id.js';
import extensionAttributesApp from './profile/extension-attributes-app.js';
import selfAssertedOutputSource from './profile/self-asserted-output-source.js';
import preconditionClaim from './profile/precondition-claim.js';
import booleanPreconditionValue from './profile/boolean-precondition-value.js';
import flowRequiredInputProduced from './flow/required-input-produced.js';
import flowRelyingPartyOutputProduced from './flow/relying-party-output-produced.js';
import multipleExchanges from './journey/multiple-exchanges.js';
import sendClaims from './journey/send-claims.js';
import stepOrder from './journey/step-order.js';
import subJourneyType from './journey/sub-journey-type.js';
import selectionFollowedByExchange from './journey/selection-followed-by-exchange.js';
import placeholder from './placeholder/placeholder.js';
import caseMismatch from './reference/case-mismatch.js';
import selectionTarget from './reference/selection-target.js';
import unknownClaimType from './reference/unknown-claim-type.js';
import unknownClaimsTransformation from './reference/unknown-claims-transformation.js';
import unknownContentDefinition from './reference/unknown-content-definition.js';
import unknownDisplayControl from './reference/unknown-display-control.js';
import unknownLocalizedResources from './reference/unknown-localized-resources.js';
import unknownOverride from './reference/unknown-override.js';
import unknownSubJourney from './reference/unknown-sub-journey.js';
import unknownTechnicalProfile from './reference/unknown-technical-profile.js';
import unknownUserJourney from './reference/unknown-user-journey.js';
import elementOrder from './structure/element-order.js';
import xsd from './structure/xsd.js';
import doctype from './xml/doctype.js';
import encoding from './xml/encoding.js';
import invisibleCharacter from './xml/invisible-character.js';
import notAPolicy from './xml/not-a-policy.js';
import notWellFormed from './xml/not-well-formed.js';
import skippedFile from './xml/skipped-file.js';
import unbuiltTemplate from './xml/unbuilt-template.js';

/** Every rule, sorted by id. Adding a rule: one file, one line here, one test, one docs page (npm run docs). */
export const RULES: readonly Rule[] = [
  duplicateKey,
  placeholder,
  productionSettings,
  environmentTenant,
  unknownSetting,
  contentDefinitionDataUri,
  pageVersionExists,
  scriptExecutionNeedsContract,
  policyFileSize,
  emptyAppId,
  extensionAttributesApp,
  selfAssertedOutputSource,
  preconditionClaim,
  booleanPreconditionValue,
  flowRequiredInputProduced,
  flowRelyingPartyOutputProduced,
  multipleExchanges,
  sendClaims,
  stepOrder,
  subJourneyType,
  selectionFollowedByExchange,
  policyId,
  publicPolicyUri,
  tenantId,
  missingBase,
  duplicatePolicyId,
  chainShape,
  schemaVersion,
  unknownClaimType,
  unknownTechnicalProfile,
  unknownClaimsTransformation,
  unknownContentDefinition,
  unknownDisplayControl,
  unknownLocalizedResources,
  unknownUserJourney,
  unknownSubJourney,
  selectionTarget,
  caseMismatch,
  unknownOverride,
  notWellFormed,
  doctype,
  invisibleCharacter,
  notAPolicy,
  encoding,
  skippedFile,
  unbuiltTemplate,
  elementOrder,
  xsd,
  azmfaProtocol,
  azmfaOperation,
  azmfaUndocumentedOperation,
  azmfaRequiredInputs,
  azmfaUnknownInputs,
  azmfaDeviceCountOutput,
  azmfaUnreturnedOutputs,
  azmfaMetadata,
  azmfaUserMessageOnProvider,
  azmfaUserMessageKeys,
  azmfaOrchestrationExchange,
  totpBeginBeforeVerify,
  totpVerifyAfterBegin,
  totpUpnProduced,
  totpObjectIdProduced,
  totpIdentifierProduced,
  totpEnrollmentOrder,
  totpBuildUri,
  totpCreateOtpSecret,
  totpFormatLabel,
  totpCreateStringClaim,
  totpIssuerPlaceholder,
  totpCopyClaimType,
  totpControlType,
  totpQrCodeControl,
  totpAuthenticatorInfoControl,
  totpAppIconControl,
  totpPageVersion,
  totpPageRecommended,
  totpSeparateSessions,
  totpRequireTotp,
].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1));

export function findRule(idOrName: string): Rule | undefined {
  const k = idOrName.toUpperCase();
  return RULES.find((r) => r.meta.id.toUpperCase() === k || r.meta.name.toUpperCase() === k);
}
