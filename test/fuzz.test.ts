import fc from 'fast-check';
import { expect, it } from 'vitest';
import { buildSet, type Files, readFlavour } from './helpers/policy-set.js';
import { describeShared } from './helpers/shared.js';
import { runRules } from '../src/rules/engine.js';
import { RULES } from '../src/rules/index.js';
import { planInjection } from '../src/totp/inject.js';

/** CI runs a bounded number of cases; `npm run fuzz` sets B2C_TOTP_FUZZ_RUNS much higher. */
const RUNS = Number(process.env.B2C_TOTP_FUZZ_RUNS ?? 60);

type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'delete'; at: number }
  | { kind: 'shuffle'; at: number; seed: number }
  | { kind: 'insert'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('shuffle' as const), at: fc.nat(), seed: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom('<', '&', '"', '<!DOCTYPE x [<!ENTITY a "b">]>', '\u200B', '{Settings:Tenant}', ']]>', '<!--', '\u0000', '<X/>'),
  }),
);

/** Start offsets of every element start tag: where structural mutations apply. */
function elementStarts(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/<[A-Za-z]/g)) out.push(m.index);
  return out;
}

/** The element (by naive tag matching) starting at `start`, or undefined. */
function elementAt(text: string, start: number): [number, number] | undefined {
  const name = /^<([A-Za-z][\w.-]*)/.exec(text.slice(start))?.[1];
  if (!name) return undefined;
  const selfClose = text.indexOf('/>', start);
  const tagEnd = text.indexOf('>', start);
  if (selfClose >= 0 && selfClose + 1 === tagEnd + 1 && selfClose < tagEnd + 1) return [start, tagEnd + 1];
  const close = text.indexOf(`</${name}>`, start);
  return close < 0 ? undefined : [start, close + name.length + 3];
}

function apply(text: string, m: Mutation): string {
  const starts = elementStarts(text);
  switch (m.kind) {
    case 'flip': {
      const buf = Buffer.from(text, 'utf8');
      buf[m.at % buf.length] = m.byte;
      return buf.toString('latin1'); // keep the flipped byte visible as a character
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    default: {
      const el = starts.length ? elementAt(text, starts[m.at % starts.length]!) : undefined;
      if (!el) return text;
      const [a, b] = el;
      if (m.kind === 'duplicate') return text.slice(0, b) + text.slice(a, b) + text.slice(b);
      if (m.kind === 'delete') return text.slice(0, a) + text.slice(b);
      // shuffle the attributes of the start tag
      const tagEnd = text.indexOf('>', a);
      const tag = text.slice(a, tagEnd);
      const attrs = tag.match(/\s+[\w:.-]+="[^"]*"/g) ?? [];
      const rotated = attrs.map((_, i) => attrs[(i + m.seed) % attrs.length]!);
      const head = tag.replace(/\s+[\w:.-]+="[^"]*"/g, '');
      return text.slice(0, a) + head + rotated.join('') + text.slice(tagEnd);
    }
  }
}

describeShared('fuzz: mutated starter-pack policies never make lint or inject throw or hang', () => {
  const base = readFlavour('SocialAndLocalAccounts');
  const names = Object.keys(base);

  it(`survives ${RUNS} random mutation sequences`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(mutation, { minLength: 1, maxLength: 4 }), (file, ms) => {
        const files: Files = { ...base, [file]: ms.reduce(apply, base[file]!) };
        const set = buildSet(files);
        const diagnostics = runRules(RULES, set, { ready: false });
        // inject on the same broken input: a plan or clear problems, never an exception.
        const plan = planInjection(set, { mode: ms.length % 2 ? 'inline' : 'layer', issuer: 'Contoso' });
        expect(plan.problems.length > 0 || plan.changes.length > 0 || plan.notes.length > 0 || plan.relyingParties.length > 0).toBe(true);
        for (const r of plan.relyingParties) if (r.status === 'skipped') expect(r.reason).toMatch(/\S/);
        for (const d of diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.message).not.toBe('');
        }
      }),
      { numRuns: RUNS },
    );
    console.log(`fuzz: ${RUNS} mutated policy sets linted and injected without an exception`);
  }, 10_000 + RUNS * 50);
});
