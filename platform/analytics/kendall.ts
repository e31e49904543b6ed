/**
 * Kendall's tau as scipy 1.10 `stats.kendalltau(x, y, variant, method, alternative)`: tau-b (Kendall 1945) or
 * tau-c (Stuart 1953), the asymptotic p-value from the tie-corrected variance or the exact permutation
 * distribution (no ties only), and scipy's 'auto' rule between them.
 */
import { normalPValue, type Alternative } from './distributions.ts';
import { AnalyticsInputError, requireLength } from './errors.ts';

export type KendallVariant = 'b' | 'c';
export type KendallMethod = 'auto' | 'exact' | 'asymptotic';
export interface KendallOptions {
  readonly variant?: KendallVariant;
  readonly method?: KendallMethod;
  readonly alternative?: Alternative;
}
export interface KendallResult {
  readonly r: number;
  readonly pvalue: number;
  readonly n: number;
  /** The p-value method used ('auto' resolved). */
  readonly method: 'exact' | 'asymptotic';
}

/** Tie statistics of one series: tied pairs, sum t(t-1)(t-2), sum t(t-1)(2t+5) over tie groups, distinct values. */
function tieStats(x: ArrayLike<number>): { pairs: number; v1: number; v2: number; distinct: number } {
  const counts = new Map<number, number>();
  for (let i = 0; i < x.length; i++) {
    const v = x[i] ?? 0;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  let pairs = 0;
  let v1 = 0;
  let v2 = 0;
  for (const t of counts.values()) {
    if (t < 2) continue;
    pairs += (t * (t - 1)) / 2;
    v1 += t * (t - 1) * (t - 2);
    v2 += t * (t - 1) * (2 * t + 5);
  }
  return { pairs, v1, v2, distinct: counts.size };
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/**
 * Exact p-value of c concordant pairs among n untied points (scipy `_kendall_p_exact`, after Kendall's
 * "Rank Correlation Methods", 1970): the number of permutations with at most c inversions, by the same
 * recursion and in the same floating-point order as scipy (numpy's pairwise final sum aside).
 */
export function kendallExactPValue(n: number, concordant: number, alternative: Alternative = 'two-sided'): number {
  const total = (n * (n - 1)) / 2;
  const inRightTail = concordant >= total - concordant;
  const c = Math.min(concordant, total - concordant);
  if (!(n > 0) || c < 0 || 4 * c > n * (n - 1)) throw new RangeError(`exact Kendall p: bad n ${n} or c ${c}`);
  let prob: number;
  let massAtC = 0;
  if (n === 1) {
    prob = 1;
    massAtC = 1;
  } else if (n === 2) {
    prob = 1;
    massAtC = 0.5;
  } else if (c === 0) {
    prob = n < 171 ? 2 / factorial(n) : 0;
    massAtC = prob / 2;
  } else if (c === 1) {
    prob = n < 172 ? 2 / factorial(n - 1) : 0;
    massAtC = (n - 1) / factorial(n);
  } else if (4 * c === n * (n - 1) && alternative === 'two-sided') {
    prob = 1;
  } else {
    // Counts (n < 171) or probabilities (larger n, divided by j at each step to stay finite) of permutations
    // of 1..j with exactly i inversions, i = 0..c.
    const scaled = n >= 171;
    const cur = new Float64Array(c + 1);
    cur[0] = 1;
    cur[1] = 1;
    for (let j = 3; j <= n; j++) {
      let run = 0;
      for (let i = 0; i <= c; i++) {
        run += cur[i] ?? 0;
        cur[i] = scaled ? run / j : run;
      }
      // numpy's `new[j:] -= new[:c+1-j]` reads the values before the update: descending order does the same.
      for (let i = c; i >= j; i--) cur[i] = (cur[i] ?? 0) - (cur[i - j] ?? 0);
    }
    let sum = 0;
    for (const v of cur) sum += v;
    if (scaled) {
      prob = sum;
      massAtC = (cur[c] ?? 0) / 2;
    } else {
      const f = factorial(n);
      prob = (2 * sum) / f;
      massAtC = (cur[c] ?? 0) / f;
    }
  }
  if (alternative !== 'two-sided') {
    prob = inRightTail === (alternative === 'greater') ? prob / 2 : 1 - prob / 2 + massAtC;
  }
  return Math.min(1, Math.max(0, prob));
}

/**
 * Kendall's tau of a pair and its p-value. Pairs are counted directly, O(n^2): fine for the few thousand
 * points a request carries (the REST API bounds symbols x points). 'auto' takes the exact p-value when
 * neither series has ties and n <= 33 or at most one pair is discordant (or concordant), as scipy does;
 * asking for 'exact' with ties is an error there and here.
 */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>, options: KendallOptions = {}): KendallResult {
  const { variant = 'b', method = 'auto', alternative = 'two-sided' } = options;
  if (x.length !== y.length) throw new AnalyticsInputError(`series lengths differ: ${x.length} and ${y.length}`);
  requireLength('correlation', x.length, 2);
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i] ?? 0;
    const yi = y[i] ?? 0;
    for (let j = i + 1; j < n; j++) {
      const p = ((x[j] ?? 0) - xi) * ((y[j] ?? 0) - yi);
      if (p > 0) concordant++;
      else if (p < 0) discordant++;
    }
  }
  const tx = tieStats(x);
  const ty = tieStats(y);
  const total = (n * (n - 1)) / 2;
  const nan = { r: Number.NaN, pvalue: Number.NaN, n, method: 'asymptotic' } as const;
  if (tx.pairs === total || ty.pairs === total) return nan;
  const s = concordant - discordant;
  const minClasses = Math.min(tx.distinct, ty.distinct);
  const raw =
    variant === 'b'
      ? s / Math.sqrt(total - tx.pairs) / Math.sqrt(total - ty.pairs)
      : (2 * s) / ((n * n * (minClasses - 1)) / minClasses);
  const r = Math.min(1, Math.max(-1, raw));
  const untied = tx.pairs === 0 && ty.pairs === 0;
  if (method === 'exact' && !untied)
    throw new AnalyticsInputError('Kendall exact p-value: the series have ties (scipy refuses them too)');
  const exact =
    method === 'exact' || (method === 'auto' && untied && (n <= 33 || Math.min(discordant, total - discordant) <= 1));
  if (exact) {
    // scipy's untied "concordant" count is tot - dis: with no ties every non-discordant pair is concordant.
    return { r, pvalue: kendallExactPValue(n, total - discordant, alternative), n, method: 'exact' };
  }
  const m = n * (n - 1);
  const variance =
    (m * (2 * n + 5) - tx.v2 - ty.v2) / 18 + (2 * tx.pairs * ty.pairs) / m + (tx.v1 * ty.v1) / (9 * m * (n - 2));
  const pvalue = n > 2 ? normalPValue(s / Math.sqrt(variance), alternative) : Number.NaN;
  return { r, pvalue, n, method: 'asymptotic' };
}
