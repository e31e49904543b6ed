/**
 * How many observations a statistic rests on, and whether that is enough to read it: every analytics answer
 * carries one `sample` block, so the web app never shows a correlation from 7 returns without saying so.
 */
export interface SampleInfo {
  readonly interval: string;
  /** Returns (or points) the statistics were computed from: common bar starts of every symbol. */
  readonly n: number;
  /** Below this the statistics are shown with a warning. */
  readonly minimum: number;
  readonly sufficient: boolean;
  /** First and last bar start used (epoch ms). */
  readonly from: number | null;
  readonly to: number | null;
  /** A sentence for the user when `sufficient` is false. */
  readonly warning?: string;
}

/**
 * Minimum sample per method. Correlation: 30 returns put the standard error of Fisher's z at 1/sqrt(27) = 0.19,
 * about the width where a 0.5 and a 0.9 are still told apart. Regressions (partial, Granger, VAR) need those
 * 30 degrees of freedom after the parameters they estimate.
 */
export function minimumSample(
  method: 'correlation' | 'partial' | 'granger' | 'var' | 'rolling' | 'view',
  size: { symbols?: number; lags?: number; window?: number; deterministic?: number } = {},
): number {
  const k = size.symbols ?? 2;
  const p = size.lags ?? 1;
  switch (method) {
    case 'correlation':
    case 'view':
      return 30;
    case 'partial':
      return 30 + k;
    case 'granger':
      return 30 + 2 * p + 1;
    case 'var':
      // The VAR's deterministic terms: a constant by default, 0-3 with statsmodels' trend.
      return 30 + k * p + (size.deterministic ?? 1);
    case 'rolling':
      return Math.max(30, 2 * (size.window ?? 30));
  }
}

export function sampleInfo(interval: string, starts: readonly number[], minimum: number, what: string): SampleInfo {
  const n = starts.length;
  const sufficient = n >= minimum;
  return {
    interval,
    n,
    minimum,
    sufficient,
    from: starts[0] ?? null,
    to: starts.at(-1) ?? null,
    ...(sufficient
      ? {}
      : {
          warning: `only ${String(n)} ${interval} returns for ${what}; at least ${String(minimum)} are needed for a reliable estimate, so read these figures as indicative`,
        }),
  };
}
