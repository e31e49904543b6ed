import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { waitFor } from '../../platform/backbone/conformance/bus-conformance.ts';
import { EmbeddedBus } from '../../platform/backbone/embedded/embedded-bus.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { startPlatform } from '../../platform/runtime/platform.ts';
import { createLogger } from '../../platform/telemetry/logger.ts';
import { apiFetch } from '../../platform/testing/api-client.ts';
import { credentialsFor } from '../../platform/testing/credentials.ts';
import { detectorService } from '../service.ts';
import type { Series } from '../series.ts';
import type { MetricSource } from '../sources/source.ts';
import { loadDetectorConfig } from './config.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'detectors-slo-'));
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Rate points as a sampler hands them to the poll loop, a second apart: two timers, so a poll finds one point,
 * two, or none. Requests at 10/s throughout; three 1-second error bursts at 10/s (every request failing), one as
 * the first of two points in a poll, one as the second, one alone.
 */
function samplerBatches(): Series[][] {
  // Ahead of the clock: every point is fresh to any reader for the test's few seconds.
  const t0 = Date.now() + 3_600_000;
  const burstAt = new Set([3, 8, 12]);
  const point = (i: number, value: number) => ({ ts: t0 + i * 1_000, value });
  const layout = [[0], [1], [2], [3, 4], [], [5, 6], [7, 8], [9], [], [10], [11], [12], [13, 14], [15]];
  return layout.map((indices) =>
    indices.length === 0
      ? []
      : [
          { labels: { __name__: 'test_requests_rate' }, points: indices.map((i) => point(i, 10)) },
          { labels: { __name__: 'test_errors_rate' }, points: indices.map((i) => point(i, burstAt.has(i) ? 10 : 0)) },
        ],
  );
}

void it('counts every error burst into the SLO once, however the sampler and the poll loop fall', async () => {
  const batches = samplerBatches();
  let polls = 0;
  const source: MetricSource = {
    name: 'sampler',
    listSeries: () => Promise.resolve([]),
    readRange: () => Promise.resolve([]),
    poll: () => Promise.resolve(batches[polls++] ?? []),
  };
  const config = loadDetectorConfig({
    DETECTOR_POLL_INTERVAL_MS: '100',
    DETECTOR_PRECURSOR: 'off',
    DETECTOR_SLOS: 'api=0.9:test_requests_rate|test_errors_rate',
  });
  const quiet = {
    update: (p: { value: number }) => ({ score: 0, observed: p.value, expected: { low: 0, high: 1 }, fired: [] }),
  };
  const platform = await startPlatform({
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }),
    logger: createLogger({ service: 'test', level: 'silent' }),
    bus: new EmbeddedBus({ partitions: 1, source: 'test' }),
    services: [detectorService({ config, sources: () => [source], detectorFor: () => quiet })],
  });
  try {
    await waitFor(() => polls > batches.length, 10_000, 'every batch polled and stepped');
    const target = { url: platform.url, credentials: credentialsFor(platform.identity) };
    const res = await apiFetch(target, '/api/detectors/predictions', { as: 'viewer' });
    const body = (await res.json()) as { slos: { status: { burnRates: Record<string, number> } | null }[] };
    const burn = body.slos[0]?.status?.burnRates[String(5 * 60_000)];
    // 15 seconds of requests after the first point (150), 30 of them failed: a bad share of 0.2, twice the budget.
    assert.ok(burn !== undefined && Math.abs(burn - 0.2 / 0.1) < 1e-9, `burn rate 2, got ${String(burn)}`);
  } finally {
    await platform.stop();
  }
});
