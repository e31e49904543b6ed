/**
 * Causality graph of a set of symbols: a directed edge cause -> effect where Granger causality is significant.
 * 'pairwise' runs the bivariate test (grangercausalitytests' ssr F test) for every ordered pair; 'var' fits one
 * VAR on all symbols and uses test_causality per pair, which conditions on every other symbol. P-values can be
 * adjusted for the k(k-1) tests by Benjamini-Hochberg (false discovery rate).
 */
import { fIsf } from './distributions.ts';
import { AnalyticsInputError } from './errors.ts';
import { grangerAllPairs } from './granger.ts';
import { fitVar, selectOrder, testCausality } from './var.ts';
import type { VarTrend } from './var-trend.ts';

export interface CausalityEdge {
  readonly from: string;
  readonly to: string;
  readonly F: number;
  readonly pvalue: number;
  /** The p-value after the multiple-testing adjustment (equal to pvalue with 'none'). */
  readonly adjustedPvalue: number;
  /** F over its critical value at alpha: above 1 is significant; larger is stronger evidence. */
  readonly strength: number;
}

export interface CausalityGraph {
  readonly method: 'pairwise' | 'var';
  readonly lag: number;
  readonly alpha: number;
  readonly adjustment: 'none' | 'bh';
  readonly tests: number;
  readonly nodes: { id: string; outDegree: number; inDegree: number }[];
  readonly edges: CausalityEdge[];
}

export interface CausalityGraphOptions {
  readonly method: 'pairwise' | 'var';
  /** A fixed lag, or 'aic': the VAR AIC order on all the symbols (at least 1) up to maxlag. */
  readonly lag: number | 'aic';
  readonly maxlag: number;
  readonly alpha: number;
  readonly adjustment: 'none' | 'bh';
  /** statsmodels' VAR trend of method 'var' and of the AIC lag choice (default 'c'); pairwise tests fit a constant. */
  readonly trend?: VarTrend;
}

/** Benjamini-Hochberg adjusted p-values (step-up, monotone, capped at 1). */
export function benjaminiHochberg(pvalues: readonly number[]): number[] {
  const m = pvalues.length;
  const order = pvalues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const out = new Array<number>(m).fill(1);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const item = order[r];
    if (!item) continue;
    running = Math.min(running, (item.p * m) / (r + 1));
    out[item.i] = Math.min(1, running);
  }
  return out;
}

export function causalityGraph(
  series: readonly ArrayLike<number>[],
  names: readonly string[],
  options: CausalityGraphOptions,
): CausalityGraph {
  if (series.length < 2)
    throw new AnalyticsInputError(`a causality graph needs at least 2 symbols, got ${series.length}`);
  if (!(options.alpha > 0 && options.alpha < 1))
    throw new AnalyticsInputError(`alpha must be in (0, 1), got ${options.alpha}`);
  const trend = options.trend ?? 'c';
  if (options.method === 'pairwise' && trend !== 'c')
    throw new AnalyticsInputError(
      `trend '${trend}' applies to method 'var' only: the pairwise tests (grangercausalitytests) fit a constant`,
    );
  const lag =
    options.lag === 'aic' ? Math.max(1, selectOrder(series, options.maxlag, trend).selected_orders.aic) : options.lag;
  const raw: { from: string; to: string; F: number; pvalue: number; d1: number; d2: number }[] = [];
  if (options.method === 'pairwise') {
    for (const result of grangerAllPairs(series, names, lag)) {
      const test = result.lags[lag - 1]?.ssr_ftest;
      if (test)
        raw.push({
          from: result.cause,
          to: result.effect,
          F: test.F,
          pvalue: test.pvalue,
          d1: test.df_num,
          d2: test.df_denom,
        });
    }
  } else {
    const fit = fitVar(series, lag, names, trend);
    for (const to of names) {
      for (const from of names) {
        if (from === to) continue;
        const test = testCausality(fit, [to], [from], 'f', options.alpha);
        const [d1, d2] = Array.isArray(test.df) ? test.df : [test.df, Infinity];
        raw.push({ from, to, F: test.test_statistic, pvalue: test.pvalue, d1, d2 });
      }
    }
  }
  const adjusted = options.adjustment === 'bh' ? benjaminiHochberg(raw.map((r) => r.pvalue)) : raw.map((r) => r.pvalue);
  const edges: CausalityEdge[] = [];
  raw.forEach((r, i) => {
    const q = adjusted[i] ?? 1;
    if (q >= options.alpha) return;
    edges.push({
      from: r.from,
      to: r.to,
      F: r.F,
      pvalue: r.pvalue,
      adjustedPvalue: q,
      strength: r.F / fIsf(options.alpha, r.d1, r.d2),
    });
  });
  edges.sort((a, b) => a.adjustedPvalue - b.adjustedPvalue);
  const nodes = names.map((id) => ({
    id,
    outDegree: edges.filter((e) => e.from === id).length,
    inDegree: edges.filter((e) => e.to === id).length,
  }));
  return {
    method: options.method,
    lag,
    alpha: options.alpha,
    adjustment: options.adjustment,
    tests: raw.length,
    nodes,
    edges,
  };
}
