/** Period returns from a price series; a non-finite or non-positive price yields NaN (missing) returns. */
import { exactLog } from './exact-log.ts';

export type ReturnKind = 'log' | 'simple';

function valid(p: number | undefined): p is number {
  return p !== undefined && Number.isFinite(p) && p > 0;
}

/**
 * r[t] = ln(p[t+1]) - ln(p[t]), dated by the later price; length n - 1. The logarithms correctly rounded, as
 * numpy's (glibc's), so returns that tie in numpy tie here (ranks, Spearman, Kendall).
 */
export function logReturns(prices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, prices.length - 1));
  for (let t = 0; t < out.length; t++) {
    const a = prices[t];
    const b = prices[t + 1];
    out[t] = valid(a) && valid(b) ? exactLog(b) - exactLog(a) : Number.NaN;
  }
  return out;
}

/** r[t] = p[t+1] / p[t] - 1; length n - 1. */
export function simpleReturns(prices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, prices.length - 1));
  for (let t = 0; t < out.length; t++) {
    const a = prices[t];
    const b = prices[t + 1];
    out[t] = valid(a) && valid(b) ? b / a - 1 : Number.NaN;
  }
  return out;
}

export function returns(prices: ArrayLike<number>, kind: ReturnKind): Float64Array {
  return kind === 'log' ? logReturns(prices) : simpleReturns(prices);
}
