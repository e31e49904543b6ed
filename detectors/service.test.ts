import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Gauge } from 'prom-client';
import { waitFor } from '../platform/backbone/conformance/bus-conformance.ts';
import { EmbeddedBus } from '../platform/backbone/embedded/embedded-bus.ts';
import type { TopicData } from '../platform/backbone/topics.ts';
import { loadConfig } from '../platform/config/config.ts';
import { startPlatform, type RunningPlatform } from '../platform/runtime/platform.ts';
import type { Service } from '../platform/runtime/service.ts';
import { createLogger } from '../platform/telemetry/logger.ts';
import { apiFetch } from '../platform/testing/api-client.ts';
import { credentialsFor } from '../platform/testing/credentials.ts';
import type { PrecursorPredictor } from './failure/index.ts';
import { detectorService } from './service.ts';
import { loadDetectorConfig } from './service/config.ts';
import type { SeriesDetector } from './series.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const dataDir = mkdtempSync(join(tmpdir(), 'detectors-'));
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});
const platformConfig = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });

/** A service with a gauge in the platform's registry, steady with noise until `spike()` lifts it. */
function queueService(
  name = 'insitechart_test_queue_depth',
  start = 100,
  spiked = 400,
  amplitude = 4,
): Service & { spike(): void } {
  let timer: NodeJS.Timeout | undefined;
  let level = start;
  let seed = 7;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  return {
    name: 'queue',
    start(ctx) {
      const gauge = new Gauge({ name, help: 'test', labelNames: ['queue'] as const, registers: [ctx.metrics] });
      gauge.set({ queue: 'orders' }, level);
      timer = setInterval(() => {
        gauge.set({ queue: 'orders' }, level + noise() * amplitude);
      }, 10);
      return Promise.resolve();
    },
    stop() {
      clearInterval(timer);
      return Promise.resolve();
    },
    spike() {
      level = spiked;
    },
  };
}

/** A plain z-score detector against everything seen after a warm-up: predictable, unlike a tuned one. */
function zScoreDetector(warmup: number): SeriesDetector {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  return {
    warmup,
    update(point) {
      const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
      const z = std > 0 ? Math.abs(point.value - mean) / std : 0;
      const verdict = {
        score: n < warmup ? 0 : Math.min(1, z / 10),
        observed: point.value,
        expected: { low: mean - 3 * std, high: mean + 3 * std },
        fired: z >= 3 ? ['z-score'] : [],
      };
      n++;
      const delta = point.value - mean;
      mean += delta / n;
      m2 += delta * (point.value - mean);
      return verdict;
    },
  };
}

describe('detector service', () => {
  let platform: RunningPlatform | undefined;
  after(async () => {
    await platform?.stop();
  });

  it('publishes one detection on the bus for a sustained anomaly in an in-process series, and serves it over REST', async () => {
    const queue = queueService();
    const config = loadDetectorConfig({
      DETECTOR_SOURCES: 'in-process',
      DETECTOR_SAMPLE_INTERVAL_MS: '100',
      DETECTOR_POLL_INTERVAL_MS: '100',
      DETECTOR_WATCH: '{__name__="insitechart_test_queue_depth"}',
      DETECTOR_MIN_GAP_MS: '0',
      // A queue depth is a strain: published once it has lasted this long with no user-facing symptom.
      DETECTOR_STRAIN_GRACE_MS: '500',
    });
    platform = await startPlatform({
      config: platformConfig,
      logger,
      bus: new EmbeddedBus({ partitions: 2, source: 'test' }),
      services: [queue, detectorService({ config, detectorFor: () => zScoreDetector(20) })],
    });
    const seen: TopicData<'detections'>[] = [];
    await platform.bus.subscribe({
      group: 'test',
      topic: 'detections',
      handler: (d) => {
        seen.push(d.envelope.data);
      },
    });

    const base = { url: platform.url, credentials: credentialsFor(platform.identity) };
    // Warm-up: 20 points at 100 ms, then a little history without alarms.
    await new Promise((r) => setTimeout(r, 3_500));
    assert.equal(seen.length, 0, `no detection on the steady series: ${JSON.stringify(seen)}`);
    queue.spike();
    await waitFor(() => seen.length > 0, 10_000, 'a detection on the bus');
    const d = seen[0]!;
    assert.equal(d.series.__name__, 'insitechart_test_queue_depth');
    assert.equal(d.series.queue, 'orders');
    assert.ok(d.observed > 300, `observed ${d.observed}`);
    assert.ok(d.expected.high < d.observed, `expected range ${JSON.stringify(d.expected)} excludes the observed value`);
    assert.ok(d.score >= config.gate.enter && d.score <= 1);
    assert.equal(d.detector, 'z-score');
    assert.match(d.explanation, /insitechart_test_queue_depth/);
    // The shift lasts: hysteresis keeps it to one detection (repeats only every 10 minutes).
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(seen.length, 1, 'a lasting anomaly is published once');

    const series = (await (
      await apiFetch(base, `/api/detectors/series?match=${encodeURIComponent('{queue="orders"}')}`)
    ).json()) as {
      warming: number;
      series: { series: string; points: number; source: string; warmup: { warming: boolean; needed: number } }[];
    };
    assert.equal(series.series.length, 1);
    assert.equal(series.series[0]!.source, 'in-process');
    assert.ok(series.series[0]!.points >= 25);
    // Past its 20-point warm-up: judging (other series of the registry may still be warming).
    assert.deepEqual(series.series[0]!.warmup, { warming: false, points: series.series[0]!.points, needed: 20 });
    assert.equal(typeof series.warming, 'number');
    const recent = (await (await apiFetch(base, `/api/detectors/detections`)).json()) as {
      detections: { detection: TopicData<'detections'> }[];
    };
    assert.deepEqual(recent.detections[0]!.detection.series, d.series);
    const history = await apiFetch(
      base,
      `/api/detectors/series/history?series=${encodeURIComponent(series.series[0]!.series)}&historyMs=600000`,
    );
    assert.equal(history.status, 200);
    const forecast = (await (
      await apiFetch(base, `/api/detectors/forecast?series=${encodeURIComponent(series.series[0]!.series)}&steps=5`)
    ).json()) as { forecast: unknown[] };
    assert.equal(forecast.forecast.length, 5);
    const missing = await apiFetch(base, `/api/detectors/forecast?series=nope`);
    assert.equal(missing.status, 404);
    const bad = await apiFetch(base, `/api/detectors/series?match=${encodeURIComponent('{a=')}`);
    assert.equal(bad.status, 400);
    const metrics = await (await fetch(`${base.url}/metrics`)).text();
    assert.match(metrics, /insitechart_detector_detections_total\{outcome="published"\} 1/);
    assert.match(metrics, /insitechart_detector_series_watched\{state="all"\} 1/);
    const predictions = (await (await apiFetch(base, `/api/detectors/predictions`)).json()) as {
      precursor: { enabled: boolean; reason: string };
    };
    assert.equal(predictions.precursor.enabled, false);
    assert.match(predictions.precursor.reason, /no precursor model trained/);
  });

  it('watches an SLO over two rate series and publishes its error-budget burn', async () => {
    await platform?.stop();
    const requests = queueService('insitechart_test_requests_rate', 100, 100, 0);
    const errors = queueService('insitechart_test_errors_rate', 0, 50, 0);
    const config = loadDetectorConfig({
      DETECTOR_SOURCES: 'in-process',
      DETECTOR_SAMPLE_INTERVAL_MS: '100',
      DETECTOR_POLL_INTERVAL_MS: '100',
      DETECTOR_WATCH: '{__name__=~"insitechart_test_.*"}',
      DETECTOR_PRECURSOR: 'off',
      DETECTOR_SLOS: 'api=0.999:insitechart_test_requests_rate|insitechart_test_errors_rate',
    });
    platform = await startPlatform({
      config: platformConfig,
      logger,
      bus: new EmbeddedBus({ partitions: 1, source: 'test' }),
      services: [requests, errors, detectorService({ config, detectorFor: () => zScoreDetector(1_000) })],
    });
    const seen: TopicData<'detections'>[] = [];
    await platform.bus.subscribe({
      group: 'test',
      topic: 'detections',
      handler: (d) => {
        seen.push(d.envelope.data);
      },
    });
    const target = { url: platform.url, credentials: credentialsFor(platform.identity) };
    const predictions = (): Promise<Response> => apiFetch(target, '/api/detectors/predictions', { as: 'viewer' });
    await new Promise((r) => setTimeout(r, 1_000));
    const calm = (await (await predictions()).json()) as {
      slos: { name: string; alerting: boolean; status: { burnRates: Record<string, number> } | null }[];
    };
    const api = calm.slos[0]!;
    assert.equal(api.name, 'api');
    assert.equal(api.alerting, false);
    assert.ok(api.status !== null && Object.values(api.status.burnRates).every((r) => r === 0), 'no errors, no burn');
    errors.spike();
    await waitFor(() => seen.length > 0, 5_000, 'an SLO burn detection');
    const d = seen[0]!;
    assert.equal(d.detector, 'slo-burn');
    assert.deepEqual(d.series, { __name__: 'slo_error_budget_burn', slo: 'api' });
    assert.ok(d.observed > 14.4, `half the requests fail: the budget burns far above 14.4x (${d.observed})`);
    assert.match(d.explanation, /SLO api \(99\.9% good\).*fast-burn-1h/);
    assert.equal(d.related[0]?.__name__, 'insitechart_test_errors_rate');
    const burning = (await (await predictions()).json()) as { slos: { alerting: boolean }[] };
    assert.equal(burning.slos[0]?.alerting, true);
  });

  it('feeds the precursor model from watched series and publishes its alert with the drivers', async () => {
    await platform?.stop();
    const latency = queueService('insitechart_test_latency_seconds', 0.2, 2, 0.1);
    const config = loadDetectorConfig({
      DETECTOR_SOURCES: 'in-process',
      DETECTOR_SAMPLE_INTERVAL_MS: '100',
      DETECTOR_POLL_INTERVAL_MS: '100',
      DETECTOR_WATCH: '{__name__="insitechart_test_latency_seconds"}',
      DETECTOR_PRECURSOR_CHANNELS: 'latency_p99=max:insitechart_test_latency_seconds',
      DETECTOR_SLOS: 'none',
    });
    const fed: number[][] = [];
    // A stand-in for a trained model: alerts when the latency channel passed 1 s in the last 3 steps.
    const predictor: PrecursorPredictor = {
      stepMs: 100,
      horizonMs: 600_000,
      threshold: 0.6,
      persistSteps: 1,
      historySteps: 5,
      scoreSeries: () => new Float32Array(0),
      predict: (recent) => {
        const l = recent.latency_p99 ?? [];
        fed.push([...l]);
        if (l.length < 3) return undefined;
        const high = l.slice(-3).every((v) => v > 1);
        return {
          probability: high ? 0.9 : 0.1,
          alert: high,
          horizonMs: 600_000,
          drivers: high ? [{ channel: 'latency_p99', effect: 0.5 }] : [],
        };
      },
      dispose: () => undefined,
    };
    platform = await startPlatform({
      config: platformConfig,
      logger,
      bus: new EmbeddedBus({ partitions: 1, source: 'test' }),
      services: [latency, detectorService({ config, loadPrecursor: () => Promise.resolve({ predictor, version: 3 }) })],
    });
    const seen: TopicData<'detections'>[] = [];
    await platform.bus.subscribe({
      group: 'test',
      topic: 'detections',
      handler: (d) => {
        if (d.envelope.data.detector === 'precursor') seen.push(d.envelope.data);
      },
    });
    await waitFor(() => fed.some((l) => l.length === 5), 5_000, 'five steps of history');
    assert.ok(
      fed.every((l) => l.length <= 5),
      'history is bounded by historySteps',
    );
    assert.equal(seen.length, 0);
    latency.spike();
    await waitFor(() => seen.length > 0, 5_000, 'a precursor detection');
    const d = seen[0]!;
    assert.deepEqual(d.series, { __name__: 'incident_precursor', service: platformConfig.serviceName });
    assert.equal(d.score, 0.9);
    assert.deepEqual(d.expected, { low: 0, high: 0.6 });
    assert.match(d.explanation, /within 10 min.*latency_p99/);
    assert.equal(d.related[0]?.__name__, 'insitechart_test_latency_seconds', 'the series behind the driving channel');
    const status = (await (
      await apiFetch(
        { url: platform.url, credentials: credentialsFor(platform.identity) },
        '/api/detectors/predictions',
      )
    ).json()) as {
      precursor: { enabled: boolean; version: number; alerting: boolean; last: { prediction: { alert: boolean } } };
    };
    assert.equal(status.precursor.enabled, true);
    assert.equal(status.precursor.version, 3);
    assert.equal(status.precursor.alerting, true);
    assert.equal(status.precursor.last.prediction.alert, true);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(seen.length, 1, 'a lasting alert is published once');
  });
});
