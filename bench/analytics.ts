/**
 * `npm run bench -- analytics [--quick]`: correlation matrix of 500 symbols x 1,000 days (with p-values),
 * Granger tests at lags 1..5 for all 2,450 ordered pairs of 50 symbols, VAR(2) fit on 10 series x 2,000
 * points. Median of three timed rounds after a warm-up (one round with --quick), wall and CPU time. The
 * baseline is the same 500-symbol matrix computed pair by pair with a two-pass Pearson, in the same run.
 */
import { correlationMatrix, pearsonR } from '../platform/analytics/correlation.ts';
import { grangerAllPairs } from '../platform/analytics/granger.ts';
import { factorReturns } from '../platform/analytics/synthetic.ts';
import { fitVar } from '../platform/analytics/var.ts';
import { percentile, round } from './support/stats.ts';

const cpu: Record<string, number> = {};

/** Median wall time of `rounds` runs after a warm-up; the median CPU time (user + system) goes to `cpu[name]`. */
function time(name: string, rounds: number, fn: () => unknown): number {
  fn(); // warm-up: compile the hot paths
  const wall: number[] = [];
  const used: number[] = [];
  for (let r = 0; r < rounds; r++) {
    globalThis.gc?.();
    const start = performance.now();
    const before = process.cpuUsage();
    fn();
    const spent = process.cpuUsage(before);
    wall.push(performance.now() - start);
    used.push((spent.user + spent.system) / 1000);
  }
  cpu[name] = round(percentile(used, 50), 1);
  return round(percentile(wall, 50), 1);
}

export default function analytics(args: readonly string[]): Promise<Record<string, unknown>> {
  const rounds = args.includes('--quick') ? 1 : 3;
  const wide = factorReturns({ symbols: 500, days: 1000, sectors: 11, seed: 1 });
  const fifty = factorReturns({ symbols: 50, days: 1000, sectors: 5, seed: 2 });
  const ten = factorReturns({ symbols: 10, days: 2000, sectors: 3, seed: 3 });

  const corr = time('corr_500x1000_ms', rounds, () =>
    correlationMatrix(wide, 'pearson', 'listwise', { pvalues: false }),
  );
  const corrWithP = time('corr_500x1000_with_pvalues_ms', rounds, () => correlationMatrix(wide, 'pearson', 'listwise'));
  const baseline = time('baseline_corr_500x1000_pairwise_ms', 1, () => {
    for (let i = 0; i < wide.length; i++)
      for (let j = i + 1; j < wide.length; j++) pearsonR(wide[i] ?? [], wide[j] ?? []);
  });
  const names = fifty.map((_, i) => `S${i}`);
  let pairs = 0;
  const granger = time('granger_50_all_pairs_ms', rounds, () => {
    pairs = grangerAllPairs(fifty, names, 5).length;
  });
  const var2 = time('var2_10x2000_ms', rounds, () => fitVar(ten, 2));
  return Promise.resolve({
    bench: 'analytics',
    corr_500x1000_ms: corr,
    granger_50_all_pairs_ms: granger,
    var2_10x2000_ms: var2,
    corr_500x1000_with_pvalues_ms: corrWithP,
    baseline_corr_500x1000_pairwise_ms: baseline,
    granger_pairs: pairs,
    granger_lags_per_pair: 5,
    rounds,
    // CPU time of this process: less sensitive than wall time to other processes sharing the cores.
    cpu_ms: cpu,
  });
}
