import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../policy/load.js';
import { FLAVOURS, STARTERPACK_COMMIT, STARTERPACK_REPO, XSD_FILE, XSD_SHA256, fileUrl } from './starterpack-manifest.js';

/** A failure of `init` that is not the user's wording (download, checksum, refusal to overwrite): exit 1. */
export class InitError extends Error {}

export interface StarterFile {
  /** File name inside the flavour folder (or the XSD's name). */
  name: string;
  /** Path inside the starter-pack repository, for messages. */
  repoPath: string;
  text: string;
}

export interface StarterPack {
  flavour: string;
  /** The flavour's policy files. */
  files: StarterFile[];
  /** TrustFrameworkPolicy_0.3.0.0.xsd; undefined when a --from folder has none. */
  xsd: StarterFile | undefined;
  /** One-line warnings (a --from clone that differs from the pinned commit). */
  warnings: string[];
}

export interface DownloadOptions {
  baseUrl: string;
  /** Per file, including the body. */
  timeoutMs?: number;
  /** Called after each verified file. */
  onProgress?: (done: number, total: number, bytes: number) => void;
}

/** No starter-pack file comes near this; a larger answer is not the file we asked for. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
const PARALLEL = 4;
const SHORT_COMMIT = STARTERPACK_COMMIT.slice(0, 7);
const CLONE_HINT = `use --from <folder> with a local clone of https://github.com/${STARTERPACK_REPO} (commit ${SHORT_COMMIT})`;

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Downloads one flavour and the XSD, and checks every file's sha256 against the pinned manifest.
 * Throws InitError on the first failure; returns only when every file is verified, so a caller
 * that writes after this never writes a partial or altered pack.
 */
export async function downloadStarterPack(flavour: string, opts: DownloadOptions): Promise<StarterPack> {
  const hashes = FLAVOURS[flavour];
  if (!hashes) throw new UsageError(`Unknown starter pack '${flavour}'.`);
  const wanted = [
    ...Object.entries(hashes).map(([name, hash]) => ({ name, repoPath: `${flavour}/${name}`, hash })),
    { name: XSD_FILE, repoPath: XSD_FILE, hash: XSD_SHA256 },
  ];
  const results: StarterFile[] = new Array(wanted.length);
  let done = 0;
  let bytes = 0;
  let next = 0;
  let stop = false;
  const worker = async () => {
    while (!stop && next < wanted.length) {
      const i = next++;
      const w = wanted[i]!;
      const url = fileUrl(opts.baseUrl, w.repoPath);
      const body = await fetchBytes(url, opts.timeoutMs ?? 30_000).catch((e: unknown) => {
        stop = true;
        throw e;
      });
      const got = sha256(body);
      if (got !== w.hash) {
        stop = true;
        throw new InitError(
          `sha256 mismatch for ${w.repoPath} downloaded from ${url}: expected ${w.hash}, got ${got}; nothing was written. ` +
            `The download was altered on the way (a proxy?) or the server is not GitHub; ${CLONE_HINT}.`,
        );
      }
      results[i] = { name: w.name, repoPath: w.repoPath, text: decode(body, w.repoPath) };
      bytes += body.length;
      opts.onProgress?.(++done, wanted.length, bytes);
    }
  };
  // Every worker is awaited (allSettled) so no request is left running when the first failure is reported.
  const settled = await Promise.allSettled(Array.from({ length: Math.min(PARALLEL, wanted.length) }, worker));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return { flavour, files: results.slice(0, -1), xsd: results[results.length - 1], warnings: [] };
}

async function fetchBytes(url: string, timeoutMs: number): Promise<Uint8Array> {
  const fail = (why: string): never => {
    throw new InitError(`could not download ${url} (${why}); ${CLONE_HINT}.`);
  };
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    if (!res.ok) {
      await res.body?.cancel();
      return fail(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
    }
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_FILE_BYTES) {
      await res.body?.cancel();
      return fail(`${declared} bytes is too large for a starter-pack file`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.length;
        if (size > MAX_FILE_BYTES) {
          await reader.cancel();
          return fail(`more than ${MAX_FILE_BYTES} bytes, too large for a starter-pack file`);
        }
        chunks.push(value);
      }
    }
    return Buffer.concat(chunks, size);
  } catch (e) {
    if (e instanceof InitError) throw e;
    return fail(networkReason(e, timeoutMs));
  }
}

/** "ECONNREFUSED 127.0.0.1:4321", "timed out after 30 s", …: the cause fetch wraps in "fetch failed". */
function networkReason(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string; errors?: Array<{ message?: string }> } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  const cause = err?.cause;
  if (cause?.code) {
    const detail = cause.message ?? cause.errors?.[0]?.message ?? '';
    // Node says "connect ECONNREFUSED 127.0.0.1:4321" or "getaddrinfo ENOTFOUND host"; keep the part from the code on.
    const at = detail.indexOf(cause.code);
    return at >= 0 ? detail.slice(at) : detail ? `${cause.code}: ${detail}` : cause.code;
  }
  return cause?.message ?? err?.message ?? String(e);
}

function decode(bytes: Uint8Array, what: string): string {
  try {
    // ignoreBOM keeps a byte-order mark in the text, so the file is written back byte for byte.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InitError(`${what} is not UTF-8 text; nothing was written.`);
  }
}

/**
 * Reads one flavour and the XSD from a local clone (`--from`). The files are used as they are: a
 * clone of a newer commit is legitimate, so a difference from the pinned hashes is a warning that
 * names the files, not an error (the download path, where the bytes cross the network, requires
 * an exact match).
 */
export function readStarterPackFrom(root: string, flavour: string, display: string): StarterPack {
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new UsageError(`--from ${display}: no such folder.`);
  }
  if (!st.isDirectory()) throw new UsageError(`--from ${display}: not a folder; give the root of a clone of ${STARTERPACK_REPO}.`);
  const dir = path.join(root, ...flavour.split('/'));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(`--from ${display}: no folder '${flavour}' in it; give the root of a clone of ${STARTERPACK_REPO} (the folder that holds LocalAccounts/, SocialAndLocalAccounts/, …).`);
  }
  const pinned = FLAVOURS[flavour] ?? {};
  const names = readdirSync(dir)
    .filter((n) => n.toLowerCase().endsWith('.xml') && statSync(path.join(dir, n)).isFile())
    .sort();
  if (names.length === 0) throw new UsageError(`--from ${display}: no *.xml files in '${flavour}'.`);
  const differ: string[] = [];
  const files = names.map((name) => {
    const bytes = readFileSync(path.join(dir, name));
    if (pinned[name] !== sha256(bytes)) differ.push(pinned[name] ? name : `${name} (not in the pinned commit)`);
    return { name, repoPath: `${flavour}/${name}`, text: decode(bytes, path.join(display, flavour, name)) };
  });
  for (const name of Object.keys(pinned)) if (!names.includes(name)) differ.push(`${name} (missing)`);
  const warnings: string[] = [];
  if (differ.length) {
    warnings.push(
      `--from ${display}: ${differ.length} file${differ.length === 1 ? '' : 's'} of ${flavour} differ from the pinned commit ${SHORT_COMMIT} (${differ.join(', ')}); ` +
        'using them as they are. TOTP injection is tested against the pinned commit.',
    );
  }
  let xsd: StarterFile | undefined;
  const xsdPath = path.join(root, XSD_FILE);
  if (existsSync(xsdPath)) {
    const bytes = readFileSync(xsdPath);
    if (sha256(bytes) !== XSD_SHA256) warnings.push(`--from ${display}: ${XSD_FILE} differs from the pinned commit ${SHORT_COMMIT}; using it as it is.`);
    xsd = { name: XSD_FILE, repoPath: XSD_FILE, text: decode(bytes, path.join(display, XSD_FILE)) };
  } else {
    warnings.push(`--from ${display}: no ${XSD_FILE} in it; lint will check the policies without XSD validation.`);
  }
  return { flavour, files, xsd, warnings };
}
