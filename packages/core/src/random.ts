import { ConfigError } from './errors';

/**
 * Seeded pseudo-random numbers for everything random in biofuse (simulators, splits, trials),
 * so the same seed gives the same numbers on every machine. sfc32 seeded through splitmix32:
 * small, fast, and good enough for simulation (not for cryptography).
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller; the spare value is kept). */
  normal(): number;
  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[];
}

/** The largest seed: the generator keeps 32 bits, so a larger one would wrap onto a smaller one's numbers. */
export const MAX_SEED = 2 ** 32 - 1;

/** Whether a value is a seed every generator reads the same way: a whole number in [0, MAX_SEED]. */
export function isSeed(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_SEED;
}

/** Throws a ConfigError unless `value` is a seed (isSeed); `what` names it in the message ("impression seed"). */
export function checkSeed(value: unknown, what: string): asserts value is number {
  if (!isSeed(value)) throw new ConfigError(`${what} must be a whole number in [0, ${MAX_SEED}], got ${String(value)}`);
}

export function seededRandom(seed: number): Random {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  let spare: number | undefined;
  const random: Random = {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return v;
      }
      let u = 0;
      while (u === 0) u = next();
      const r = Math.sqrt(-2 * Math.log(u));
      const theta = 2 * Math.PI * next();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
  return random;
}
