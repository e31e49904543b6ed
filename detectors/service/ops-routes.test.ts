import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { Histogram, Registry } from 'prom-client';
import { errorHandler } from '../../platform/http/errors.ts';
import { SeriesStore } from '../../platform/series/series-store.ts';
import { createLogger } from '../../platform/telemetry/logger.ts';
import { seriesKey, type SeriesDetector } from '../series.ts';
import { OtlpSource } from '../sources/otlp.ts';
import { BAND_POINTS, BandHistory } from './bands.ts';
import { grafanaFromEnv, mountOpsRoutes } from './ops-routes.ts';
import type { RecentDetection } from './routes.ts';
import { SeriesWatcher } from './watcher.ts';

const SEC = 1_000;
/** Expects 100 +- 10; scores a point by how far outside that it is. */
const fixedBand: SeriesDetector = {
  update: (p) => ({
    score: Math.min(1, Math.max(0, Math.abs(p.value - 100) - 10) / 10),
    observed: p.value,
    expected: { low: 90, high: 110 },
    fired: [],
  }),
};
const labels = { __name__: 'latency_ms', service: 'web' };
const key = seriesKey(labels);

describe('band history', () => {
  it('records every scored point with its band, keeps a detection band after the ring rolls on', () => {
    const bands = new BandHistory();
    const detector = bands.wrap(key, fixedBand);
    for (let i = 0; i < BAND_POINTS; i++) detector.update({ ts: i * SEC, value: i === 50 ? 150 : 100 });
    bands.keep(key);
    const around = bands.band(key, 40 * SEC, 60 * SEC);
    assert.ok(around !== undefined);
    assert.equal(around.length, 21);
    assert.deepEqual(around[10], { ts: 50 * SEC, value: 150, low: 90, high: 110, score: 1 });
    // Another full ring later, the live ring no longer holds second 50; the copy made at the detection does.
    for (let i = BAND_POINTS; i < 3 * BAND_POINTS; i++) detector.update({ ts: i * SEC, value: 100 });
    assert.equal(bands.band(key, 50 * SEC, 50 * SEC)?.[0]?.value, 150);
    // The live ring is bounded: only the last BAND_POINTS points of an unkept series.
    const other = bands.wrap('other', fixedBand);
    for (let i = 0; i < 3 * BAND_POINTS; i++) other.update({ ts: i * SEC, value: 100 });
    assert.equal(bands.band('other', 0, Number.MAX_SAFE_INTEGER)?.length, BAND_POINTS);
    assert.equal(bands.band('never seen', 0, 1), undefined);
  });
});

describe('ops routes: a detection with its band and a forecast against actual', () => {
  const end = Date.now();
  const store = new SeriesStore({ maxSeries: 10, pointsPerSeries: 1_000 });
  const source = new OtlpSource({ store });
  const bands = new BandHistory();
  const watcher = new SeriesWatcher({
    limit: 10,
    detectorFor: (l) => bands.wrap(seriesKey(l), fixedBand),
    gate: { enter: 0.5, exit: 0.3, clearAfter: 3, repeatMs: 0, minGapMs: 0 },
  });
  const spikeAt = end - 60 * SEC;
  const recent: RecentDetection[] = [];
  // Half the budget left, burning 6x over the last hour: 0.5 x 30 days / 6 = 2.5 days to exhaustion.
  const burning = {
    at: end,
    alerts: [],
    budgetRemaining: 0.5,
    burnRates: { [String(3_600 * SEC)]: 6, [String(6 * 3_600 * SEC)]: 2 },
  };
  // The API's latency histogram, which the embedded meter reads for the api-latency SLO.
  const registry = new Registry();
  new Histogram({
    name: 'insitechart_http_request_duration_seconds',
    help: 'h',
    labelNames: ['route'],
    buckets: [0.25],
    registers: [registry],
  }).observe({ route: '/api/quotes' }, 0.01);
  const meterStop = new AbortController();
  after(() => {
    meterStop.abort();
  });
  let server: Server;
  let url = '';

  before(async () => {
    // A steady sine around 100 with one spike a minute ago, one point a second for 10 minutes.
    for (let ts = end - 600 * SEC; ts <= end; ts += SEC)
      store.append(labels, { ts, value: ts === spikeAt ? 200 : 100 + 5 * Math.sin(ts / 30_000) });
    for (const s of await source.poll(Number.NEGATIVE_INFINITY)) watcher.ingest('otlp', s);
    recent.push({
      id: 'det-1',
      source: 'otlp',
      detection: {
        detector: 'test',
        series: labels,
        score: 1,
        observed: 200,
        expected: { low: 90, high: 110 },
        ts: spikeAt,
        explanation: 'spike',
        related: [],
      },
    });
    const app = express();
    const api = express.Router();
    mountOpsRoutes(api, {
      recent: () => recent,
      watcher,
      sources: [source],
      bands,
      now: () => end,
      slos: () => [{ name: 'api-availability', alerting: true, status: burning }],
      grafanaUrl: grafanaFromEnv({ GRAFANA_URL: 'https://grafana.example/' }),
      meter: { registry, signal: meterStop.signal, intervalMs: 20, now: Date.now },
    });
    app.use('/api', api);
    app.use(errorHandler(createLogger({ service: 'test', level: 'silent' })));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/api/detectors/detections`;
  });
  after(() => {
    server.close();
  });

  it('answers the band around the detection, the spike outside it', async () => {
    const res = await fetch(`${url}/det-1/band?windowMs=60000`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { series: string; points: { ts: number; value: number; high: number }[] };
    assert.equal(body.series, key);
    // The ring holds the last BAND_POINTS seconds: from 2 minutes before the end, the spike's minute included.
    assert.ok(body.points.length >= 60 && body.points.length <= 121, `${String(body.points.length)} points`);
    const spike = body.points.find((p) => p.ts === spikeAt);
    assert.ok(spike !== undefined && spike.value > spike.high);
    assert.ok(body.points.every((p) => Math.abs(p.ts - spikeAt) <= 60 * SEC));
  });

  it('answers a forecast fitted without the last points, beside those points', async () => {
    const res = await fetch(`${url}/det-1/forecast?holdout=10&historyMs=600000`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      fittedOn: number;
      actual: { ts: number }[];
      forecast: { ts: number; value: number; lower80: number; upper80: number }[];
    };
    assert.equal(body.forecast.length, 10);
    assert.equal(body.actual.length, 30);
    assert.equal(body.fittedOn, 601 - 10);
    // The forecast covers the held-out stretch, within a step of its times, with an interval around the value.
    const heldOut = body.actual.slice(-10);
    assert.ok(Math.abs((body.forecast[0]?.ts ?? 0) - (heldOut[0]?.ts ?? 0)) <= 2 * SEC);
    assert.ok(body.forecast.every((f) => f.lower80 <= f.value && f.value <= f.upper80));
  });

  it('lists every SLO with its runbook, the watched ones with their burn status', async () => {
    // The meter reads the registry every 20 ms here: the first answer after its second reading.
    const slosUrl = url.replace(/detections$/, 'slos');
    for (let tries = 0; tries < 100; tries++) {
      const measured = (await (await fetch(slosUrl)).json()) as { slos: { name: string; status: unknown }[] };
      if (measured.slos.find((s) => s.name === 'api-latency')?.status !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const body = (await (await fetch(slosUrl)).json()) as {
      slos: {
        name: string;
        runbook: string;
        watched: boolean;
        measuredBy: string | null;
        alerting: boolean;
        status: unknown;
        exhaustion: { state: string; inMs?: number; window?: string };
        reason: string | null;
      }[];
      dashboards: { slos: string; detectors: string } | null;
    };
    assert.deepEqual(body.dashboards, {
      slos: 'https://grafana.example/d/insitechart-slos/',
      detectors: 'https://grafana.example/d/insitechart-detectors/',
    });
    assert.ok(body.slos.length >= 6);
    const api = body.slos.find((s) => s.name === 'api-availability');
    assert.ok(api !== undefined);
    assert.deepEqual(api.status, burning);
    assert.equal(api.alerting, true);
    assert.equal(api.measuredBy, 'detector-tier');
    assert.deepEqual(api.exhaustion, { state: 'burning', burnRate: 6, window: '1h', inMs: 2.5 * 86_400 * SEC });
    assert.equal(api.runbook, '/runbooks/api-availability-budget-burn.md');
    // Not watched by the detector tier: measured here from the registry (no request since: not burning).
    const latency = body.slos.find((s) => s.name === 'api-latency');
    assert.ok(latency !== undefined);
    assert.equal(latency.watched, false);
    assert.equal(latency.measuredBy, 'embedded');
    assert.ok(latency.status !== null, 'measured');
    assert.equal(latency.exhaustion.state, 'not-burning');
    assert.equal(latency.reason, null);
    const alerts = body.slos.find((s) => s.name === 'alert-notification-latency');
    assert.match(alerts?.reason ?? '', /not exported here/, 'a metric this process does not export is named');
  });

  it('reads GRAFANA_URL: unset is none, anything but http(s) is a configuration error', () => {
    assert.equal(grafanaFromEnv({}), undefined);
    assert.equal(grafanaFromEnv({ GRAFANA_URL: '' }), undefined);
    assert.throws(() => grafanaFromEnv({ GRAFANA_URL: 'javascript:alert(1)' }), /GRAFANA_URL/);
  });

  it('keeps a forecast for the refresh interval and fits at most 4 a second beyond it (429 with a JSON message)', async () => {
    const path = `${url}/det-1/forecast?holdout=10&historyMs=600000`;
    const first = await (await fetch(path)).text();
    assert.equal(await (await fetch(path)).text(), first, 'the same query is answered from memory');
    // A stream of distinct queries, each a fit on the event loop.
    const t0 = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(`${url}/det-1/forecast?holdout=10&historyMs=${String(590_000 - i * 1_000)}`).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { error?: string },
        })),
      ),
    );
    const seconds = Math.ceil((Date.now() - t0) / 1_000) + 1;
    const fitted = answers.filter((a) => a.status === 200).length;
    assert.ok(fitted <= 4 * seconds, `${String(fitted)} fitted in at most ${String(seconds)} s`);
    const refused = answers.filter((a) => a.status === 429);
    assert.equal(refused.length, answers.length - fitted);
    assert.ok(refused.length > 0 && refused.every((a) => /forecasts are fitted a second/.test(a.body.error ?? '')));
  });

  it('rejects unknown detections and bad windows', async () => {
    assert.equal((await fetch(`${url}/nope/band`)).status, 404);
    assert.equal((await fetch(`${url}/det-1/band?windowMs=5`)).status, 400);
    assert.equal((await fetch(`${url}/det-1/forecast?holdout=100000`)).status, 400);
  });
});
