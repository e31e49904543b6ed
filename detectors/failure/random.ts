/** Seeded pseudo-random numbers (mulberry32) so simulated runs are reproducible. */
import { seededRandom } from '../../platform/random/seeded.ts';

export interface Random {
  readonly uniform: (lo?: number, hi?: number) => number;
  readonly normal: () => number;
  readonly int: (lo: number, hi: number) => number;
  readonly chance: (p: number) => boolean;
}

export function createRandom(seed: number): Random {
  const next = seededRandom(seed);
  return {
    uniform: (lo = 0, hi = 1) => lo + (hi - lo) * next(),
    normal: () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next()),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
  };
}
