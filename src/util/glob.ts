/**
 * Minimal glob matching for `ignore` patterns (Node 20 has no path.matchesGlob):
 * `**` spans folders, `*` and `?` stay within one segment. A pattern without `/` matches a
 * file or folder name at any depth; a pattern naming a folder also ignores everything below it.
 */
export function globToRegExp(pattern: string): RegExp {
  let p = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  const anywhere = !p.includes('/') || p.startsWith('**/');
  p = p.replace(/^\*\*\//, '').replace(/\/$/, '');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        i++;
        if (p[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${anywhere ? '(?:.*/)?' : ''}${re}(?:/.*)?$`);
}

export function globMatcher(patterns: readonly string[]): (relPath: string) => boolean {
  if (patterns.length === 0) return () => false;
  const res = patterns.map(globToRegExp);
  return (p) => res.some((r) => r.test(p));
}
