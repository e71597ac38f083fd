import { type ClaimRef, handlerIs } from '../../policy/effective.js';
import { type ReachedProfile, relyingPartyReach } from '../../policy/reach.js';
import { setMentions } from '../../totp/azuremfa.js';
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
      "A relying party whose journey runs a directory (AzureActiveDirectoryProvider) write profile that uses an extension_ claim sees non-empty ClientId and ApplicationObjectId metadata on it, over the relying party's merged chain (warning for read profiles).",
    description:
      'Extension attributes live on the b2c-extensions-app registration, and AzureActiveDirectoryProvider finds them through the metadata items ClientId (its application id) and ApplicationObjectId (its object id). The service checks this when it uploads the relying party, over the relying party\'s whole merged chain: in samples#391 the Extensions file holding the profile and its journey uploaded fine and the error came on the relying party\'s upload, naming it (`A required Metadata item with key "ApplicationObjectId" was not found in the TechnicalProfile with id … in policy "B2C_1A_ForcePasswordReset_signup_signin"`); the live woodgrove demo\'s Base writes about 20 extension attributes and sets the ids only in its child Extensions file, as the docs advise (an AAD-Common override in the Extensions file). So the rule walks what each relying party\'s journey can reach (steps, sub-journeys, validation profiles, display-control actions, session profiles; included profiles are part of the merged profile, see src/policy/reach.ts), merges each profile as the relying party sees it, and reports once at the relying party\'s DefaultUserJourney, with each offending profile as a related location. A profile no relying party reaches gets nothing. samples#218 listed only the write profiles (Operation Write or DeleteClaims) the journey runs, not a read profile that also used an extension claim: a read profile without the ids is a warning. A profile uses an extension attribute when its Input, Persisted or Output claims name an extension_ claim (by ClaimTypeReferenceId or PartnerClaimType). A {Settings:…} token counts as a value (ENV-001 reports it); an empty item is also reported by META-001.',
    source: 'upload-semantics.md §1; samples#391 (error on the relying party upload), samples#218 (write profiles only), #570, #675; MicrosoftDocs#11258; woodgrove demo (ids only in the child Extensions file); user-flow-custom-attributes.md "Modify your custom policy"',
    examples: {
      bad: '<TechnicalProfile Id="AAD-Common">  <!-- no ClientId / ApplicationObjectId anywhere in the chain -->\n...\n<TechnicalProfile Id="AAD-UserWriteUsingLogonEmail">\n  <PersistedClaim ClaimTypeReferenceId="extension_loyaltyId" />',
      good: '<TechnicalProfile Id="AAD-Common">  <!-- in the Extensions file -->\n  <Metadata>\n    <Item Key="ClientId">b2c-extensions-app application id</Item>\n    <Item Key="ApplicationObjectId">b2c-extensions-app object id</Item>\n  </Metadata>\n</TechnicalProfile>',
    },
  },
  check({ set, report }) {
    // Cheap skips before any walking: no extension claim (extension_ or Extension_: one native search) or no directory provider.
    if (!setMentions(set, 'xtension_')) return;
    if (!setMentions(set, PROVIDER_CLASS.azureActiveDirectory)) return;
    for (const r of relyingPartyReach(set)) {
      const found: Record<'write' | 'read', Array<{ reached: ReachedProfile; uses: ClaimRef[]; problems: string[] }>> = { write: [], read: [] };
      for (const reached of r.profiles.values()) {
        const tp = reached.tp;
        if (!handlerIs(tp, PROVIDER_CLASS.azureActiveDirectory)) continue;
        const uses = [...tp.inputClaims, ...tp.persistedClaims, ...tp.outputClaims].filter((c) => !c.displayControl && (isExtension(c.id) || isExtension(c.partnerName)));
        if (uses.length === 0) continue;
        const problems: string[] = [];
        for (const name of REQUIRED) {
          const item = tp.metadata.get(name);
          if (!item) problems.push(`no ${name}`);
          else if (item.value === '') problems.push(`an empty ${name}`);
        }
        if (problems.length === 0) continue;
        const operation = (tp.metadata.get('Operation')?.value ?? '').trim().toLowerCase();
        found[operation === 'write' || operation === 'deleteclaims' ? 'write' : 'read'].push({ reached, uses, problems });
      }
      const name = r.rp.policyId ?? r.rp.path;
      for (const kind of ['write', 'read'] as const) {
        const list = found[kind];
        if (list.length === 0) continue;
        const profiles = list.map((f) => `'${f.reached.tp.id}' (${[...new Set(f.uses.map(extensionName))].join(', ')}; ${f.problems.join(' and ')})`).join(', ');
        report({
          file: r.rp,
          at: { element: r.at },
          severity: kind === 'read' ? 'warning' : undefined,
          message:
            kind === 'write'
              ? `Relying party ${name} runs directory profile${list.length > 1 ? 's that write' : ' that writes'} extension attributes without the b2c-extensions-app ids in its chain: ${profiles}; the upload of this relying party fails ("A required Metadata item with key … was not found in the TechnicalProfile"). Add ClientId (application id) and ApplicationObjectId (object id) of b2c-extensions-app, usually to AAD-Common in the Extensions file.`
              : `Relying party ${name} runs directory profile${list.length > 1 ? 's that read' : ' that reads'} extension attributes without the b2c-extensions-app ids in its chain: ${profiles}. Reported uploads failed only for write profiles (samples#218); add ClientId and ApplicationObjectId of b2c-extensions-app, usually to AAD-Common in the Extensions file.`,
          related: list.map((f) => ({
            file: f.uses[0]!.policy,
            at: { element: f.uses[0]!.element },
            message: `'${f.reached.tp.id}' ${kind === 'write' ? 'writes' : 'reads'} ${extensionName(f.uses[0]!)} here (${f.reached.path})`,
          })),
        });
      }
    }
  },
};

/** The extension attribute a claim reference reads or writes: its own id, else the partner name. */
function extensionName(c: ClaimRef): string {
  return isExtension(c.id) ? c.id : c.partnerName;
}

export default rule;
