/** Period returns from a price series; a non-finite or non-positive price yields NaN (missing) returns. */
export type ReturnKind = 'log' | 'simple';
/** The natural logarithm used: Math.log (live data), or `exactLog` where numpy's returns must be matched. */
export type Log = (x: number) => number;

function valid(p: number | undefined): p is number {
  return p !== undefined && Number.isFinite(p) && p > 0;
}

/**
 * r[t] = ln(p[t+1]) - ln(p[t]), dated by the later price; length n - 1. With `exactLog` the logarithms are
 * rounded as numpy's (glibc's), so returns that tie in numpy tie here (ranks, Spearman, Kendall); Math.log is
 * cheaper and one unit in the last place off for 2% of prices.
 */
export function logReturns(prices: ArrayLike<number>, log: Log = Math.log): Float64Array {
  const out = new Float64Array(Math.max(0, prices.length - 1));
  for (let t = 0; t < out.length; t++) {
    const a = prices[t];
    const b = prices[t + 1];
    out[t] = valid(a) && valid(b) ? log(b) - log(a) : Number.NaN;
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

export function returns(prices: ArrayLike<number>, kind: ReturnKind, log: Log = Math.log): Float64Array {
  return kind === 'log' ? logReturns(prices, log) : simpleReturns(prices);
}
