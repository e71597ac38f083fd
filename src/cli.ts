import { Command, CommanderError, Option } from 'commander';
import { type Io, LINT_FORMATS } from './commands/io.js';
import { ConfigError, UsageError } from './errors.js';
import { VERSION } from './version.js';

// Each command's code is loaded when it runs: a `lint` in CI does not pay for inject, init or build.

/** Builds the program; each action stores its exit code. Separate from `main` so tests can drive it in-process. */
export async function run(argv: string[], io: Io): Promise<number> {
  let code = 0;
  const program = new Command()
    .name('b2c-totp')
    .description('Add authenticator-app MFA (TOTP) to Azure AD B2C custom policies, and lint policy sets offline.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command('lint')
    .description('Check a policy set offline: what the B2C upload would reject or what would break at runtime.')
    .argument('[paths...]', 'policy files, or folders to scan for *.xml (default: the current folder)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(LINT_FORMATS).default('stylish'))
    .option('-o, --output <file>', 'write the report to a file (atomically) instead of stdout')
    .option('-c, --config <file>', 'config file (default: b2c-totp.config.json in this folder or above)')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this')
    .option('--xsd <file>', 'validate against this TrustFrameworkPolicy_0.3.0.0.xsd (default: one found beside or above the files)')
    .option('--no-xsd', 'skip XSD validation even when an XSD is found')
    .option('--ready', 'deploy-ready checks: unreplaced placeholders are errors')
    .option('--deployed <policyIds...>', 'PolicyIds already in the tenant that a BasePolicy may name')
    .option('--sarif-category <category>', 'SARIF automationDetails category')
    .option('-q, --quiet', 'report errors and warnings only (no infos)')
    .option('--list-sets', 'show how the files were grouped into policy sets (stylish or json), and lint nothing')
    .option('--verbose', 'also print the policy sets found, and the bases taken from other folders, to stderr')
    .action(async (paths: string[], opts) => {
      const { lintCommand } = await import('./commands/lint.js');
      code = await lintCommand(paths, opts, io);
    });

  program
    .command('inject')
    .description('Add authenticator-app MFA (TOTP) to a policy set. Prints the plan and a diff; --write or --out applies it.')
    .argument('[paths...]', 'policy files, or folders to scan for *.xml (default: the current folder)')
    .option('--write', 'apply the changes to the files in place (atomically, all or nothing)')
    .option('--out <dir>', 'write the whole changed set to another folder')
    .option('--journey <ids...>', 'UserJourney Ids to protect (default: every relying party journey that signs a user in)')
    .option('--identifier <claims...>', 'extra claims to use as the authenticator account name, first match wins')
    .option('--issuer <name>', 'the name the authenticator app shows (default: config "issuer", else the tenant name)')
    .option('--layer', 'add a TrustFrameworkExtensions_TOTP.xml layer and new relying parties; change no existing file (default)')
    .option('--inline', 'edit the extension file and relying parties in place instead')
    .option('--regenerate', 'layer mode: rewrite the files an earlier inject wrote, after your policies or options changed')
    .option('--replace-phone', 'journeys that run phone MFA: the TOTP journey leaves the phone steps out (default: users get both)')
    .option('--strict', 'exit 1, writing nothing, when a relying party that signs users in (or one that could not be analysed) is skipped')
    .option('--page-version <version>', 'selfasserted page contract version for the TOTP pages (default 2.1.26, at least 2.1.14)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-c, --config <file>', 'config file (default: b2c-totp.config.json in this folder or above)')
    .action(async (paths: string[], opts) => {
      const { injectCommand } = await import('./commands/inject.js');
      code = await injectCommand(paths, opts, io);
    });

  program
    .command('init')
    .description('Start a policy set with TOTP: get a starter pack (or use the set already in the folder), add the TOTP layer, write b2c-totp.config.json.')
    .argument('[folder]', 'folder for the policies: new or empty gets a starter pack; one holding a policy set gets TOTP added', '.')
    .option('--tenant <name>', 'your B2C tenant, e.g. contoso.onmicrosoft.com (required for a new set)')
    .option('--pack <flavour>', 'starter pack: LocalAccounts (default), SocialAccounts, SocialAndLocalAccounts, SocialAndLocalAccountsWithMfa, or "DisplayControls/<one of those>"')
    .option('--issuer <name>', 'the name the authenticator app shows (default: the tenant name)')
    .option('--from <folder>', 'copy the starter pack from a local clone of Azure-Samples/active-directory-b2c-custom-policy-starterpack instead of downloading it')
    .option('--env <names>', 'environments for the config, comma-separated, e.g. Development,Production (default: Development)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--force', 'overwrite existing files (and update an existing b2c-totp.config.json)')
    .option('-y, --yes', 'for CI scripts: init never prompts, so this changes nothing')
    .action(async (folder: string, opts) => {
      const { initCommand } = await import('./commands/init.js');
      code = await initCommand(folder, opts, io);
    });

  program
    .command('build')
    .description('Build dist/<env>/ per environment: fill in settings and placeholders, apply the PolicyId prefix, lint deploy-ready, write the files and upload-order.json.')
    .argument('[dir]', 'the policy set folder (default: config "policies", else the folder of the config)')
    .option('--env <names>', 'environments to build, repeatable or a comma list (default: all)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--out <dir>', 'output folder; each environment goes to <dir>/<env> (default: dist/ beside the config)')
    .option('-c, --config <file>', 'b2c-totp.config.json or the VS Code extension\'s appsettings.json (default: the nearest in [dir] or above)')
    .option('--xsd <file>', 'validate the output against this TrustFrameworkPolicy_0.3.0.0.xsd (default: config "xsd", else one beside or above the files)')
    .option('--no-xsd', 'skip XSD validation even when an XSD is found')
    .action(async (dir: string | undefined, opts) => {
      const { buildCommand } = await import('./commands/build.js');
      code = await buildCommand(dir, opts, io);
    });

  // deploy, keys and pull talk to Microsoft Graph; @azure/identity is loaded only when they sign in.
  const tenantOptions = (cmd: Command) =>
    cmd
      .option('--env <name>', 'the environment to use (default: the only one in the config)')
      .option('-c, --config <file>', "b2c-totp.config.json or the VS Code extension's appsettings.json (default: the nearest)")
      .option('--graph-url <url>', 'Microsoft Graph root for national clouds, e.g. https://graph.microsoft.us (default: B2C_TOTP_GRAPH_URL, else https://graph.microsoft.com)')
      .option('--timeout <seconds>', 'per request (default 60)');

  tenantOptions(
    program
      .command('deploy')
      .description("Upload the environment's policies to its tenant with Microsoft Graph: only what changed (and what depends on it), in upload order.")
      .argument('[dir]', 'the policy set folder (default: config "policies", else the folder of the config)'),
  )
    .option('--dry-run', 'print the plan (each policy, upload or skip, and why); upload nothing')
    .option('--dist [dir]', 'upload a build folder (default dist/<env>) instead of building in memory')
    .option('--all', 'upload every policy, changed or not')
    .option('--resume-from <policyId>', 'upload this policy and every one after it in the order (after a failed run)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json', 'github', 'sarif']).default('stylish'))
    .option('--xsd <file>', 'validate the built policies against this XSD first')
    .option('--no-xsd', 'skip XSD validation even when an XSD is found')
    .action(async (dir: string | undefined, opts) => {
      const { deployCommand } = await import('./commands/deploy.js');
      code = await deployCommand(dir, opts, io);
    });

  tenantOptions(
    program
      .command('keys')
      .description('Create the policy keys the policies reference that the tenant lacks: RSA signing and encryption keys generated by the service, secrets from environment variables or a prompt.')
      .argument('[dir]', 'the policy set folder (default: config "policies", else the folder of the config)'),
  )
    .option('--dry-run', 'list the keys and what would be created; create nothing')
    .action(async (dir: string | undefined, opts) => {
      const { keysCommand } = await import('./commands/keys.js');
      code = await keysCommand(dir, opts, io);
    });

  tenantOptions(
    program
      .command('pull')
      .description("Download the tenant's custom policies into a folder, with the tenant name put back to a placeholder: adopt an existing tenant.")
      .argument('[folder]', 'where to write the policies (default: pulled/<env>)'),
  )
    .option('--placeholder <text>', 'what replaces the tenant name (default: the one the source set uses, yourtenant.onmicrosoft.com or {Settings:Tenant})')
    .option('--force', 'overwrite files in the folder that differ from the tenant')
    .action(async (folder: string | undefined, opts) => {
      const { pullCommand } = await import('./commands/pull.js');
      code = await pullCommand(folder, opts, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError || e instanceof ConfigError) {
      io.stderr.write(`b2c-totp: ${e.message}\n`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    io.stderr.write(`b2c-totp: ${err?.code ? `${err.code}: ` : ''}${err?.message ?? String(e)}\n`);
    if (io.env.B2C_TOTP_DEBUG) io.stderr.write(`${err?.stack ?? ''}\n`);
    return 2;
  }
  return code;
}

export async function main(): Promise<void> {
  const code = await run(process.argv.slice(2), { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin });
  process.exitCode = code;
}
