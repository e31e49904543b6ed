/**
 * `npm run bench -- detectors [--series N] [--points N] [--quick]`: throughput and memory of the streaming
 * anomaly detector, one detector per series as in the live service (10,000 series at 10 s resolution =
 * 1,000 points/s). Every detector is first fed `FILL` points, so each window (history and shape search
 * 1,000 points, novelty memory 1,024) is full and the timed points pay the steady-state cost. Memory is the
 * heap growth per series after GC at that point; the 10k figure scales it by the series count (detectors
 * share nothing). Beside it: a plain EWMA z-score detector as the baseline (filled and timed the same way),
 * and the learned view with a shared family model (per-point inference) on a subset, plus batched inference
 * of one window per series in one call.
 */
import { z } from 'zod';
import { createAnomalyDetector } from '../detectors/anomaly/index.ts';
import { LearnedForecaster, trainingPairs } from '../detectors/anomaly/learned.ts';
import { tfReady } from '../detectors/tf/index.ts';
import type { SeriesDetector } from '../detectors/series.ts';
import { round } from './support/stats.ts';
import { synthetic } from './detectors/synthetic.ts';

const argsSchema = z.object({
  series: z.coerce.number().int().positive().default(2_000),
  points: z.coerce.number().int().positive().default(300),
  quick: z.boolean().default(false),
});

function parseArgs(args: readonly string[]): z.infer<typeof argsSchema> {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--quick') raw.quick = true;
    else if (arg.startsWith('--') && args[i + 1] !== undefined) raw[arg.slice(2)] = args[++i] ?? '';
    else throw new Error(`unexpected argument ${arg}`);
  }
  return argsSchema.strict().parse(raw);
}

/** Points fed before timing: more than the largest window (novelty memory 1,024; shape 24 + 1,000). */
const FILL = 1_100;

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
};

/**
 * Feeds `points` rounds of one point to every detector (a tick of the live service). Rates per wall second
 * and per CPU second of this process: on a shared machine the wall rate mostly measures the other jobs.
 */
function drive(detectors: readonly SeriesDetector[], points: number, offset: number): { wall: number; cpu: number } {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let sink = 0;
  for (let t = 0; t < points; t++) {
    const ts = (offset + t) * 10_000;
    for (const [s, detector] of detectors.entries())
      sink += detector.update({ ts, value: synthetic(s, offset + t) }).score;
  }
  if (Number.isNaN(sink)) throw new Error('NaN score');
  const cpu = process.cpuUsage(cpuStarted);
  const n = detectors.length * points;
  return { wall: n / ((performance.now() - started) / 1000), cpu: n / ((cpu.user + cpu.system) / 1e6) };
}

class EwmaZ implements SeriesDetector {
  private mean = 0;
  private variance = 1;
  update({ value }: { value: number }): {
    score: number;
    observed: number;
    expected: { low: number; high: number };
    fired: string[];
  } {
    const z = Math.abs(value - this.mean) / Math.sqrt(this.variance + 1e-9);
    const delta = value - this.mean;
    this.mean += 0.01 * delta;
    this.variance = 0.99 * (this.variance + 0.01 * delta * delta);
    return { score: z / (z + 6), observed: value, expected: { low: this.mean, high: this.mean }, fired: [] };
  }
}

export default async function detectors(args: readonly string[]): Promise<Record<string, unknown>> {
  const options = parseArgs(args);
  const series = options.quick ? Math.min(options.series, 300) : options.series;
  const points = options.quick ? Math.min(options.points, 100) : options.points;
  const warmup = 50;

  gc();
  // Typed arrays live outside the JS heap: count heap plus external (ArrayBuffer) memory.
  const used = (): number => process.memoryUsage().heapUsed + process.memoryUsage().external;
  const before = used();
  const fleet = Array.from({ length: series }, () => createAnomalyDetector({ warmup }));
  drive(fleet, FILL, 0);
  gc();
  const bytesPerSeries = (used() - before) / series;
  const pointsPerS = drive(fleet, points, FILL);

  const baseline = Array.from({ length: series }, () => new EwmaZ());
  drive(baseline, FILL, 0);
  const baselinePointsPerS = drive(baseline, points, FILL);

  // The learned view with a shared (family) forecaster: one inference per point, on a subset of series.
  const backend = await tfReady();
  const history = Array.from({ length: 600 }, (_, t) => synthetic(0, t));
  const { inputs, targets } = trainingPairs(history, 16);
  const model = new LearnedForecaster({ epochs: 5 });
  model.fitSync(inputs, targets);
  const learnedSeries = Math.min(series, options.quick ? 20 : 100);
  const learnedFleet = Array.from({ length: learnedSeries }, () => createAnomalyDetector({ warmup, learned: model }));
  drive(learnedFleet, FILL, 0);
  const learnedPointsPerS = drive(learnedFleet, Math.min(points, 50), FILL);

  // Batched inference: one window per series, all series in one call (a scheduled pass over the fleet).
  const windows = Array.from({ length: series }, (_, s) => Array.from({ length: 16 }, (_, t) => synthetic(s, t)));
  model.predict(windows);
  const batchStarted = performance.now();
  model.predict(windows);
  const batchSeconds = (performance.now() - batchStarted) / 1000;
  model.dispose();

  return {
    bench: 'detectors',
    series,
    filled_points_before_timing: FILL,
    timed_points_per_series: points,
    points_per_s: Math.round(pointsPerS.wall),
    points_per_cpu_s: Math.round(pointsPerS.cpu),
    bytes_per_series: Math.round(bytesPerSeries),
    needed_points_per_s_at_10s: series / 10,
    heap_mb_for_10k: round((bytesPerSeries * 10_000) / 2 ** 20, 1),
    baseline_ewma_points_per_s: Math.round(baselinePointsPerS.wall),
    baseline_ewma_points_per_cpu_s: Math.round(baselinePointsPerS.cpu),
    ratio_to_baseline_cpu: round(pointsPerS.cpu / baselinePointsPerS.cpu, 4),
    learned_series: learnedSeries,
    learned_per_point_points_per_s: Math.round(learnedPointsPerS.wall),
    learned_per_point_points_per_cpu_s: Math.round(learnedPointsPerS.cpu),
    learned_batch_series_per_s: Math.round(series / batchSeconds),
    tf_backend: backend,
  };
}
