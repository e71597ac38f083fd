import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replaceFolder, WriteConflictError, writeFilesTransaction } from '../src/util/write-set.js';

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'b2c-totp-write-'));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('writes are all-or-nothing', () => {
  it('writes every file when nothing changed on disk', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.xml'), 'A');
    writeFilesTransaction([
      { absPath: path.join(dir, 'a.xml'), before: 'A', after: 'A2' },
      { absPath: path.join(dir, 'b.xml'), before: undefined, after: 'B' },
    ]);
    expect(readFileSync(path.join(dir, 'a.xml'), 'utf8')).toBe('A2');
    expect(readFileSync(path.join(dir, 'b.xml'), 'utf8')).toBe('B');
    expect(readdirSync(dir).sort()).toEqual(['a.xml', 'b.xml']);
  });

  it('refuses when a file changed on disk since it was read, and writes nothing', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.xml'), 'A (edited meanwhile)');
    writeFileSync(path.join(dir, 'b.xml'), 'B');
    expect(() =>
      writeFilesTransaction(
        [
          { absPath: path.join(dir, 'b.xml'), before: 'B', after: 'B2' },
          { absPath: path.join(dir, 'a.xml'), before: 'A', after: 'A2' },
        ],
        (abs) => path.basename(abs),
      ),
    ).toThrow(new WriteConflictError('a.xml: changed on disk since it was read; nothing was written. Run the command again.'));
    expect(readFileSync(path.join(dir, 'a.xml'), 'utf8')).toBe('A (edited meanwhile)');
    expect(readFileSync(path.join(dir, 'b.xml'), 'utf8')).toBe('B');
    expect(readdirSync(dir).sort()).toEqual(['a.xml', 'b.xml']);
  });

  it('refuses to create a file that appeared meanwhile', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'new.xml'), 'someone else');
    expect(() => writeFilesTransaction([{ absPath: path.join(dir, 'new.xml'), before: undefined, after: 'mine' }])).toThrow(WriteConflictError);
    expect(readFileSync(path.join(dir, 'new.xml'), 'utf8')).toBe('someone else');
  });

  it('a rename that fails part-way puts back the files already replaced', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.xml'), 'A');
    // A folder where the second file should go: its rename fails after the first one succeeded.
    mkdirSync(path.join(dir, 'b.xml'));
    writeFileSync(path.join(dir, 'b.xml', 'keep'), 'x');
    expect(() =>
      writeFilesTransaction([
        { absPath: path.join(dir, 'a.xml'), before: 'A', after: 'A2' },
        { absPath: path.join(dir, 'b.xml'), before: undefined, after: 'B' },
      ]),
    ).toThrow();
    expect(readFileSync(path.join(dir, 'a.xml'), 'utf8')).toBe('A');
    expect(readdirSync(dir).sort()).toEqual(['a.xml', 'b.xml']);
  });
});

describe('a folder is replaced only when the new one is complete', () => {
  it('swaps in the new folder', () => {
    const dir = tempDir();
    const out = path.join(dir, 'dist', 'Production');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'old.xml'), 'old');
    replaceFolder(out, [{ rel: 'Base.xml', content: 'new' }]);
    expect(readdirSync(out)).toEqual(['Base.xml']);
    expect(readdirSync(path.join(dir, 'dist'))).toEqual(['Production']);
  });

  it('keeps the old folder when writing the new one fails', () => {
    const dir = tempDir();
    const out = path.join(dir, 'dist', 'Production');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'old.xml'), 'old');
    // A NUL byte in a file name makes the write fail half-way through the staging folder.
    expect(() => replaceFolder(out, [{ rel: 'Base.xml', content: 'new' }, { rel: 'bad\u0000.xml', content: 'x' }])).toThrow();
    expect(readdirSync(out)).toEqual(['old.xml']);
    expect(readFileSync(path.join(out, 'old.xml'), 'utf8')).toBe('old');
    expect(readdirSync(path.join(dir, 'dist'))).toEqual(['Production']);
  });
});
