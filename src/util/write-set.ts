import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface PlannedWrite {
  absPath: string;
  /** What the file held when it was read; undefined for a new file (which must still not exist). */
  before: string | undefined;
  after: string;
}

export class WriteConflictError extends Error {}

/**
 * Writes several files all-or-nothing: every new content goes to a temp file beside its target
 * first; only when all temp files are written are they renamed into place. A file that changed
 * on disk since it was read stops everything before any rename.
 */
export function writeFilesTransaction(writes: PlannedWrite[], display: (abs: string) => string = (a) => a): void {
  const temps: Array<{ tmp: string; target: string }> = [];
  try {
    for (const w of writes) {
      mkdirSync(path.dirname(w.absPath), { recursive: true });
      const tmp = path.join(path.dirname(w.absPath), `.${path.basename(w.absPath)}.b2c-totp-${process.pid}.tmp`);
      writeFileSync(tmp, w.after, { encoding: 'utf8', flag: 'wx' });
      temps.push({ tmp, target: w.absPath });
    }
    for (const w of writes) {
      const now = existsSync(w.absPath) ? readFileSync(w.absPath, 'utf8') : undefined;
      if (now !== w.before) {
        throw new WriteConflictError(`${display(w.absPath)}: changed on disk since it was read; nothing was written. Run the command again.`);
      }
    }
    const done: PlannedWrite[] = [];
    try {
      for (const [i, t] of temps.entries()) {
        renameSync(t.tmp, t.target);
        done.push(writes[i]!);
      }
    } catch (e) {
      // A rename failed part-way: put back what was already replaced, so nothing is half-written.
      for (const w of done) {
        if (w.before === undefined) rmSync(w.absPath, { force: true });
        else writeFileSync(w.absPath, w.before, 'utf8');
      }
      throw e;
    }
    temps.length = 0;
  } finally {
    for (const t of temps) rmSync(t.tmp, { force: true });
  }
}

/**
 * Replaces a whole folder: builds it beside the target under a temp name, then swaps it in, so the
 * old folder stays complete until the new one is.
 */
export function replaceFolder(target: string, files: Array<{ rel: string; content: string }>): void {
  const parent = path.dirname(path.resolve(target));
  mkdirSync(parent, { recursive: true });
  const staging = path.join(parent, `.${path.basename(target)}.b2c-totp-${process.pid}.new`);
  const old = path.join(parent, `.${path.basename(target)}.b2c-totp-${process.pid}.old`);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const f of files) {
      const abs = path.join(staging, f.rel);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, f.content, 'utf8');
    }
    const hadOld = existsSync(target);
    if (hadOld) renameSync(target, old);
    try {
      renameSync(staging, target);
    } catch (e) {
      if (hadOld) renameSync(old, target);
      throw e;
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
