import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../src/util/diff.js';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', 'f', 'f')).toBe('');
  });

  it('shows a pure insertion with context', () => {
    const a = 'l1\nl2\nl3\nl4\nl5\nl6\n';
    const b = 'l1\nl2\nl3\nNEW1\nNEW2\nl4\nl5\nl6\n';
    expect(unifiedDiff(a, b, 'x.xml', 'x.xml')).toBe('--- a/x.xml\n+++ b/x.xml\n@@ -1,6 +1,8 @@\n l1\n l2\n l3\n+NEW1\n+NEW2\n l4\n l5\n l6\n');
  });

  it('shows a changed line and separate hunks', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
    const b = a.replace('l2\n', 'L2\n').replace('l18\n', 'l18\nadded\n');
    expect(unifiedDiff(a, b, 'f', 'f')).toBe(
      '--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n l1\n-l2\n+L2\n l3\n l4\n l5\n@@ -16,5 +16,6 @@\n l16\n l17\n l18\n+added\n l19\n l20\n',
    );
  });

  it('diffs a new file against /dev/null and keeps CRLF content intact', () => {
    expect(unifiedDiff(undefined, 'a\r\nb', 'n.xml', 'n.xml')).toBe('--- /dev/null\n+++ b/n.xml\n@@ -0,0 +1,2 @@\n+a\n+b\n\\ No newline at end of file\n');
  });
});
