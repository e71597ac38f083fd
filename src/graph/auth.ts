/**
 * Where Graph access tokens come from. A bearer token in B2C_TOTP_ACCESS_TOKEN is used as is;
 * everything else goes through @azure/identity, imported only here and only when a real sign-in
 * is needed, so `lint` never loads it.
 */
import { UsageError } from '../errors.js';

export interface TokenSource {
  /** A bearer token for Graph. `renew` asks for a new one (the last was rejected as expired). */
  getToken(renew?: boolean): Promise<string>;
  /** How the token is obtained, for messages (never the token or a secret). */
  readonly description: string;
  /** False for a fixed token: a 401 cannot be cured by asking again. */
  readonly renewable: boolean;
}

export interface AuthRequest {
  env: NodeJS.ProcessEnv;
  /** The environment's tenant (contoso.onmicrosoft.com or a GUID); AZURE_TENANT_ID wins. */
  tenant: string;
  /** e.g. https://graph.microsoft.com: the token's audience is `${graphUrl}/.default`. */
  graphUrl: string;
  /** Where the device-code prompt goes (stderr). */
  prompt: (message: string) => void;
  /** Whether a person is at a terminal (device-code sign-in is offered only then). */
  interactive: boolean;
  /** Sign-in endpoint of the tenant's cloud; AZURE_AUTHORITY_HOST wins. */
  authorityHost?: string;
}

/** Client id of the Azure CLI, a public client Microsoft pre-registers in every tenant: the device-code default. */
const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

/**
 * Picks the first method the environment sets up, in this order:
 * B2C_TOTP_ACCESS_TOKEN; AZURE_CLIENT_ID + AZURE_TENANT_ID with AZURE_CLIENT_SECRET, or
 * AZURE_CLIENT_CERTIFICATE_PATH, or AZURE_FEDERATED_TOKEN_FILE (workload identity), or the
 * GitHub Actions OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN, `permissions: id-token: write`);
 * else Azure CLI login, then device-code sign-in when a person is at a terminal.
 */
export function tokenSource(req: AuthRequest): TokenSource {
  const { env } = req;
  const fixed = env.B2C_TOTP_ACCESS_TOKEN?.trim();
  if (fixed) {
    return { description: 'the token in B2C_TOTP_ACCESS_TOKEN', renewable: false, getToken: async () => fixed };
  }
  const scope = `${req.graphUrl.replace(/\/+$/, '')}/.default`;
  const tenantId = env.AZURE_TENANT_ID?.trim() || req.tenant;
  const clientId = env.AZURE_CLIENT_ID?.trim();
  const authorityHost = env.AZURE_AUTHORITY_HOST?.trim() || req.authorityHost;
  const app = clientId && env.AZURE_TENANT_ID?.trim();

  type Identity = typeof import('@azure/identity');
  type Credential = import('@azure/identity').TokenCredential;
  let method: { description: string; make: (id: Identity) => Credential | Credential[] };
  if (app && env.AZURE_CLIENT_SECRET) {
    const secret = env.AZURE_CLIENT_SECRET;
    method = { description: `app ${clientId} with a client secret (AZURE_CLIENT_SECRET)`, make: (id) => new id.ClientSecretCredential(tenantId, clientId, secret, { authorityHost }) };
  } else if (app && env.AZURE_CLIENT_CERTIFICATE_PATH) {
    const certificatePath = env.AZURE_CLIENT_CERTIFICATE_PATH;
    const certificatePassword = env.AZURE_CLIENT_CERTIFICATE_PASSWORD;
    method = {
      description: `app ${clientId} with the certificate ${certificatePath}`,
      make: (id) => new id.ClientCertificateCredential(tenantId, clientId, { certificatePath, certificatePassword }, { authorityHost }),
    };
  } else if (app && env.AZURE_FEDERATED_TOKEN_FILE) {
    const tokenFilePath = env.AZURE_FEDERATED_TOKEN_FILE;
    method = { description: `app ${clientId} with workload identity federation (AZURE_FEDERATED_TOKEN_FILE)`, make: (id) => new id.WorkloadIdentityCredential({ tenantId, clientId, tokenFilePath, authorityHost }) };
  } else if (app && env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    method = {
      description: `app ${clientId} with the GitHub Actions OIDC token (federated credential, no secret)`,
      make: (id) => new id.ClientAssertionCredential(tenantId, clientId, () => githubOidcToken(url, requestToken), { authorityHost }),
    };
  } else {
    if (clientId && !env.AZURE_TENANT_ID?.trim() && (env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH)) {
      throw new UsageError('AZURE_CLIENT_ID is set with a secret or certificate but AZURE_TENANT_ID is not: set it to the B2C tenant (its GUID or contoso.onmicrosoft.com).');
    }
    const deviceClient = clientId || AZURE_CLI_CLIENT_ID;
    method = {
      description: req.interactive ? 'your Azure CLI login (az login), else a device-code sign-in' : 'your Azure CLI login (az login)',
      make: (id) => [
        new id.AzureCliCredential({ tenantId }),
        ...(req.interactive
          ? [new id.DeviceCodeCredential({ tenantId, clientId: deviceClient, authorityHost, userPromptCallback: (info) => req.prompt(info.message) })]
          : []),
      ],
    };
  }

  let credential: Credential | undefined;
  return {
    description: method.description,
    renewable: true,
    async getToken(renew?: boolean): Promise<string> {
      // A new credential object does not reuse the cached (rejected) token.
      if (!credential || renew) {
        const id = await import('@azure/identity');
        const made = method.make(id);
        credential = Array.isArray(made) ? new id.ChainedTokenCredential(...made) : made;
      }
      try {
        const t = await credential.getToken(scope);
        if (!t?.token) throw new Error('no token returned');
        return t.token;
      } catch (e) {
        throw new SignInError(`Sign-in with ${method.description} failed: ${firstLine((e as Error)?.message ?? String(e))}`);
      }
    },
  };
}

/** Sign-in failed: exit 2 with the reason (the library's messages name no secret). */
export class SignInError extends Error {}

/** The job's OIDC token for Entra ID (audience api://AzureADTokenExchange), from the GitHub Actions runner. */
async function githubOidcToken(url: string, requestToken: string): Promise<string> {
  const u = new URL(url);
  u.searchParams.set('audience', 'api://AzureADTokenExchange');
  const res = await fetch(u, { headers: { Authorization: `Bearer ${requestToken}` }, signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`the GitHub Actions OIDC token request returned HTTP ${res.status} (does the job have "permissions: id-token: write"?)`);
  const body = (await res.json()) as { value?: string };
  if (!body.value) throw new Error('the GitHub Actions OIDC token response had no token');
  return body.value;
}

/** The library's message on one line (a chained credential lists each method's reason on its own line). */
function firstLine(s: string): string {
  const text = s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join(' ');
  return text.length > 600 ? `${text.slice(0, 599)}…` : text;
}

