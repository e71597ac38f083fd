import type { ClaimRef } from '../../policy/effective.js';
import type { PolicySet } from '../../policy/set.js';
import { finalTechnicalProfiles, includedIds, setMentions } from '../../totp/azuremfa.js';
import { PROVIDER_CLASS } from '../../totp/catalogue.js';
import type { Rule } from '../types.js';

/** The b2c-extensions-app ids the directory provider needs to read or write extension attributes. */
const REQUIRED = ['ClientId', 'ApplicationObjectId'] as const;

function isExtension(name: string): boolean {
  return name.toLowerCase().startsWith('extension_');
}

const rule: Rule = {
  meta: {
    id: 'EXT-001',
    name: 'extension-attributes-app',
    category: 'profile',
    severity: 'error',
    summary:
      'An Azure AD technical profile that reads or writes an extension_ claim has non-empty ClientId and ApplicationObjectId metadata (merged across the chain and IncludeTechnicalProfile, usually from AAD-Common).',
    description:
      'Extension attributes live on the b2c-extensions-app registration, and AzureActiveDirectoryProvider finds them through the metadata items ClientId (its application id) and ApplicationObjectId (its object id). Without them the upload fails: `A required Metadata item with key "ApplicationObjectId" was not found in the TechnicalProfile with id "AAD-UserWriteMFAMethod"` (samples#218, #391, #570, #675, the last with the SMS and TOTP sample stack; MicrosoftDocs#11258). Both items are normally added once to AAD-Common in the Extensions file, which every directory profile includes. Each directory profile whose Input, Persisted or Output claims name an extension_ claim (by ClaimTypeReferenceId or PartnerClaimType) is checked as the most-derived policy that defines it sees it, so the items must be in that policy or one of its bases: an AAD-Common override in a file below it does not count, as the service would reject the upload of the file above. A profile that other profiles include and nothing runs directly (no claims exchange or validation technical profile names it) is a part, checked inside the profiles that include it. The finding points at the first extension claim of each profile. A {Settings:…} token counts as a value (ENV-001 reports it); an empty item is also reported by META-001.',
    source: 'upload-errors.md §1 #24 (B2C-EXT-001), §2 T12; user-flow-custom-attributes.md "Azure AD B2C extensions app", "Modify your custom policy"',
    examples: {
      bad: '<TechnicalProfile Id="AAD-Common">  <!-- no ClientId / ApplicationObjectId -->\n...\n<PersistedClaim ClaimTypeReferenceId="extension_loyaltyId" />',
      good: '<TechnicalProfile Id="AAD-Common">\n  <Metadata>\n    <Item Key="ClientId">b2c-extensions-app application id</Item>\n    <Item Key="ApplicationObjectId">b2c-extensions-app object id</Item>\n  </Metadata>\n</TechnicalProfile>',
    },
  },
  check({ set, report }) {
    // Cheap skips before any merging: no extension claim (extension_ or Extension_: one native search) or no directory provider.
    if (!setMentions(set, 'xtension_')) return;
    if (!setMentions(set, PROVIDER_CLASS.azureActiveDirectory)) return;
    const included = includedIds(set);
    const run = runIds(set);
    for (const f of finalTechnicalProfiles(set, PROVIDER_CLASS.azureActiveDirectory)) {
      const tp = f.tp;
      const key = tp.id.toLowerCase();
      // A part that only others include is judged inside them (they may add the ids themselves).
      if (included.has(key) && !run.has(key)) continue;
      const uses = [...tp.inputClaims, ...tp.persistedClaims, ...tp.outputClaims].filter((c) => !c.displayControl && (isExtension(c.id) || isExtension(c.partnerName)));
      if (uses.length === 0) continue;
      const problems: string[] = [];
      for (const name of REQUIRED) {
        const item = tp.metadata.get(name);
        if (!item) problems.push(`no ${name}`);
        else if (item.value === '') problems.push(`an empty ${name}`);
      }
      if (problems.length === 0) continue;
      const first = uses[0]!;
      const names = [...new Set(uses.map(extensionName))];
      report({
        file: first.policy,
        at: { element: first.element },
        message: `Technical profile '${tp.id}' (AzureActiveDirectoryProvider) uses extension attribute${names.length > 1 ? 's' : ''} ${names.map((n) => `'${n}'`).join(', ')}, but as policy ${f.policy.policyId ?? f.policy.path} sees it, it has ${problems.join(' and ')} metadata; the upload fails ("A required Metadata item with key … was not found"). Add ClientId (application id) and ApplicationObjectId (object id) of b2c-extensions-app, usually to AAD-Common.`,
      });
    }
  },
};

/** Technical profiles something runs directly: claims exchanges and validation technical profiles. */
function runIds(set: PolicySet): Set<string> {
  const out = new Set<string>();
  for (const p of set.policies) {
    for (const el of p.source.elements) {
      const ref =
        el.name === 'ClaimsExchange' || el.name === 'ValidationClaimsExchangeTechnicalProfile'
          ? el.attributes.TechnicalProfileReferenceId
          : el.name === 'ValidationTechnicalProfile'
            ? el.attributes.ReferenceId
            : undefined;
      if (ref) out.add(ref.toLowerCase());
    }
  }
  return out;
}

/** The extension attribute a claim reference reads or writes: its own id, else the partner name. */
function extensionName(c: ClaimRef): string {
  return isExtension(c.id) ? c.id : c.partnerName;
}

export default rule;
