import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { backtest, fitForecaster } from '../detectors/forecast/index.ts';
import { nabFiles, readNabCsv } from './forecast/nab-series.ts';
import { round } from './support/stats.ts';

/**
 * Rolling-origin backtest of the load forecaster on the NAB development subset's realTraffic and
 * realAWSCloudwatch series (values only). Per horizon: MASE (scaled by each origin's in-sample MAE of
 * the one-step seasonal-naive forecast with a daily cycle), sMAPE, the seasonal-naive baseline's sMAPE
 * and MASE, and the coverage of the 80% and 95% intervals. Figures are means over series (each series
 * weighs the same).
 */
const argsSchema = z.object({
  data: z.string().default(new URL('../../shared/data/nab/data', import.meta.url).pathname),
  horizons: z
    .string()
    .default('1,6,12,48')
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
  const perSeries = chosen.map((file) => {
    const points = readNabCsv(file);
    const result = backtest(points, (history) => fitForecaster(history, { maxSteps: maxStep }).forecastAt, {
      horizons: options.horizons,
      origins,
    });
    return { file: basename(file), result };
  });
  const mean = (pick: (i: number, s: (typeof perSeries)[number]) => number): number[] =>
    options.horizons.map((_, i) => {
      const xs = perSeries.map((s) => pick(i, s)).filter(Number.isFinite);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    });
  const field = (key: 'mase' | 'smape' | 'baselineMase' | 'baselineSmape' | 'coverage80' | 'coverage95') =>
    mean((i, s) => s.result.horizons[i]?.[key] ?? Number.NaN);
  const mase = field('mase');
  const smapes = field('smape');
  const baselineMase = field('baselineMase');
  const baselineSmape = field('baselineSmape');
  const cov80 = field('coverage80');
  const cov95 = field('coverage95');
  for (const s of perSeries) {
    process.stderr.write(
      `${s.file}: ${s.result.horizons.map((h) => `h${String(h.steps)} mase ${round(h.mase, 2)}/${round(h.baselineMase, 2)} smape ${round(h.smape, 1)}/${round(h.baselineSmape, 1)}`).join(', ')}\n`,
    );
  }
  return Promise.resolve({
    bench: 'forecast',
    series: perSeries.length,
    origins_per_series: origins,
    mase_scale: 'in-sample MAE of the one-step seasonal-naive forecast (daily cycle) at each origin',
    horizons: options.horizons.map((steps, i) => ({
      steps,
      mase: round(mase[i] ?? Number.NaN),
      smape: round(smapes[i] ?? Number.NaN),
      baseline_mase: round(baselineMase[i] ?? Number.NaN),
      baseline_smape: round(baselineSmape[i] ?? Number.NaN),
      coverage_80: round(cov80[i] ?? Number.NaN),
      coverage_95: round(cov95[i] ?? Number.NaN),
    })),
    seconds: round((performance.now() - started) / 1000, 1),
  });
}
