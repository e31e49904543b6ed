import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, peerSkipReason } from '../../platform/testing/peers.ts';
import { PrometheusError, PrometheusSource } from './prometheus.ts';

const binary = '/usr/bin/prometheus';
const skip = peerSkipReason(binary, 'prometheus');

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve((server.address() as AddressInfo).port);
    }),
  );
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Prometheus HTTP API source, against a real Prometheus server', { skip: skip ?? false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  const started = Date.now();
  // The scraped target: a counter growing 10 per second and a steady gauge.
  const target = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const count = Math.floor(((Date.now() - started) / 1_000) * 10);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      `# TYPE test_requests_total counter\ntest_requests_total{route="/a"} ${count}\n# TYPE test_temperature gauge\ntest_temperature 20\n`,
    );
  });
  let prometheus: ChildProcess | undefined;
  let output = '';
  let source: PrometheusSource;
  let base: string;

  before(async () => {
    const targetPort = await listen(target);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const configFile = join(dir, 'prometheus.yml');
    writeFileSync(
      configFile,
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: test\n    static_configs:\n      - targets: ['127.0.0.1:${targetPort}']\n`,
    );
    prometheus = spawn(
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    prometheus.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    source = new PrometheusSource({
      url: base,
      queries: ['test_temperature', 'rate(test_requests_total[5s])'],
      stepMs: 1_000,
      lookbackMs: 30_000,
      timeoutMs: 5_000,
      retries: 1,
    });
    await until(`Prometheus to scrape the target 7 times (output: ${output})`, 30_000, async () => {
      const [s] = await source.instant('count_over_time(test_temperature[1m])');
      return (s?.points[0]?.value ?? 0) >= 7 ? true : undefined;
    });
  });

  after(async () => {
    if (prometheus !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await new Promise((resolve) => target.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs instant queries, with the scraped series labels', async () => {
    const [temperature] = await source.instant('test_temperature');
    assert.ok(temperature);
    assert.equal(temperature.labels.__name__, 'test_temperature');
    assert.equal(temperature.labels.job, 'test');
    assert.equal(temperature.points[0]?.value, 20);
    const [scalar] = await source.instant('scalar(test_temperature) * 2');
    assert.equal(scalar?.points[0]?.value, 40);
    assert.equal(scalar.labels.__name__, 'promql', 'an expression without a metric name is named after its query');
  });

  it('runs range queries on a step grid: the counter rate is about 10/s', async () => {
    const to = Date.now();
    const [rate] = await source.range('rate(test_requests_total[5s])', { from: to - 3_000, to, stepMs: 1_000 });
    assert.ok(rate !== undefined && rate.points.length >= 3);
    // The window of the last point holds 5 scrapes; earlier ones reach back towards the series' start.
    const last = rate.points.at(-1)!.value;
    assert.ok(last > 7 && last < 13, `rate ${last}`);
    assert.ok(rate.points.every((p) => p.value > 0));
    assert.ok(rate.points.every((p, i) => i === 0 || p.ts - rate.points[i - 1]!.ts === 1_000));
  });

  it('lists series through /api/v1/series and reads raw ranges by matchers', async () => {
    const names = (await source.listSeries([{ name: '__name__', op: '=~', value: 'test_.*' }]))
      .map((l) => l.__name__)
      .sort();
    assert.deepEqual(names, ['test_requests_total', 'test_temperature']);
    const [raw] = await source.readRange(
      [
        { name: '__name__', op: '=', value: 'test_requests_total' },
        { name: 'route', op: '=', value: '/a' },
      ],
      { from: Date.now() - 4_000, to: Date.now(), stepMs: 1_000 },
    );
    assert.ok(raw !== undefined && raw.points.length >= 3);
    assert.ok(raw.points.at(-1)!.value > raw.points[0]!.value, 'the counter grows');
  });

  it('polls the configured queries for points newer than the cursor', async () => {
    const first = await source.poll(Number.NEGATIVE_INFINITY);
    assert.deepEqual(first.map((s) => s.labels.__name__).sort(), ['promql', 'test_temperature']);
    const newest = Math.max(...first.flatMap((s) => s.points.map((p) => p.ts)));
    await new Promise((r) => setTimeout(r, 1_100));
    const next = await source.poll(newest);
    const points = next.flatMap((s) => s.points);
    assert.ok(points.length >= 1, 'a second later there is a new step');
    assert.ok(
      points.every((p) => p.ts > newest),
      'and only points after the cursor',
    );
  });

  it('reports query errors with the server message, without retrying them', async () => {
    let calls = 0;
    const counted = new PrometheusSource({
      url: base,
      queries: [],
      stepMs: 1_000,
      lookbackMs: 0,
      timeoutMs: 5_000,
      retries: 3,
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    await assert.rejects(
      counted.instant('rate(test_requests_total'),
      (e: unknown) => e instanceof PrometheusError && e.status === 400 && /bad_data/.test(e.message),
    );
    assert.equal(calls, 1);
  });

  it('retries transient failures, times out a silent server and rejects a malformed body', async () => {
    let calls = 0;
    const flaky = new PrometheusSource({
      url: base,
      queries: [],
      stepMs: 1_000,
      lookbackMs: 0,
      timeoutMs: 5_000,
      retries: 2,
      fetch: (input, init) => (++calls === 1 ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)),
    });
    const [t] = await flaky.instant('test_temperature');
    assert.equal(t?.points[0]?.value, 20);
    assert.equal(calls, 2);

    const silent = createServer(() => undefined);
    const silentPort = await listen(silent);
    const startedAt = Date.now();
    await assert.rejects(
      new PrometheusSource({
        url: `http://127.0.0.1:${silentPort}`,
        queries: [],
        stepMs: 1_000,
        lookbackMs: 0,
        timeoutMs: 300,
        retries: 0,
      }).instant('up'),
      PrometheusError,
    );
    assert.ok(Date.now() - startedAt < 3_000);
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));

    const liar = createServer((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"status":"success","data":{"resultType":"matrix","result":"x"}}');
    });
    const liarPort = await listen(liar);
    await assert.rejects(
      new PrometheusSource({
        url: `http://127.0.0.1:${liarPort}`,
        queries: [],
        stepMs: 1_000,
        lookbackMs: 0,
        timeoutMs: 1_000,
        retries: 2,
      }).instant('up'),
      /unexpected body/,
    );
    await new Promise((resolve) => liar.close(resolve));
  });
});
