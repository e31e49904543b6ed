import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { backtest, fitForecaster } from '../detectors/forecast/index.ts';
import type { Point } from '../detectors/series.ts';
import { nabFiles, readNabCsv } from './forecast/nab-series.ts';
import { round } from './support/stats.ts';

/**
 * Rolling-origin backtest of the load forecaster on the NAB development subset's realTraffic and
 * realAWSCloudwatch series (values only). Per horizon: MASE (scaled by each origin's in-sample MAE of
 * the one-step seasonal-naive forecast with a daily cycle), sMAPE, two baselines scored at the same
 * origins with the same scale (seasonal-naive, and the last value, the fair one at a few steps), and the
 * coverage of the 80% and 95% intervals. Figures are means over series (each series weighs the same),
 * all over the same series: a series with any non-finite figure is dropped whole and named.
 */
const argsSchema = z.object({
  data: z.string().default(new URL('../../shared/data/nab/data', import.meta.url).pathname),
  horizons: z
    .string()
    .default('1,2,3,4,5,6,12,48')
    .transform((s) => s.split(',').map(Number))
    .pipe(z.array(z.number().int().min(1).max(2016)).min(1)),
  origins: z.coerce.number().int().min(1).max(1000).default(48),
  quick: z.boolean().default(false),
});

export default function forecastBench(args: readonly string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      data: { type: 'string' },
      horizons: { type: 'string' },
      origins: { type: 'string' },
      quick: { type: 'boolean' },
    },
  });
  const options = argsSchema.parse(values);
  const files = nabFiles(options.data, ['realTraffic', 'realAWSCloudwatch']);
  const chosen = options.quick ? files.filter((_, i) => i % 4 === 0) : files;
  const origins = options.quick ? 4 : options.origins;
  const maxStep = Math.max(...options.horizons);
  const started = performance.now();
  const lastValue = (history: readonly Point[]) => {
    const value = history.at(-1)?.value ?? Number.NaN;
    return () => value;
  };
  const scored = chosen.map((file) => {
    const points = readNabCsv(file);
    const backtestOptions = { horizons: options.horizons, origins };
    const model = backtest(
      points,
      (history) => fitForecaster(history, { maxSteps: maxStep }).forecastAt,
      backtestOptions,
    );
    // The same origins and scale (both depend only on the series and the options), another method.
    const last = backtest(points, lastValue, backtestOptions);
    const horizons = model.horizons.map((h, i) => ({
      ...h,
      lastValueMase: last.horizons[i]?.mase ?? Number.NaN,
      lastValueSmape: last.horizons[i]?.smape ?? Number.NaN,
    }));
    return { file: basename(file), horizons };
  });
  const fields = [
    'mase',
    'smape',
    'baselineMase',
    'baselineSmape',
    'lastValueMase',
    'lastValueSmape',
    'coverage80',
    'coverage95',
  ] as const;
  const complete = (s: (typeof scored)[number]): boolean =>
    s.horizons.every((h) => fields.every((f) => Number.isFinite(h[f])));
  const perSeries = scored.filter(complete);
  const dropped = scored.filter((s) => !complete(s)).map((s) => s.file);
  const field = (key: (typeof fields)[number]): number[] =>
    options.horizons.map((_, i) => {
      const xs = perSeries.map((s) => s.horizons[i]?.[key] ?? Number.NaN);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    });
  const mase = field('mase');
  const smapes = field('smape');
  const baselineMase = field('baselineMase');
  const baselineSmape = field('baselineSmape');
  const lastMase = field('lastValueMase');
  const lastSmape = field('lastValueSmape');
  const cov80 = field('coverage80');
  const cov95 = field('coverage95');
  for (const s of perSeries) {
    process.stderr.write(
      `${s.file}: ${s.horizons.map((h) => `h${String(h.steps)} mase ${round(h.mase, 2)}/${round(h.baselineMase, 2)}/${round(h.lastValueMase, 2)}`).join(', ')}\n`,
    );
  }
  return Promise.resolve({
    bench: 'forecast',
    series: perSeries.length,
    dropped_series: dropped,
    origins_per_series: origins,
    mase_scale: 'in-sample MAE of the one-step seasonal-naive forecast (daily cycle) at each origin',
    horizons: options.horizons.map((steps, i) => ({
      steps,
      mase: round(mase[i] ?? Number.NaN),
      smape: round(smapes[i] ?? Number.NaN),
      seasonal_naive_mase: round(baselineMase[i] ?? Number.NaN),
      seasonal_naive_smape: round(baselineSmape[i] ?? Number.NaN),
      last_value_mase: round(lastMase[i] ?? Number.NaN),
      last_value_smape: round(lastSmape[i] ?? Number.NaN),
      coverage_80: round(cov80[i] ?? Number.NaN),
      coverage_95: round(cov95[i] ?? Number.NaN),
    })),
    seconds: round((performance.now() - started) / 1000, 1),
  });
}
