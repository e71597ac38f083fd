/**
 * The starter pack `init` downloads, pinned: one commit of
 * https://github.com/Azure-Samples/active-directory-b2c-custom-policy-starterpack (MIT), and the
 * sha256 of every file it takes from it. A download whose bytes do not match is refused before
 * anything is written.
 *
 * These are hashes of the files at that commit (the copy in ../shared/fixtures/starterpack is that
 * commit; test/init.test.ts checks every hash against it). To move to another commit: update the
 * shared copy, then COMMIT and the hashes together (sha256sum of each file).
 */

export const STARTERPACK_REPO = 'Azure-Samples/active-directory-b2c-custom-policy-starterpack';
export const STARTERPACK_COMMIT = 'fc39b7dbf7648dcfbcd5d511b49da6583671128c';

/** Where files are fetched from: `<base>/<flavour path>/<file>`. B2C_TOTP_STARTERPACK_URL overrides it (tests, mirrors). */
export const STARTERPACK_BASE_URL = `https://raw.githubusercontent.com/${STARTERPACK_REPO}/${STARTERPACK_COMMIT}`;
export const STARTERPACK_URL_ENV = 'B2C_TOTP_STARTERPACK_URL';

/** The XSD at the top of the repository; lint validates against it. */
export const XSD_FILE = 'TrustFrameworkPolicy_0.3.0.0.xsd';
export const XSD_SHA256 = 'a1b9efba1928307a49347d211069c039b59b083a46753a50a68c2250071d4d3c';

/** Flavour folder (as in the repository) → its files → sha256 (lowercase hex). */
export const FLAVOURS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'LocalAccounts': {
    'PasswordReset.xml': '70fffa116fd87072fb4ef083917fc8f8b588a3f695794c83fec2af80652c5bc1',
    'ProfileEdit.xml': '2269050fba539025574bdec722ea1fd35be450244c2e3c1757152a5d49f08317',
    'SignUpOrSignin.xml': 'e216079aeaed55a78f814576ea3a4174a623515a066574bad7a3211ecd866276',
    'TrustFrameworkBase.xml': '1b24f1987fd0489e9972cf2d442ded7752adf8c6a6c64563de08231f3433a781',
    'TrustFrameworkExtensions.xml': 'cdc8ab60f1b9fac3bb834e5c6891002702b7844359c1042afd2274cc15105c03',
    'TrustFrameworkLocalization.xml': '4360ac8755207a72bd9721484c0bb618697e414f93a4c68df491b86174c71162',
  },
  'SocialAccounts': {
    'ProfileEdit.xml': '2269050fba539025574bdec722ea1fd35be450244c2e3c1757152a5d49f08317',
    'SignUpOrSignin.xml': 'f7cca50dc805754caf7ea9ae96b5d8e87355ad605f1d7ba63257fe37e584fbf8',
    'TrustFrameworkBase.xml': '818caffa264ea5fd046867e9177a316a9c7c38999f3bbc7efc8d598f7073d0a9',
    'TrustFrameworkExtensions.xml': '21050d2401da9aba5116783b155881e6ff7f4b88b47e5ef01550bad6a8c8cba5',
    'TrustFrameworkLocalization.xml': '2bca318454693771c02d04b719c36b6b727b99c5fdacc39ce83cef2000c53477',
  },
  'SocialAndLocalAccounts': {
    'PasswordReset.xml': '70fffa116fd87072fb4ef083917fc8f8b588a3f695794c83fec2af80652c5bc1',
    'ProfileEdit.xml': '2269050fba539025574bdec722ea1fd35be450244c2e3c1757152a5d49f08317',
    'SignUpOrSignin.xml': '411ac9b90ff2c38cb9713f02e71c4466dbae836568893b900f404b18d01cb6d0',
    'TrustFrameworkBase.xml': '21f7c4b2e2e4ac1657ad624b8b99f6298233a556cf484991b3fb92943d69ec1c',
    'TrustFrameworkExtensions.xml': '139caa290187f2e39cdbbf833639d9f70633e500b131f3e3687ee4f6a041e1bb',
    'TrustFrameworkLocalization.xml': '3c80990adb31d9b564d83017c5d15ef19af7b4e26265480ed1fdf067e0c2db52',
  },
  'SocialAndLocalAccountsWithMfa': {
    'PasswordReset.xml': '70fffa116fd87072fb4ef083917fc8f8b588a3f695794c83fec2af80652c5bc1',
    'ProfileEdit.xml': '2269050fba539025574bdec722ea1fd35be450244c2e3c1757152a5d49f08317',
    'SignUpOrSignin.xml': '411ac9b90ff2c38cb9713f02e71c4466dbae836568893b900f404b18d01cb6d0',
    'TrustFrameworkBase.xml': '2235b77bf37cbe4c0c52c583699ed7a17be6c9b12cec478e51338cddd35fe173',
    'TrustFrameworkExtensions.xml': '791687e9fa9799f7246d3c78fa4bbdc9942f5c8568d13b799814325449840b09',
    'TrustFrameworkLocalization.xml': 'a25a3c2697834834e2a22872b85d7cf1a6fe15c98517a24df01647bb54508cdb',
  },
  'Display Controls Starterpack/LocalAccounts': {
    'PasswordReset.xml': '70fffa116fd87072fb4ef083917fc8f8b588a3f695794c83fec2af80652c5bc1',
    'ProfileEdit.xml': '2269050fba539025574bdec722ea1fd35be450244c2e3c1757152a5d49f08317',
    'SignUpOrSignin.xml': 'e216079aeaed55a78f814576ea3a4174a623515a066574bad7a3211ecd866276',
    'TrustFrameworkBase.xml': '9a82ad34904c0dbb0d71ebd60bb5b920b1d207047fa102a9bd3639ec23b22d45',
    'TrustFrameworkExtensions.xml': '63dc7200857bbce85d0208ecc15d3dea0e7f71d936020bc63b1f7e4ab0cf43a8',
    'TrustFrameworkLocalization.xml': 'd778ccfaedc058093500e7d58ea0af930443ed31070b815f37f92af84945dff3',
  },
  'Display Controls Starterpack/SocialAccounts': {
    'ProfileEdit.xml': '2269050fba539025574bdec722ea1fd35be450244c2e3c1757152a5d49f08317',
    'SignUpOrSignin.xml': '3ac834685ae379e34ee9e85ecfadb9c338ab2363b8b6710c6cf423ed625f2052',
    'TrustFrameworkBase.xml': '4e64ce7a1dd2dfbbd29cae82e8b63d1f95d365ba2c5a69776590fbf243a37cec',
    'TrustFrameworkExtensions.xml': '21050d2401da9aba5116783b155881e6ff7f4b88b47e5ef01550bad6a8c8cba5',
    'TrustFrameworkLocalization.xml': '2bca318454693771c02d04b719c36b6b727b99c5fdacc39ce83cef2000c53477',
  },
  'Display Controls Starterpack/SocialAndLocalAccounts': {
    'PasswordReset.xml': '70fffa116fd87072fb4ef083917fc8f8b588a3f695794c83fec2af80652c5bc1',
    'ProfileEdit.xml': '2269050fba539025574bdec722ea1fd35be450244c2e3c1757152a5d49f08317',
    'SignUpOrSignin.xml': '411ac9b90ff2c38cb9713f02e71c4466dbae836568893b900f404b18d01cb6d0',
    'TrustFrameworkBase.xml': '66d62c0aa6e81298efe478263c98b3b0ffbe8fe91eafe070c6aff50e3ff3a064',
    'TrustFrameworkExtensions.xml': '1403cac1223b3c9db360615598ae7dcb3b5aaa23f6980ab58d940a8ed461b7dc',
    'TrustFrameworkLocalization.xml': '77185db12510709ee378890efced91404d6cccdbb49aefa0d71c7a60ab1abffa',
  },
  'Display Controls Starterpack/SocialAndLocalAccountsWithMfa': {
    'PasswordReset.xml': '70fffa116fd87072fb4ef083917fc8f8b588a3f695794c83fec2af80652c5bc1',
    'ProfileEdit.xml': '2269050fba539025574bdec722ea1fd35be450244c2e3c1757152a5d49f08317',
    'SignUpOrSignin.xml': '411ac9b90ff2c38cb9713f02e71c4466dbae836568893b900f404b18d01cb6d0',
    'TrustFrameworkBase.xml': '61dcdf5ec0874fcd1997b64fd3293c0ff0e170dc92f3a969ef1696357591b659',
    'TrustFrameworkExtensions.xml': '791687e9fa9799f7246d3c78fa4bbdc9942f5c8568d13b799814325449840b09',
    'TrustFrameworkLocalization.xml': '6e406b1403e0beeea126b3fc90fba3714ec52d22b601e4f721bab00c3d1ae8e6',
  },
};

export const DEFAULT_FLAVOUR = 'LocalAccounts';

/** Folder names compared without case, spaces or punctuation ("display-controls/localaccounts"). */
const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9/]/g, '').replace(/^displaycontrols(starterpack)?\//, 'displaycontrolsstarterpack/');

/**
 * The flavour folder named by `--pack`: the exact folder, or the same name in any case, without
 * spaces, or with "DisplayControls/" for "Display Controls Starterpack/". Undefined when unknown.
 */
export function resolveFlavour(name: string): string | undefined {
  const wanted = squash(name.replace(/\\/g, '/').replace(/\/+$/, ''));
  return Object.keys(FLAVOURS).find((f) => squash(f) === wanted);
}

/** The URL of one file of the repository: every path segment percent-encoded (the Display Controls folder has spaces). */
export function fileUrl(base: string, repoPath: string): string {
  return `${base.replace(/\/+$/, '')}/${repoPath.split('/').map(encodeURIComponent).join('/')}`;
}
