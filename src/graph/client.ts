/**
 * The only code that talks to Microsoft Graph: custom policies and policy keys (beta
 * trustFramework endpoints), with retries, a timeout per request and errors that carry the
 * service's own message. Tests point it at a fake server with --graph-url.
 */
import { UsageError } from '../errors.js';
import type { TokenSource } from './auth.js';

export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com';

/** Graph and sign-in endpoints of each Azure cloud B2C runs in (national cloud deployments). */
export const CLOUDS = {
  global: { graph: 'https://graph.microsoft.com', authority: 'https://login.microsoftonline.com' },
  usgov: { graph: 'https://graph.microsoft.us', authority: 'https://login.microsoftonline.us' },
  'usgov-dod': { graph: 'https://dod-graph.microsoft.us', authority: 'https://login.microsoftonline.us' },
  china: { graph: 'https://microsoftgraph.chinacloudapi.cn', authority: 'https://login.chinacloudapi.cn' },
} as const;

export type Cloud = keyof typeof CLOUDS;

/**
 * The Graph root to use: --graph-url, else B2C_TOTP_GRAPH_URL, else the environment's cloud, else the
 * global cloud. Plain http only on loopback.
 */
export function resolveGraphUrl(option: string | undefined, env: NodeJS.ProcessEnv, cloud: Cloud = 'global'): string {
  const raw = option ?? env.B2C_TOTP_GRAPH_URL ?? CLOUDS[cloud].graph;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`Graph URL '${raw}' is not a URL (e.g. https://graph.microsoft.us).`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new UsageError(`Graph URL '${raw}' must use https:// (plain http:// only for 127.0.0.1, localhost or [::1]).`);
  }
  if (url.username || url.password || url.search || url.hash) throw new UsageError(`Graph URL '${raw}' must be a plain root such as https://graph.microsoft.com.`);
  return url.toString().replace(/\/+$/, '');
}

/** A response other than success, with what the service said. */
export class GraphError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    /** HTTP status; 0 when no response came (network failure or timeout). */
    readonly status: number,
    /** The service's error code (error.code), when it gave one. */
    readonly code: string | undefined,
    /** The service's message in full (error.message, else the body text). */
    readonly serviceMessage: string,
  ) {
    super(`${method} ${path}: ${status === 0 ? 'no response' : `HTTP ${status}${code ? ` ${code}` : ''}`}: ${serviceMessage}`);
  }
}

export interface KeySet {
  id: string;
  /** Number of keys in the set (a set with none cannot sign or decrypt). */
  keyCount: number;
}

export interface GraphClientOptions {
  /** Graph root, e.g. https://graph.microsoft.com (see resolveGraphUrl). */
  baseUrl: string;
  tokens: TokenSource;
  /** Per request (each attempt), in milliseconds. */
  timeoutMs?: number;
  /** Attempts after the first on 429, 5xx, a dropped connection or a timeout. */
  retries?: number;
  /** First backoff in ms (doubled each retry, capped at 30 s) when the service sends no Retry-After. */
  backoffMs?: number;
  /** Injected so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Told about each retry (one line, no token). */
  onRetry?: (message: string) => void;
}

interface Sent {
  status: number;
  text: string;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const MAX_BACKOFF_MS = 30_000;
const MAX_RETRY_AFTER_MS = 120_000;

export class GraphClient {
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Requests made, for the summary line. */
  requests = 0;

  constructor(private readonly opts: GraphClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.retries = opts.retries ?? 5;
    this.backoffMs = opts.backoffMs ?? 1000;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** PolicyIds of the tenant's custom policies (follows @odata.nextLink). */
  async listPolicies(): Promise<string[]> {
    return (await this.list('/beta/trustFramework/policies')).map((p) => String((p as { id?: unknown }).id ?? '')).filter(Boolean);
  }

  /** A policy's XML as the tenant holds it, or undefined when there is none with this id. */
  async getPolicy(policyId: string): Promise<string | undefined> {
    const r = await this.send('GET', `/beta/trustFramework/policies/${encodeURIComponent(policyId)}/$value`, { accept: 'application/xml', allow404: true });
    return r.status === 404 ? undefined : r.text;
  }

  /** Creates or replaces a policy; 201 created, 200 replaced. A rejection throws GraphError with the validation message. */
  async putPolicy(policyId: string, xml: string): Promise<number> {
    const r = await this.send('PUT', `/beta/trustFramework/policies/${encodeURIComponent(policyId)}/$value`, { body: xml, contentType: 'application/xml' });
    return r.status;
  }

  async listKeySets(): Promise<KeySet[]> {
    return (await this.list('/beta/trustFramework/keySets')).map((k) => {
      const o = k as { id?: unknown; keys?: unknown };
      return { id: String(o.id ?? ''), keyCount: Array.isArray(o.keys) ? o.keys.length : 0 };
    });
  }

  /** Creates an empty key set; the service adds B2C_1A_ to the name. Returns the id it gave. */
  async createKeySet(name: string): Promise<string> {
    const r = await this.send('POST', '/beta/trustFramework/keySets', { body: JSON.stringify({ id: name }), contentType: 'application/json' });
    return String((parse(r.text) as { id?: unknown })?.id ?? name);
  }

  /** Has the service generate a key in the set (`use`: sig or enc; `kty`: RSA). */
  async generateKey(keySetId: string, use: 'sig' | 'enc', kty: 'RSA'): Promise<void> {
    await this.send('POST', `/beta/trustFramework/keySets/${encodeURIComponent(keySetId)}/generateKey`, { body: JSON.stringify({ use, kty }), contentType: 'application/json' });
  }

  /** Stores a secret in the set. The value goes in the body only: never into a URL, a message or a log. */
  async uploadSecret(keySetId: string, use: 'sig' | 'enc', secret: string): Promise<void> {
    await this.send('POST', `/beta/trustFramework/keySets/${encodeURIComponent(keySetId)}/uploadSecret`, { body: JSON.stringify({ use, k: secret }), contentType: 'application/json' });
  }

  private async list(path: string): Promise<unknown[]> {
    const out: unknown[] = [];
    let next: string | undefined = path;
    for (let page = 0; next && page < 1000; page++) {
      const r = await this.send('GET', next, { accept: 'application/json' });
      const body = parse(r.text) as { value?: unknown[]; '@odata.nextLink'?: string } | undefined;
      if (!body || !Array.isArray(body.value)) throw new GraphError('GET', next, r.status, undefined, 'the response is not a Graph collection (no "value" array)');
      out.push(...body.value);
      const link = body['@odata.nextLink'];
      // Only follow links back to the same Graph root: the token is not sent anywhere else.
      next = typeof link === 'string' && link.startsWith(`${this.opts.baseUrl}/`) ? link.slice(this.opts.baseUrl.length) : undefined;
    }
    return out;
  }

  private async send(
    method: 'GET' | 'PUT' | 'POST',
    path: string,
    o: { body?: string; contentType?: string; accept?: string; allow404?: boolean },
  ): Promise<Sent> {
    // A POST that reached the service may have happened: repeat it only when the service said it did not (429, 503).
    const idempotent = method !== 'POST';
    let renewed = false;
    let renewNow = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.opts.tokens.getToken(renewNow);
      renewNow = false;
      let res: Response;
      let text: string;
      this.requests++;
      try {
        const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
        if (o.contentType) headers['Content-Type'] = o.contentType;
        if (o.accept) headers.Accept = o.accept;
        res = await fetch(`${this.opts.baseUrl}${path}`, { method, headers, body: o.body, signal: AbortSignal.timeout(this.timeoutMs) });
        // Not res.text(): it drops a byte-order mark, and a pulled policy keeps the bytes the tenant has.
        text = Buffer.from(await res.arrayBuffer()).toString('utf8');
      } catch (e) {
        const reason = networkReason(e, this.timeoutMs);
        if (idempotent && attempt < this.retries) {
          await this.wait(method, path, reason, this.backoff(attempt), attempt);
          continue;
        }
        throw new GraphError(method, path, 0, undefined, reason);
      }
      if (res.ok || (o.allow404 && res.status === 404)) return { status: res.status, text };
      const { code, message } = errorOf(text, res.status);
      if (res.status === 401 && this.opts.tokens.renewable && !renewed) {
        // The token expired during a long run: get a new one and repeat once.
        renewed = true;
        renewNow = true;
        this.opts.onRetry?.(`${method} ${path}: HTTP 401, signing in again`);
        attempt--;
        continue;
      }
      const retryable = RETRY_STATUS.has(res.status) && (idempotent || res.status === 429 || res.status === 503);
      if (retryable && attempt < this.retries) {
        const after = retryAfter(res.headers.get('retry-after'));
        await this.wait(method, path, `HTTP ${res.status}`, after ?? this.backoff(attempt), attempt);
        continue;
      }
      throw new GraphError(method, path, res.status, code, message);
    }
  }

  private backoff(attempt: number): number {
    return Math.min(MAX_BACKOFF_MS, this.backoffMs * 2 ** attempt);
  }

  private async wait(method: string, path: string, reason: string, ms: number, attempt: number): Promise<void> {
    this.opts.onRetry?.(`${method} ${path}: ${reason}; retry ${attempt + 1} of ${this.retries} in ${formatMs(ms)}`);
    await this.sleep(ms);
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** Retry-After in seconds or as an HTTP date; capped so a bad header cannot stall a run. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = header.trim();
  const ms = /^\d+(?:\.\d+)?$/.test(s) ? Number(s) * 1000 : Date.parse(s) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}

function networkReason(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no response within ${formatMs(timeoutMs)} (timeout)`;
  const cause = err?.cause;
  const detail = cause?.code ?? cause?.message ?? err?.message ?? String(e);
  return `connection failed (${detail})`;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Graph's error body: {"error":{"code":"…","message":"…"}}; anything else is shown as text. */
function errorOf(text: string, status: number): { code: string | undefined; message: string } {
  const body = parse(text) as { error?: { code?: unknown; message?: unknown } } | undefined;
  const code = typeof body?.error?.code === 'string' ? body.error.code : undefined;
  const message = typeof body?.error?.message === 'string' ? body.error.message : text.trim() || `HTTP ${status} with no body`;
  return { code, message };
}
