/**
 * Finds where a JSON path (e.g. ["rules", "REF-001"]) sits in the source text, so config errors can
 * point at file:line:column. A small scanner: the text is known to be valid JSON when this is called.
 */
export function jsonPathOffset(text: string, path: ReadonlyArray<string | number>): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const skipString = () => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const readString = () => {
    const start = i;
    skipString();
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = (): void => {
    ws();
    const c = text[i];
    if (c === '"') return skipString();
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      while (i < text.length && text[i] !== close) {
        if (c === '{') {
          readString();
          ws();
          i++; // ':'
        }
        skipValue();
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
      return;
    }
    while (i < text.length && !/[\s,}\]]/.test(text[i]!)) i++;
  };
  let best = 0;
  ws();
  for (const key of path) {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      let found = false;
      for (;;) {
        ws();
        if (text[i] !== '"') break;
        const keyStart = i;
        const k = readString();
        ws();
        i++; // ':'
        if (k === String(key)) {
          best = keyStart;
          found = true;
          ws();
          break;
        }
        skipValue();
        ws();
        if (text[i] === ',') i++;
      }
      if (!found) return best;
    } else if (c === '[' && typeof key === 'number') {
      i++;
      for (let n = 0; n < key; n++) {
        skipValue();
        ws();
        if (text[i] === ',') i++;
      }
      ws();
      best = i;
    } else return best;
  }
  return best;
}
