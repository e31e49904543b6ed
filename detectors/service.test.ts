import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Gauge } from 'prom-client';
import { waitFor } from '../platform/backbone/conformance/bus-conformance.ts';
import { EmbeddedBus } from '../platform/backbone/embedded/embedded-bus.ts';
import type { TopicData } from '../platform/backbone/topics.ts';
import { loadConfig } from '../platform/config/config.ts';
import { startPlatform, type RunningPlatform } from '../platform/runtime/platform.ts';
import type { Service } from '../platform/runtime/service.ts';
import { createLogger } from '../platform/telemetry/logger.ts';
import { createAnomalyDetector } from './anomaly/index.ts';
import { detectorService } from './service.ts';
import { loadDetectorConfig } from './service/config.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const platformConfig = loadConfig({ PORT: '0', HOST: '127.0.0.1' });

/** A service with a gauge in the platform's registry, steady with noise until `spike()` lifts it. */
function queueService(): Service & { spike(): void } {
  let timer: NodeJS.Timeout | undefined;
  let level = 100;
  let seed = 7;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  return {
    name: 'queue',
    start(ctx) {
      const gauge = new Gauge({ name: 'insitechart_test_queue_depth', help: 'test', labelNames: ['queue'] as const, registers: [ctx.metrics] });
      gauge.set({ queue: 'orders' }, level);
      timer = setInterval(() => { gauge.set({ queue: 'orders' }, level + noise() * 4); }, 10);
      return Promise.resolve();
    },
    stop() {
      clearInterval(timer);
      return Promise.resolve();
    },
    spike() {
      level = 400;
    },
  };
}

describe('detector service', () => {
  let platform: RunningPlatform | undefined;
  after(async () => { await platform?.stop(); });

  it('publishes one detection on the bus for a sustained anomaly in an in-process series, and serves it over REST', async () => {
    const queue = queueService();
    const config = loadDetectorConfig({
      DETECTOR_SOURCES: 'in-process',
      DETECTOR_SAMPLE_INTERVAL_MS: '100',
      DETECTOR_POLL_INTERVAL_MS: '100',
      DETECTOR_WATCH: '{__name__="insitechart_test_queue_depth"}',
      DETECTOR_MIN_GAP_MS: '0',
    });
    platform = await startPlatform({
      config: platformConfig,
      logger,
      bus: new EmbeddedBus({ partitions: 2, source: 'test' }),
      services: [queue, detectorService({ config, detectorFor: () => createAnomalyDetector({ warmup: 20 }) })],
    });
    const seen: TopicData<'detections'>[] = [];
    await platform.bus.subscribe({ group: 'test', topic: 'detections', handler: (d) => { seen.push(d.envelope.data); } });

    const base = platform.url;
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
    assert.match(d.explanation, /insitechart_test_queue_depth/);
    // The shift lasts: hysteresis keeps it to one detection (repeats only every 10 minutes).
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(seen.length, 1, 'a lasting anomaly is published once');

    const series = (await (await fetch(`${base}/api/detectors/series?match=${encodeURIComponent('{queue="orders"}')}`)).json()) as { series: { series: string; points: number; source: string }[] };
    assert.equal(series.series.length, 1);
    assert.equal(series.series[0]!.source, 'in-process');
    assert.ok(series.series[0]!.points >= 25);
    const recent = (await (await fetch(`${base}/api/detectors/detections`)).json()) as { detections: { detection: TopicData<'detections'> }[] };
    assert.deepEqual(recent.detections[0]!.detection.series, d.series);
    const history = await fetch(`${base}/api/detectors/series/history?series=${encodeURIComponent(series.series[0]!.series)}&historyMs=600000`);
    assert.equal(history.status, 200);
    const forecast = (await (await fetch(`${base}/api/detectors/forecast?series=${encodeURIComponent(series.series[0]!.series)}&steps=5`)).json()) as { forecast: unknown[] };
    assert.equal(forecast.forecast.length, 5);
    const missing = await fetch(`${base}/api/detectors/forecast?series=nope`);
    assert.equal(missing.status, 404);
    const bad = await fetch(`${base}/api/detectors/series?match=${encodeURIComponent('{a=')}`);
    assert.equal(bad.status, 400);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /insitechart_detector_detections_total\{outcome="published"\} 1/);
    assert.match(metrics, /insitechart_detector_series_watched\{state="all"\} 1/);
  });
});
