/**
 * Bounded quoting of users' values in messages. A value can be megabytes long (a 5 MB attribute): a message
 * shows at most about QUOTE_MAX characters of it, cut with an ellipsis; the diagnostic's location still
 * points at the whole value.
 */
export const QUOTE_MAX = 100;

/** Bound on a whole message, whatever a rule puts in it (the engine cuts longer ones). */
export const MESSAGE_MAX = 1000;

/** The value, cut to QUOTE_MAX characters (ellipsis included) when longer. Never splits a surrogate pair. */
export function clip(value: string, max = QUOTE_MAX): string {
  if (value.length <= max) return value;
  let end = max - 1;
  const c = value.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // a high surrogate whose pair would be cut off
  return `${value.slice(0, end)}…`;
}

/** `'value'`, clipped: the one way rules quote a user's value in a message. */
export function quote(value: string, max = QUOTE_MAX): string {
  return `'${clip(value, max)}'`;
}

/** Items joined with ', ', at most `max` of them, then "and N more": lists of files or ids stay short. */
export function list(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).map((i) => clip(i));
  return items.length > max ? `${shown.join(', ')} and ${items.length - max} more` : shown.join(', ');
}

const QUOTED = /'([^'\n]*)'/g;

/**
 * The safety net behind `quote`: a message longer than MESSAGE_MAX gets its quoted values clipped, and is cut
 * there if still too long. Shorter messages are left alone (pairing quotes is a guess: "policy's" has one).
 */
export function boundMessage(message: string): string {
  if (message.length <= MESSAGE_MAX) return message;
  const m = message.replace(QUOTED, (whole, v: string) => (v.length > QUOTE_MAX ? quote(v) : whole));
  return m.length > MESSAGE_MAX ? clip(m, MESSAGE_MAX) : m;
}
