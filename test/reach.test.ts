import { expect, it } from 'vitest';
import { relyingPartyReach } from '../src/policy/reach.js';
import { buildSet, readFlavour, seed } from './helpers/policy-set.js';
import { describeShared } from './helpers/shared.js';

describeShared('relyingPartyReach: what each relying party can run', () => {
  it('steps, validation, session and issuer profiles, and the Endpoint journey; only what the journey reaches', () => {
    const set = buildSet(readFlavour('SocialAndLocalAccounts'));
    const byRp = new Map(relyingPartyReach(set).map((r) => [r.rp.policyId, r]));
    expect([...byRp.keys()].sort()).toEqual(['B2C_1A_PasswordReset', 'B2C_1A_ProfileEdit', 'B2C_1A_signup_signin']);
    const susi = byRp.get('B2C_1A_signup_signin')!;
    expect(susi.at.attributes.ReferenceId).toBe('SignUpOrSignIn');
    expect(susi.unresolved).toEqual([]);
    const get = (id: string) => susi.profiles.get(id.toLowerCase());
    expect(get('login-NonInteractive')).toMatchObject({ how: 'validation', path: "step 1 of journey 'SignUpOrSignIn' → validation profile of 'SelfAsserted-LocalAccountSignin-Email'" });
    expect(get('SM-AAD')?.how).toBe('session');
    expect(get('JwtIssuer')?.how).toBe('issuer');
    expect(get('AAD-UserReadUsingObjectId-CheckRefreshTokenDate')?.path).toBe("step 2 of journey 'RedeemRefreshToken'");
    // The password-reset page belongs to the PasswordReset journey only.
    expect(get('LocalAccountDiscoveryUsingEmailAddress')).toBeUndefined();
    expect(byRp.get('B2C_1A_PasswordReset')!.profiles.has('localaccountdiscoveryusingemailaddress')).toBe(true);
    expect(susi.contentDefinitions.has('api.signuporsignin')).toBe(true);
    expect(susi.journeys).toEqual(new Set(['UserJourney:signuporsignin', 'UserJourney:redeemrefreshtoken']));
  });

  it('display-control actions reach their validation claims exchange profiles', () => {
    const set = buildSet(readFlavour('Display Controls Starterpack/SocialAndLocalAccounts'));
    const susi = relyingPartyReach(set).find((r) => r.rp.policyId === 'B2C_1A_signup_signin')!;
    expect(susi.profiles.get('aadsspr-sendcode')).toMatchObject({ how: 'display-control' });
    expect(susi.profiles.get('aadsspr-sendcode')!.path).toContain("display control 'emailVerificationControl' of ");
  });

  it('a child step with the same Order keeps the base exchanges it does not name (merged by Id)', () => {
    // ProfileEdit step 2 overridden with the local-account exchange only: Facebook-OAUTH stays reachable.
    const files = seed(
      readFlavour('SocialAndLocalAccounts'),
      'ProfileEdit.xml',
      '  <RelyingParty>\n',
      '  <UserJourneys><UserJourney Id="ProfileEdit"><OrchestrationSteps><OrchestrationStep Order="2" Type="ClaimsExchange"><ClaimsExchanges><ClaimsExchange Id="LocalAccountSigninEmailExchange" TechnicalProfileReferenceId="SelfAsserted-LocalAccountSignin-Email" /></ClaimsExchanges></OrchestrationStep></OrchestrationSteps></UserJourney></UserJourneys>\n  <RelyingParty>\n',
    );
    const pe = relyingPartyReach(buildSet(files)).find((r) => r.rp.policyId === 'B2C_1A_ProfileEdit')!;
    expect(pe.profiles.has('facebook-oauth')).toBe(true);
  });
});
