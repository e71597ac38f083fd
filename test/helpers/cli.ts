import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli.js';
import type { Io } from '../../src/commands/io.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the CLI in-process with captured output; colour off unless the env asks for it. `extra` adds to the Io (e.g. `sleep`). */
export async function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, extra: Partial<Io> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    cwd,
    env: { NO_COLOR: '1', ...env },
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s) },
    ...extra,
  });
  return { code, stdout, stderr };
}

export /**
 * Builds dist/cli.js unless it is newer than every source file. `npm test` builds first; when run alone, test files in
 * parallel workers may all get here, so an atomic mkdir lock (in the git-ignored .tmp/) lets one build while others wait.
 */
function ensureBuilt(): void {
  const out = path.join(ROOT, 'dist', 'cli.js');
  const newest = (dir: string): number =>
    Math.max(0, ...(readdirSync(dir, { recursive: true }) as string[]).map((f) => statSync(path.join(dir, f)).mtimeMs));
  const fresh = () => existsSync(out) && statSync(out).mtimeMs >= Math.max(newest(path.join(ROOT, 'src')), statSync(path.join(ROOT, 'package.json')).mtimeMs);
  if (fresh()) return;
  const lock = path.join(ROOT, '.tmp', 'build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const held = statSync(lock, { throwIfNoEntry: false });
      // A lock left by a crashed run, or one held too long, is taken over.
      if (held && (Date.now() > deadline || Date.now() - held.mtimeMs > 120_000)) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`build failed: ${r.stderr || r.stdout}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
