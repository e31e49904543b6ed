import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '../series.ts';
import { createRandom } from '../failure/random.ts';
import {
  DAY_MS,
  WEEK_MS,
  backtest,
  createLoadForecaster,
  fitForecaster,
  naiveScale,
  seasonalNaive,
  smape,
} from './index.ts';

/** Deterministic normal noise, so tests never flake. */
const noise = (seed: number): (() => number) => createRandom(seed).normal;

const STEP = 5 * 60_000;
const T0 = Date.UTC(2026, 0, 5);

/** Request rate with a daily and a weekly cycle (quiet weekends), a slow trend and noise. */
function seasonalSeries(days: number, seed: number, sigma = 6): Point[] {
  const rand = noise(seed);
  return Array.from({ length: (days * DAY_MS) / STEP }, (_, i) => {
    const ts = T0 + i * STEP;
    const hour = (ts % DAY_MS) / 3_600_000;
    const weekday = Math.floor((ts % WEEK_MS) / DAY_MS);
    const weekend = weekday === 2 || weekday === 3 ? 0.6 : 1; // 1970-01-01 was a Thursday
    const daily = 40 * Math.sin((2 * Math.PI * (hour - 6)) / 24);
    return { ts, value: 200 + 0.002 * i + weekend * (100 + daily) + sigma * rand() };
  });
}

test('detects a daily and a weekly cycle from the timestamps and none in white noise', () => {
  const model = fitForecaster(seasonalSeries(21, 1));
  assert.deepEqual(model.summary.seasonalPeriodsMs, [DAY_MS, WEEK_MS]);
  assert.equal(model.summary.intervalMs, STEP);
  const rand = noise(2);
  const flat = Array.from({ length: 4032 }, (_, i) => ({ ts: T0 + i * STEP, value: 50 + rand() }));
  assert.deepEqual(fitForecaster(flat).summary.seasonalPeriodsMs, []);
});

test('forecasts beat seasonal-naive on seasonal synthetic data at every horizon, with calibrated intervals', () => {
  const points = seasonalSeries(28, 3);
  const horizons = [1, 12, 48, 144];
  const result = backtest(points, (history) => fitForecaster(history).forecastAt, {
    horizons,
    origins: 24,
    minTrain: 21 * 288,
  });
  assert.equal(result.scale.kind, 'seasonal-naive');
  for (const h of result.horizons) {
    assert.ok(
      h.mase < h.baselineMase,
      `h=${String(h.steps)}: MASE ${String(h.mase)} vs seasonal-naive ${String(h.baselineMase)}`,
    );
    assert.ok(
      h.smape < h.baselineSmape,
      `h=${String(h.steps)}: sMAPE ${String(h.smape)} vs ${String(h.baselineSmape)}`,
    );
    assert.ok(h.mase < 0.85, `h=${String(h.steps)}: MASE ${String(h.mase)}`);
    assert.ok(h.coverage95 >= 0.7, `h=${String(h.steps)}: 95% coverage ${String(h.coverage95)}`);
  }
  // In-sample errors are slightly optimistic (the profiles saw those points): coverage a little under nominal.
  const meanCoverage = result.horizons.reduce((s, h) => s + h.coverage95, 0) / result.horizons.length;
  assert.ok(meanCoverage >= 0.8, `mean 95% coverage ${String(meanCoverage)}`);
});

test('intervals widen with the horizon and contain the point forecast', () => {
  const model = fitForecaster(seasonalSeries(14, 4, 10));
  const out = model.forecast(288);
  const first = out[0]!;
  const last = out[287]!;
  assert.equal(first.steps, 1);
  assert.ok(last.upper95 - last.lower95 > first.upper95 - first.lower95);
  for (const p of out)
    assert.ok(p.lower95 <= p.lower80 && p.lower80 <= p.value && p.value <= p.upper80 && p.upper80 <= p.upper95);
});

test('a damped trend follows a ramp without seasonality', () => {
  const rand = noise(5);
  const points = Array.from({ length: 600 }, (_, i) => ({ ts: T0 + i * 60_000, value: 10 + 0.5 * i + rand() }));
  const model = fitForecaster(points, { maxSteps: 30 });
  const p = model.forecastAt(T0 + 609 * 60_000);
  assert.ok(Math.abs(p.value - (10 + 0.5 * 609)) < 3, `forecast ${String(p.value)}`);
});

test('MASE scale, seasonal-naive and sMAPE follow their definitions', () => {
  const points = Array.from({ length: 6 }, (_, i) => ({ ts: i * 1000, value: [1, 2, 4, 8, 16, 32][i]! }));
  assert.equal(naiveScale(points, 0), (1 + 2 + 4 + 8 + 16) / 5);
  assert.equal(naiveScale(points, 2000), (3 + 6 + 12 + 24) / 4);
  assert.equal(seasonalNaive(points, 2000)(6000), 16);
  assert.equal(smape(100, 50), (200 * 50) / 150);
  assert.equal(smape(0, 0), 0);
});

test('an idle byte counter is forecast at its idle value', () => {
  const rand = noise(6);
  const points = Array.from({ length: 2000 }, (_, i) => ({
    ts: T0 + i * STEP,
    value: rand() > 1.8 ? 5000 + 1000 * rand() : 0,
  }));
  assert.equal(fitForecaster(points).forecast(12)[5]?.value, 0);
});

test('the streaming forecaster keeps bounded state and refits as data arrives', () => {
  const forecaster = createLoadForecaster({ maxPoints: 500, refitEvery: 50 });
  assert.deepEqual(forecaster.forecast(3), []);
  for (const p of seasonalSeries(3, 7)) forecaster.update(p);
  assert.equal(forecaster.size, 500);
  const out = forecaster.forecast(3);
  assert.equal(out.length, 3);
  assert.ok(out.every((p) => Number.isFinite(p.value)));
});

test('ten-second scrapes over days are gridded coarser so the daily cycle is still found', () => {
  const rand = noise(8);
  const points = Array.from({ length: (4 * DAY_MS) / 10_000 }, (_, i) => ({
    ts: T0 + i * 10_000,
    value: 50 + 20 * Math.sin((2 * Math.PI * i * 10_000) / DAY_MS) + rand(),
  }));
  const model = fitForecaster(points);
  assert.equal(model.summary.intervalMs, 60_000);
  assert.deepEqual(model.summary.seasonalPeriodsMs, [DAY_MS]);
  // The streaming form can average such scrapes into minutes before keeping them.
  const forecaster = createLoadForecaster({ resolutionMs: 60_000, maxPoints: 3000 });
  for (const p of points.slice(0, 6 * 60 * 10)) forecaster.update(p);
  assert.equal(forecaster.size, 599);
});
