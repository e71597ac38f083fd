/**
 * A fake Microsoft Graph for deploy, keys and pull: the beta trustFramework endpoints with the
 * service's response shapes, on 127.0.0.1 (port 0). It records every request, and faults can be
 * queued (a status with headers, a dropped connection, no answer).
 *
 * What it copies from the service: PUT …/$value answers 201 when the policy is new and 200 when
 * it replaces one; a policy whose base is not in the tenant is rejected with the service's
 * message ("Validation failed: 1 validation error(s) found in policy "B2C_1A_X" of tenant "t".
 * Policy with 'policyId': … cannot be found in the directory '…'.", repeated as the service
 * repeats it, upload-errors.md); GET …/$value returns the stored text with a TenantObjectId
 * attribute added to the root (policies downloaded from tenants carry one); errors come as
 * {"error":{"code","message"}}; a bad token gets 401; a key set's id gets the B2C_1A_ prefix.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

export type Fault = { status: number; headers?: Record<string, string>; body?: unknown } | 'drop' | 'hang';

interface QueuedFault {
  method?: string;
  path?: RegExp;
  times: number;
  fault: Fault;
}

export interface FakeGraphOptions {
  tenant: string;
  /** Bearer tokens accepted (default: one, `fake.token`). */
  tokens?: string[];
}

export interface StoredKeySet {
  id: string;
  keys: Array<{ kid: string; use: string; kty: string; k?: string }>;
}

export class FakeGraph {
  readonly requests: RecordedRequest[] = [];
  /** By upper-cased PolicyId. */
  readonly policies = new Map<string, { id: string; xml: string }>();
  /** By lower-cased id. */
  readonly keySets = new Map<string, StoredKeySet>();
  readonly tenantObjectId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
  readonly token = `fake-token-${randomUUID()}`;
  readonly validTokens: Set<string>;
  /** Extra validation run on each PUT: a message makes it a 400 like the service's. */
  validate: ((policyId: string, xml: string) => string | undefined) | undefined;
  url = '';
  private readonly faults: QueuedFault[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(readonly opts: FakeGraphOptions) {
    this.validTokens = new Set(opts.tokens ?? [this.token]);
  }

  async start(): Promise<this> {
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` requests matching method and path get `fault` instead of an answer. */
  inject(fault: Fault, match: { method?: string; path?: RegExp; times?: number } = {}): void {
    this.faults.push({ method: match.method, path: match.path, times: match.times ?? 1, fault });
  }

  /** Requests of one method (and path pattern). */
  made(method: string, path?: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && (!path || path.test(r.path)));
  }

  /** Puts a policy in the tenant directly (as if uploaded earlier). */
  store(xml: string): void {
    const id = /PolicyId="([^"]+)"/.exec(xml)![1]!;
    this.policies.set(id.toUpperCase(), { id, xml });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    this.requests.push({ method, path, contentType: req.headers['content-type'], authorization: req.headers.authorization, body });

    const i = this.faults.findIndex((f) => (!f.method || f.method === method) && (!f.path || f.path.test(path)));
    if (i >= 0) {
      const f = this.faults[i]!;
      if (--f.times <= 0) this.faults.splice(i, 1);
      if (f.fault === 'drop') return void req.socket.destroy();
      if (f.fault === 'hang') return;
      return this.json(res, f.fault.status, f.fault.body ?? {}, f.fault.headers);
    }

    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !this.validTokens.has(auth.slice(7))) {
      return this.error(res, 401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
    }

    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/beta/trustFramework/policies') {
      return this.json(res, 200, { '@odata.context': `${this.url}/beta/$metadata#trustFramework/policies`, value: [...this.policies.values()].map((p) => ({ id: p.id })) });
    }
    if ((m = /^\/beta\/trustFramework\/policies\/([^/]+)\/\$value$/.exec(path))) {
      const id = m[1]!;
      if (method === 'GET') {
        const p = this.policies.get(id.toUpperCase());
        if (!p) return this.error(res, 404, 'AADB2C', `Policy with 'policyId': ${id.toUpperCase()} cannot be found in the directory '${this.tenantObjectId}'.`);
        res.writeHead(200, { 'Content-Type': 'application/xml' });
        return void res.end(p.xml.replace(/(<TrustFrameworkPolicy\b[^>]*?)(\s*\/?>)/, `$1 TenantObjectId="${this.tenantObjectId}"$2`));
      }
      if (method === 'PUT') return this.put(res, id, body, req.headers['content-type']);
    }
    if (method === 'GET' && path === '/beta/trustFramework/keySets') {
      return this.json(res, 200, { '@odata.context': `${this.url}/beta/$metadata#trustFramework/keySets`, value: [...this.keySets.values()].map(publicKeySet) });
    }
    if (method === 'POST' && path === '/beta/trustFramework/keySets') {
      const name = String((JSON.parse(body || '{}') as { id?: string }).id ?? '');
      const id = /^B2C_1A_/i.test(name) ? name : `B2C_1A_${name}`;
      if (this.keySets.has(id.toLowerCase())) return this.error(res, 409, 'AADB2C', `The key set with ID '${id}' already exists.`);
      const set = { id, keys: [] };
      this.keySets.set(id.toLowerCase(), set);
      return this.json(res, 201, publicKeySet(set));
    }
    if (method === 'POST' && (m = /^\/beta\/trustFramework\/keySets\/([^/]+)\/(generateKey|uploadSecret)$/.exec(path))) {
      const set = this.keySets.get(m[1]!.toLowerCase());
      if (!set) return this.error(res, 404, 'AADB2C', `KeyContainer with 'id': ${m[1]} cannot be found in the directory '${this.tenantObjectId}'.`);
      const b = JSON.parse(body || '{}') as { use?: string; kty?: string; k?: string };
      const key = m[2] === 'generateKey' ? { kid: randomUUID(), use: String(b.use), kty: String(b.kty) } : { kid: randomUUID(), use: String(b.use), kty: 'oct', k: String(b.k) };
      set.keys.push(key);
      return this.json(res, 200, { kid: key.kid, use: key.use, kty: key.kty });
    }
    return this.error(res, 400, 'BadRequest', `Resource not found for the segment '${path}'.`);
  }

  private put(res: ServerResponse, id: string, xml: string, contentType: string | undefined): void {
    if (!contentType?.startsWith('application/xml')) return this.error(res, 400, 'AADB2C', 'The policy being uploaded is not XML or is not correctly formatted.');
    const policyId = /PolicyId="([^"]+)"/.exec(xml)?.[1];
    const tenantId = /TenantId="([^"]+)"/.exec(xml)?.[1];
    const envelope = `Validation failed: 1 validation error(s) found in policy "${(policyId ?? id).toUpperCase()}" of tenant "${this.opts.tenant}".`;
    if (!policyId || policyId.toUpperCase() !== id.toUpperCase()) return this.error(res, 400, 'AADB2C', 'The policy being uploaded is not XML or is not correctly formatted.');
    if (tenantId?.toLowerCase() !== this.opts.tenant.toLowerCase()) {
      return this.error(res, 400, 'AADB2C', `${envelope}TenantId in the policy xml '${tenantId}' is not same as the one in login tenant '${this.opts.tenant}'.`);
    }
    const base = /<BasePolicy>[\s\S]*?<PolicyId>\s*([^<\s]+)\s*<\/PolicyId>/.exec(xml)?.[1];
    if (base && !this.policies.has(base.toUpperCase())) {
      const why = `Policy with 'policyId': ${base.toUpperCase()} cannot be found in the directory '${this.tenantObjectId}'.`;
      return this.error(res, 400, 'AADB2C', `${envelope}${why}${why}`);
    }
    const invalid = this.validate?.(policyId, xml);
    if (invalid) return this.error(res, 400, 'AADB2C', `${envelope}${invalid}${invalid}`);
    const existed = this.policies.has(policyId.toUpperCase());
    this.policies.set(policyId.toUpperCase(), { id: policyId, xml });
    res.writeHead(existed ? 200 : 201, { 'Content-Type': 'application/xml' });
    res.end(xml);
  }

  private error(res: ServerResponse, status: number, code: string, message: string): void {
    this.json(res, status, { error: { code, message, innerError: { date: '2026-01-01T00:00:00', 'request-id': randomUUID(), 'client-request-id': randomUUID() } } });
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
}

function publicKeySet(s: StoredKeySet): { id: string; keys: Array<{ kid: string; use: string; kty: string }> } {
  // Like the service: secrets are never returned.
  return { id: s.id, keys: s.keys.map((k) => ({ kid: k.kid, use: k.use, kty: k.kty })) };
}

export async function startFakeGraph(opts: FakeGraphOptions): Promise<FakeGraph> {
  return new FakeGraph(opts).start();
}
