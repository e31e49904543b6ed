import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startFakeElasticsearch } from '../telemetry/logs/fake-elasticsearch.ts';
import { apiFetch } from '../testing/api-client.ts';
import { provisionTestCredentials } from '../testing/credentials.ts';
import { startEntrypoint, waitForOutput } from '../testing/process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'startup-'));
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const promtoolMissing = promtool.error !== undefined || promtool.status !== 0;

describe('platform start-up and shutdown', () => {
  it('exits non-zero naming the variable when the configuration is bad', async () => {
    const started = startEntrypoint('platform/main.ts', { PORT: 'nope', LOG_LEVEL: 'loud' });
    assert.equal(await started.exited, 2);
    assert.match(started.output(), /ConfigError: Invalid configuration/);
    assert.match(started.output(), /PORT="nope": must be a port number/);
    assert.match(started.output(), /LOG_LEVEL="loud"/);
  });

  it('refuses to run one service alone without Kafka, with a clear message', async () => {
    const started = startEntrypoint('platform/market-data/main.ts', { PORT: '0', DATA_DIR: dataDir });
    assert.equal(await started.exited, 2);
    assert.match(started.output(), /StartupError: KAFKA_BROKERS must be set/);
  });

  it('serves probes, quotes and valid Prometheus metrics, then drains on SIGTERM and exits 0', async (t) => {
    const started = startEntrypoint('platform/main.ts', {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MARKET_TICK_INTERVAL_MS: '50',
      // Live quotes only: no simulated history (the first start's history is continuity.test.ts's).
      MARKET_BACKFILL_DAYS: '0',
    });
    try {
      const [, url] = await waitForOutput(started, /InsiteChart is up at (http:\/\/[\d.]+:\d+)\//, 60_000);
      assert.ok(url);
      const platform = { url, credentials: provisionTestCredentials(dataDir) };
      // The log line (stdout) and the banner (stderr) arrive in either order.
      await waitForOutput(started, /"healthz":"http:\/\/[\d.:]+\/healthz"/, 5_000);
      await waitForOutput(started, /^ {2}probes +http:\/\/[\d.:]+\/healthz/m, 5_000);
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { ready: true, checks: { backbone: 'ok' } });

      let quotes: unknown[] = [];
      // Without history the first ticks may not have reached every symbol yet.
      for (let i = 0; i < 100 && quotes.length < 20; i++) {
        quotes = ((await (await apiFetch(platform, '/api/quotes', { as: 'viewer' })).json()) as { quotes: unknown[] })
          .quotes;
        if (quotes.length < 20) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(quotes.length, 20, 'simulated ticks flow through the backbone into market-data');
      const bad = await apiFetch(platform, `/api/quotes/${'X'.repeat(40)}`, { as: 'viewer' });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { issues: { message: string }[] }).issues[0]?.message ?? '', /ticker symbol/);

      const metrics = await (await fetch(`${url}/metrics`)).text();
      for (const name of [
        'insitechart_http_request_duration_seconds_bucket',
        'insitechart_bus_events_published_total',
        'insitechart_bus_events_consumed_total',
        'insitechart_bus_consumer_lag_events',
        'process_cpu_seconds_total',
        'nodejs_eventloop_lag_seconds',
      ]) {
        assert.ok(metrics.includes(name), `/metrics has ${name}`);
      }
      assert.match(metrics, /insitechart_bus_events_published_total\{topic="market.ticks",outcome="ok"\} [1-9]/);
      assert.match(
        metrics,
        /insitechart_http_request_duration_seconds_count\{method="GET",route="\/api\/quotes",status_code="200"\} [1-9]/,
      );

      started.child.kill('SIGTERM');
      assert.equal(await started.exited, 0);
      assert.match(started.output(), /drained; bye/);
      if (promtoolMissing && process.env.CI !== 'true')
        t.diagnostic('promtool is not installed (apt-get install prometheus): format check not run');
      else checkWithPromtool(metrics);
    } finally {
      started.child.kill('SIGKILL');
    }
  });

  it('ships its logs to Elasticsearch in ECS form when ELASTICSEARCH_URL is set, flushing them on shutdown', async () => {
    const es = await startFakeElasticsearch();
    const started = startEntrypoint('platform/main.ts', {
      PORT: '0',
      HOST: '127.0.0.1',
      BUS_DURABLE: 'false',
      ELASTICSEARCH_URL: es.url,
      ELASTICSEARCH_LOG_INDEX: 'startup-test',
      MARKET_BACKFILL_DAYS: '0',
    });
    try {
      await waitForOutput(started, /InsiteChart is up at/, 60_000);
      started.child.kill('SIGTERM');
      assert.equal(await started.exited, 0);
      const docs = es.calls.flatMap((c) => c.docs);
      const up = docs.find((d) => typeof d.message === 'string' && d.message.startsWith('InsiteChart is up at'));
      assert.ok(up, `the start-up line reached Elasticsearch (got ${String(docs.length)} documents)`);
      assert.equal((up.log as { level?: string } | undefined)?.level, 'info');
      assert.equal((up.service as { name?: string } | undefined)?.name, 'insitechart');
      assert.ok(
        docs.some((d) => d.message === 'drained; bye'),
        'the last line before exit was flushed',
      );
      assert.deepEqual(es.calls[0]?.actions[0], { create: { _index: 'startup-test' } });
    } finally {
      started.child.kill('SIGKILL');
      await es.close();
    }
  });

  it('exports traces and metrics over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const received: { path: string; type: string; body: string }[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${String((collector.address() as AddressInfo).port)}`;
    const started = startEntrypoint('platform/main.ts', {
      PORT: '0',
      HOST: '127.0.0.1',
      BUS_DURABLE: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SERVICE_NAME: 'otlp-test',
      MARKET_BACKFILL_DAYS: '0',
    });
    try {
      const [, url] = await waitForOutput(started, /InsiteChart is up at (http:\/\/[\d.]+:\d+)\//, 60_000);
      // Market data is public by default (PUBLIC_MARKET_DATA).
      assert.equal((await apiFetch({ url: String(url) }, '/api/quotes', { as: 'anonymous' })).status, 200);
      started.child.kill('SIGTERM');
      assert.equal(await started.exited, 0);
      const traces = received.filter((r) => r.path === '/v1/traces');
      const metrics = received.filter((r) => r.path === '/v1/metrics');
      assert.ok(
        traces.some((r) => r.body.includes('otlp-test') && r.body.includes('/api/quotes')),
        'the request span reached the collector',
      );
      assert.ok(
        metrics.some((r) => r.body.includes('otlp-test')),
        'metrics reached the collector',
      );
    } finally {
      started.child.kill('SIGKILL');
      collector.close();
    }
  });
});

/** CI installs promtool (.ci/run), so there a missing promtool fails the test. */
function checkWithPromtool(metrics: string): void {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
  assert.equal(result.status, 0, `promtool check metrics failed:\n${result.stdout}${result.stderr}`);
}
