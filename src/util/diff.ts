/** One line-level change script entry. */
type Op = { kind: ' ' | '-' | '+'; line: string };

/** Splits keeping each line's ending, so CRLF files diff correctly and round-trip. */
function splitLines(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** Myers' O(ND) shortest edit script over lines. */
function diffLines(a: string[], b: string[]): Op[] {
  // Common prefix and suffix first: inject diffs are mostly pure insertions.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const n = A.length;
  const m = B.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= max && !done; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? v[max + k + 1]! : v[max + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && A[x] === B[y]) x++, y++;
      v[max + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
  }
  const middle: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[max + k - 1]! < vd[max + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[max + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      middle.push({ kind: ' ', line: A[x]! });
    }
    if (d > 0) {
      if (x === prevX) middle.push({ kind: '+', line: B[--y]! });
      else middle.push({ kind: '-', line: A[--x]! });
    }
  }
  middle.reverse();
  return [...a.slice(0, pre).map((line) => ({ kind: ' ' as const, line })), ...middle, ...a.slice(a.length - suf).map((line) => ({ kind: ' ' as const, line }))];
}

/** A unified diff (3 lines of context) of two texts, or '' when equal. `undefined` old text means a new file. */
export function unifiedDiff(oldText: string | undefined, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return '';
  const a = oldText === undefined ? [] : splitLines(oldText);
  const b = splitLines(newText);
  const ops = diffLines(a, b);
  const out: string[] = [`--- ${oldText === undefined ? '/dev/null' : `a/${oldName}`}\n`, `+++ b/${newName}\n`];
  const show = (line: string) => {
    const body = line.replace(/\r?\n$|\r$/, '');
    return line.endsWith('\n') || line.endsWith('\r') ? `${body}\n` : `${body}\n\\ No newline at end of file\n`;
  };
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === ' ') {
      i++;
      continue;
    }
    // Grow a hunk while changes are within 2*context lines of each other.
    let start = Math.max(0, i - context);
    let end = i;
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]!.kind === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    let aStart = 0;
    let bStart = 0;
    for (let j = 0; j < start; j++) {
      if (ops[j]!.kind !== '+') aStart++;
      if (ops[j]!.kind !== '-') bStart++;
    }
    const hunk = ops.slice(start, stop);
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@\n`);
    for (const o of hunk) out.push(o.kind + show(o.line));
    i = stop;
    start = stop;
  }
  return out.join('');
}
