/** Seeded synthetic series with known structure, for tests, the benchmark and demos. */
import { seededRandom } from '../random/seeded.ts';

/** Seeded uniforms in [0, 1). */
export const seededUniform = seededRandom;

/** Seeded standard normal draws (Box-Muller on seededUniform). */
export function seededGaussian(seed: number): () => number {
  const uniform = seededUniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Simulates y_t = c + sum_l A_l y_{t-l} + sigma * e_t (e standard normal, independent), after a burn-in. */
export function simulateVar(options: {
  coefs: number[][][];
  intercept: number[];
  sigma: number;
  n: number;
  seed: number;
}): Float64Array[] {
  const { coefs, intercept, sigma, n, seed } = options;
  const k = intercept.length;
  const p = coefs.length;
  const gauss = seededGaussian(seed);
  const burn = 200;
  const cols = Array.from({ length: k }, () => new Float64Array(n + burn));
  for (let t = p; t < n + burn; t++) {
    for (let i = 0; i < k; i++) {
      let v = (intercept[i] ?? 0) + sigma * gauss();
      for (let l = 1; l <= p; l++)
        for (let j = 0; j < k; j++) v += (coefs[l - 1]?.[i]?.[j] ?? 0) * (cols[j]?.[t - l] ?? 0);
      const col = cols[i];
      if (col) col[t] = v;
    }
  }
  return cols.map((c) => c.slice(burn));
}

/**
 * Daily returns of `symbols` stocks driven by one market factor and `sectors` sector factors:
 * r = beta * market + 0.5 * sector + idiosyncratic, each column a Float64Array of length `days`.
 */
export function factorReturns(options: {
  symbols: number;
  days: number;
  sectors: number;
  seed: number;
}): Float64Array[] {
  const gauss = seededGaussian(options.seed);
  const market = Float64Array.from({ length: options.days }, () => 0.01 * gauss());
  const sector = Array.from({ length: options.sectors }, () =>
    Float64Array.from({ length: options.days }, () => 0.008 * gauss()),
  );
  return Array.from({ length: options.symbols }, (_, s) => {
    const beta = 0.5 + (s % 7) / 6;
    const own = sector[s % options.sectors] ?? new Float64Array(options.days);
    return Float64Array.from(
      { length: options.days },
      (_, t) => beta * (market[t] ?? 0) + 0.5 * (own[t] ?? 0) + 0.012 * gauss(),
    );
  });
}
