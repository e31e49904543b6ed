import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { Gauge } from 'prom-client';
import { waitFor } from '../../platform/backbone/conformance/bus-conformance.ts';
import { EmbeddedBus } from '../../platform/backbone/embedded/embedded-bus.ts';
import type { TopicData } from '../../platform/backbone/topics.ts';
import { alertsService } from '../../platform/alerts/service.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { startPlatform } from '../../platform/runtime/platform.ts';
import type { Service } from '../../platform/runtime/service.ts';
import { createLogger } from '../../platform/telemetry/logger.ts';
import { READY_METRIC } from '../../platform/telemetry/readiness.ts';
import { apiFetch } from '../../platform/testing/api-client.ts';
import { startTestPlatform } from '../../platform/testing/platform.ts';
import type { SeriesDetector } from '../series.ts';
import { detectorService } from '../service.ts';
import { loadDetectorConfig } from './config.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'detectors-startup-'));
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** A wait users would feel (a symptom by its name, detectors/service/meaning.ts). */
const WAIT = 'insitechart_test_event_loop_delay_p99';

/** A service that takes `ms` to start, its wait held at 2 s meanwhile: a cold start on a loaded machine. */
function slowStart(ms: number): Service & { wait(seconds: number): void } {
  let gauge: Gauge | undefined;
  return {
    name: 'slow-start',
    async start(ctx) {
      gauge = new Gauge({ name: WAIT, help: 'test', registers: [ctx.metrics] });
      gauge.set(2);
      await new Promise((r) => setTimeout(r, ms));
      gauge.set(0.01);
    },
    stop: () => Promise.resolve(),
    wait(seconds) {
      gauge?.set(seconds);
    },
  };
}

/** Pages a wait of a second or more from its first point, as the limit does once held. */
const threshold = (): SeriesDetector => ({
  update: (p) => ({
    score: p.value >= 1 ? 1 : 0,
    observed: p.value,
    expected: { low: 0, high: 0.5 },
    fired: p.value >= 1 ? ['limit'] : [],
  }),
});

const startupConfig = (): ReturnType<typeof loadDetectorConfig> =>
  loadDetectorConfig({
    DETECTOR_SOURCES: 'in-process',
    DETECTOR_SAMPLE_INTERVAL_MS: '100',
    DETECTOR_POLL_INTERVAL_MS: '100',
    DETECTOR_WATCH: `{__name__="${WAIT}"}`,
    DETECTOR_PRECURSOR: 'off',
    DETECTOR_SLOS: 'none',
    DETECTOR_MIN_GAP_MS: '0',
    DETECTOR_STARTUP_GRACE_MS: '1000',
  });

it('pages neither for the wait sampled during start-up nor before the grace; a start-up past it and a stall after readiness page', async () => {
  const config = startupConfig();
  const bus = new EmbeddedBus({ partitions: 1, source: 'test' });
  const seen: { at: number; data: TopicData<'detections'> }[] = [];
  await bus.subscribe({
    group: 'test',
    topic: 'detections',
    handler: (d) => {
      seen.push({ at: Date.now(), data: d.envelope.data });
    },
  });
  const slow = slowStart(2_500);
  const platform = await startPlatform({
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }),
    logger: createLogger({ service: 'test', level: 'silent' }),
    bus,
    services: [detectorService({ config, detectorFor: threshold }), slow],
  });
  try {
    const readyAt = Date.now();
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual(
      seen.filter((s) => s.data.series.__name__ === WAIT),
      [],
      'the wait held at 2 s through start-up did not page',
    );
    const startup = seen.filter((s) => s.data.detector === 'startup');
    assert.equal(startup.length, 1, `one page for the start-up past its grace: ${JSON.stringify(seen)}`);
    assert.ok(startup[0] !== undefined && startup[0].at < readyAt, 'published while it was still starting');
    assert.match(startup[0].data.title ?? '', /^Service unavailable: \S+ has not finished starting after \d+ s$/);
    assert.equal(startup[0].data.series.__name__, READY_METRIC);
    const stalledAt = Date.now();
    slow.wait(2);
    await waitFor(() => seen.some((s) => s.data.series.__name__ === WAIT), 5_000, 'the stall after readiness');
    const stall = seen.find((s) => s.data.series.__name__ === WAIT);
    assert.ok(stall !== undefined && stall.at - stalledAt < 2_000, 'within a sample and a poll');
    assert.equal(stall.data.severity, 'critical');
  } finally {
    await platform.stop();
  }
});

it('a start-up past its grace opens an incident of its own, titled by what users meet', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'detectors-startup-incident-'));
  // The alerts service starts right after the detector tier, as in platform/main.ts; the slow service after both.
  const platform = await startTestPlatform(dir, [
    detectorService({ config: startupConfig(), detectorFor: threshold }),
    alertsService(),
    slowStart(3_000),
  ]);
  try {
    const titles = async (): Promise<string[]> => {
      const res = await apiFetch(platform, '/api/incidents?limit=20');
      return ((await res.json()) as { incidents: { title: string }[] }).incidents.map((i) => i.title);
    };
    const deadline = Date.now() + 10_000;
    let seen = await titles();
    while (seen.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await titles();
    }
    assert.equal(seen.length, 1, `one incident: ${JSON.stringify(seen)}`);
    assert.match(seen[0] ?? '', /^Service unavailable: \S+ has not finished starting after \d+ s$/);
  } finally {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
