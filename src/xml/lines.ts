/** Maps UTF-16 offsets to 1-based line:column. Built on first use; a BOM does not count as a column. */
export class LineIndex {
  private starts: Uint32Array | undefined;
  constructor(private readonly text: string) {}

  /** Offsets where lines start, counted first so the array is exact (a large file has 10^5+ lines). */
  private lineStarts(): Uint32Array {
    if (this.starts) return this.starts;
    const t = this.text;
    if (!hasLoneCr(t)) {
      // LF or CRLF only (almost every file): native searches.
      let count = 1;
      for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) count++;
      const starts = new Uint32Array(count);
      let k = 1;
      for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts[k++] = i + 1;
      return (this.starts = starts);
    }
    const list: number[] = [0];
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 10) list.push(i + 1);
      else if (c === 13) {
        if (t.charCodeAt(i + 1) === 10) i++;
        list.push(i + 1);
      }
    }
    return (this.starts = Uint32Array.from(list));
  }

  position(offset: number): { line: number; column: number } {
    const starts = this.lineStarts();
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    let column = o - starts[lo]! + 1;
    if (lo === 0 && this.text.charCodeAt(0) === 0xfeff && o > 0) column -= 1;
    return { line: lo + 1, column };
  }

  /** Offset of the first character of a 1-based line (clamped). */
  lineStart(line: number): number {
    const starts = this.lineStarts();
    const i = Math.max(0, Math.min(line - 1, starts.length - 1));
    const s = starts[i]!;
    return i === 0 && this.text.charCodeAt(0) === 0xfeff ? 1 : s;
  }

  /** Offset just past the last character of the line that holds `offset` (before its line break). */
  lineEnd(offset: number): number {
    const t = this.text;
    let i = Math.max(0, offset);
    while (i < t.length && t.charCodeAt(i) !== 10 && t.charCodeAt(i) !== 13) i++;
    return i;
  }
}

/** A CR not followed by LF (old Mac line ends): rare, and it needs the slower scan. */
function hasLoneCr(t: string): boolean {
  for (let i = t.indexOf('\r'); i >= 0; i = t.indexOf('\r', i + 1)) if (t.charCodeAt(i + 1) !== 10) return true;
  return false;
}
