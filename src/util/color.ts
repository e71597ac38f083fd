import { Chalk, type ChalkInstance } from 'chalk';

/** Colour for a stream: FORCE_COLOR wins, then NO_COLOR (any non-empty value), then whether it is a terminal. */
export function colorFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') {
    return new Chalk({ level: env.FORCE_COLOR === '' || env.FORCE_COLOR === 'true' ? 1 : (Math.min(3, Number(env.FORCE_COLOR) || 1) as 1 | 2 | 3) });
  }
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false' || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return new Chalk({ level: 0 });
  return new Chalk({ level: stream.isTTY ? 1 : 0 });
}
