import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { Server } from 'node:http';
import { errorHandler } from '../../platform/http/errors.ts';
import { createLogger } from '../../platform/telemetry/logger.ts';
import { seriesKey, type SeriesDetector } from '../series.ts';
import { OtlpSource } from '../sources/otlp.ts';
import { SeriesStore } from '../../platform/series/series-store.ts';
import { mountDetectorRoutes } from './routes.ts';
import { SeriesWatcher } from './watcher.ts';

const MIN = 60_000;
const end = Date.now();
const start = end - 2 * 60 * MIN;
const store = new SeriesStore({ maxSeries: 10, pointsPerSeries: 1_000 });
const source = new OtlpSource({ store });
const quiet: SeriesDetector = {
  update: (p) => ({ score: 0, observed: p.value, expected: { low: p.value, high: p.value }, fired: [] }),
};
const watcher = new SeriesWatcher({
  limit: 10,
  detectorFor: () => quiet,
  gate: { enter: 0.5, exit: 0.3, clearAfter: 3, repeatMs: 0, minGapMs: 0 },
});
const total = { __name__: 'requests_rate', service: 'web' };
const bad = { __name__: 'errors_rate', service: 'web' };
const memory = { __name__: 'memory_bytes', service: 'web' };
let server: Server;
let url: string;

before(async () => {
  for (let ts = start; ts <= end; ts += MIN) {
    store.append(total, { ts, value: 100 });
    store.append(bad, { ts, value: 5 });
    // A leak of 1 MB a minute from 500 MB, towards a 1 GB limit.
    store.append(memory, { ts, value: 500e6 + ((ts - start) / MIN) * 1e6 });
  }
  for (const s of await source.poll(Number.NEGATIVE_INFINITY)) watcher.ingest('otlp', s);
  const app = express();
  const api = express.Router();
  mountDetectorRoutes(api, {
    watcher,
    sources: [source],
    status: new Map(),
    recent: () => [],
    now: () => end,
    precursor: () => ({ enabled: false }),
    slos: () => [],
  });
  app.use('/api', api);
  app.use(errorHandler(createLogger({ service: 'test', level: 'silent' })));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/detectors`;
});
after(() => {
  server.close();
});

describe('detector REST predictions', () => {
  it('evaluates SLO burn from a total and a bad rate series with the multi-window rules', async () => {
    const res = await fetch(
      `${url}/slo?total=${encodeURIComponent(seriesKey(total))}&bad=${encodeURIComponent(seriesKey(bad))}&objective=0.99`,
    );
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      intervals: number;
      status: { alerts: { rule: string }[]; burnRates: Record<string, number> };
    };
    assert.equal(body.intervals, 120);
    // 5% errors against a 1% budget: burn rate 5, enough for the 1-day (3) and 3-day (1) rules, not the 6-hour (6).
    for (const rate of Object.values(body.status.burnRates)) assert.ok(Math.abs(rate - 5) < 1e-9, `burn rate ${rate}`);
    assert.deepEqual(
      body.status.alerts.map((a) => a.rule),
      ['slow-burn-1d', 'slow-burn-3d'],
    );
    const missing = await fetch(`${url}/slo?total=${encodeURIComponent(seriesKey(total))}&bad=nope&objective=0.99`);
    assert.equal(missing.status, 404);
    const invalid = await fetch(`${url}/slo?total=a&bad=b&objective=2`);
    assert.equal(invalid.status, 400);
  });

  it('predicts time to exhaustion of a leaking series within 10%', async () => {
    const res = await fetch(`${url}/exhaustion?series=${encodeURIComponent(seriesKey(memory))}&capacity=1000000000`);
    const body = (await res.json()) as { exhaustion: { status: string; etaS: number } };
    assert.equal(body.exhaustion.status, 'exhausting');
    // 620 MB now, 380 MB to go at 1 MB a minute.
    const truth = 380 * 60;
    assert.ok(Math.abs(body.exhaustion.etaS - truth) / truth < 0.1, `eta ${body.exhaustion.etaS} s, truth ${truth} s`);
  });
});
