import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { SeverityNumber, SpanStatusCode } from '@opentelemetry/api';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { EmbeddedBus } from '../../platform/backbone/embedded/embedded-bus.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { startPlatform, type RunningPlatform } from '../../platform/runtime/platform.ts';
import { createLogger } from '../../platform/telemetry/logger.ts';
import { OtlpSource } from '../../detectors/sources/otlp.ts';
import type { Series } from '../../platform/series/series.ts';
import { decodeResponse, decodeStatus, encodeRequest } from './codec.ts';
import { loadOtlpConfig } from './config.ts';
import { otlpReceiverService } from './service.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const config = loadOtlpConfig({
  OTLP_WINDOW_MS: '300',
  OTLP_MAX_BODY_BYTES: '65536',
  OTLP_MAX_DECODED_BYTES: '1048576',
  OTLP_MAX_ITEMS_PER_SECOND: '3000',
  OTLP_MAX_IN_FLIGHT: '2',
});
const receiver = otlpReceiverService({ config });
let source: OtlpSource;
let platform: RunningPlatform;
let url: string;
const auth: Record<string, string> = {};

before(async () => {
  platform = await startPlatform({
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1' }),
    logger,
    bus: new EmbeddedBus({ partitions: 1, source: 'test' }),
    services: [receiver],
  });
  source = new OtlpSource({ store: receiver.store });
  url = platform.url;
  // What an OpenTelemetry exporter sends: OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer <token>.
  auth.authorization = `Bearer ${platform.identity.tokens.create('otlp-test', 'ingest', 1).secret}`;
});
after(async () => {
  await platform.stop();
});

async function series(selector: Parameters<typeof source.listSeries>[0]): Promise<Series[]> {
  return source.readRange(selector, { from: 0, to: Date.now() + 60_000 });
}
const sel = (name: string, extra: Record<string, string> = {}) => [
  { name: '__name__', op: '=' as const, value: name },
  ...Object.entries(extra).map(([k, v]) => ({ name: k, op: '=' as const, value: v })),
];

async function exportMetrics(
  exporter: PushMetricExporter,
  service: string,
  record: (m: ReturnType<MeterProvider['getMeter']>, round: number) => void,
): Promise<void> {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': 'i-1' }),
    readers: [reader],
  });
  const meter = provider.getMeter('checkout-lib');
  for (let round = 0; round < 2; round++) {
    record(meter, round);
    await reader.forceFlush();
    await new Promise((r) => setTimeout(r, 250));
  }
  await provider.shutdown();
}

describe('OTLP/HTTP receiver with the OpenTelemetry SDK exporters', () => {
  it('takes cumulative metrics in JSON: counters become rates, histograms quantiles, gauges values; labels from resource, scope and attributes', async () => {
    let counter: ReturnType<ReturnType<MeterProvider['getMeter']>['createCounter']> | undefined;
    let histogram: ReturnType<ReturnType<MeterProvider['getMeter']>['createHistogram']> | undefined;
    let gauge: ReturnType<ReturnType<MeterProvider['getMeter']>['createGauge']> | undefined;
    let queue: ReturnType<ReturnType<MeterProvider['getMeter']>['createUpDownCounter']> | undefined;
    await exportMetrics(
      new JsonMetricExporter({ url: `${url}/v1/metrics`, headers: auth }),
      'checkout',
      (meter, round) => {
        counter ??= meter.createCounter('orders.created');
        histogram ??= meter.createHistogram('order.latency', {
          unit: 's',
          advice: { explicitBucketBoundaries: [0.1, 0.2, 0.5, 1, 2] },
        });
        gauge ??= meter.createGauge('cart.size');
        queue ??= meter.createUpDownCounter('queue.depth');
        counter.add(round === 0 ? 5 : 100, { region: 'eu' });
        for (let i = 0; i < 100; i++) histogram.record(round === 0 ? 0.15 : 0.7, { region: 'eu' });
        gauge.record(round === 0 ? 3 : 7);
        queue.add(round === 0 ? 10 : -4);
      },
    );
    const [rate] = await series(sel('orders_created_rate', { region: 'eu' }));
    assert.ok(rate, 'a rate series for the counter');
    assert.equal(rate.labels.service, 'checkout');
    assert.equal(rate.labels.instance, 'i-1');
    assert.equal(rate.labels.otel_scope_name, 'checkout-lib');
    // 100 more orders over the ~250 ms between the exports (shutdown exports once more, unchanged: rate 0).
    const r = Math.max(...rate.points.map((p) => p.value));
    assert.ok(r > 10 && r <= 400.5, `100 orders over at least 250 ms: rate ${r}/s`);
    const [p50] = await series(sel('order_latency', { quantile: '0.5' }));
    assert.ok(p50, 'a median series for the histogram');
    assert.ok(
      p50.points.at(-1)!.value > 0.5 && p50.points.at(-1)!.value <= 1,
      `the second round's median lies in (0.5, 1]: ${p50.points.at(-1)!.value}`,
    );
    const [count] = await series(sel('order_latency_count_rate'));
    assert.ok(count !== undefined && Math.max(...count.points.map((p) => p.value)) > 100);
    const [cart] = await series(sel('cart_size'));
    assert.deepEqual(
      cart?.points.slice(0, 2).map((p) => p.value),
      [3, 7],
    );
    const [depth] = await series(sel('queue_depth'));
    assert.deepEqual(
      depth?.points.slice(0, 2).map((p) => p.value),
      [10, 6],
      'a cumulative up-down counter is a level',
    );
  });

  it('takes delta metrics in protobuf', async () => {
    let counter: ReturnType<ReturnType<MeterProvider['getMeter']>['createCounter']> | undefined;
    let histogram: ReturnType<ReturnType<MeterProvider['getMeter']>['createHistogram']> | undefined;
    await exportMetrics(
      new ProtoMetricExporter({
        url: `${url}/v1/metrics`,
        headers: auth,
        temporalityPreference: AggregationTemporalityPreference.DELTA,
      }),
      'payments',
      (meter) => {
        counter ??= meter.createCounter('payments.total');
        histogram ??= meter.createHistogram('payment.latency', { advice: { explicitBucketBoundaries: [1, 2, 4, 8] } });
        counter.add(50);
        for (let i = 1; i <= 40; i++) histogram.record(i % 2 === 0 ? 3 : 5);
      },
    );
    const [rate] = await series(sel('payments_total_rate', { service: 'payments' }));
    assert.ok(rate !== undefined && rate.points.length >= 1, 'delta sums give a rate from the first export on');
    assert.ok(rate.points.every((p) => p.value > 0));
    const [p99] = await series(sel('payment_latency', { service: 'payments', quantile: '0.99' }));
    assert.ok(
      p99 !== undefined && p99.points.at(-1)!.value > 4 && p99.points.at(-1)!.value <= 8,
      `p99 in the (4, 8] bucket: ${p99?.points.at(-1)?.value}`,
    );
  });

  it('derives RED series from spans (JSON and protobuf) and counts log records by severity', async () => {
    const spanRun = async (exporter: SpanExporter, service: string, errors: number) => {
      const provider = new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 60_000 })],
      });
      const tracer = provider.getTracer('t');
      for (let i = 0; i < 20; i++) {
        const span = tracer.startSpan('GET /quotes');
        if (i < errors) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      await provider.forceFlush();
      await provider.shutdown();
    };
    await spanRun(new JsonTraceExporter({ url: `${url}/v1/traces`, headers: auth }), 'web', 5);
    await spanRun(new ProtoTraceExporter({ url: `${url}/v1/traces`, headers: auth }), 'api', 0);
    const logs = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'web' }),
      processors: [
        new SimpleLogRecordProcessor({ exporter: new JsonLogExporter({ url: `${url}/v1/logs`, headers: auth }) }),
      ],
    });
    const log = logs.getLogger('l');
    for (let i = 0; i < 3; i++) log.emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: 'boom' });
    log.emit({ severityNumber: SeverityNumber.INFO, body: 'hello' });
    await logs.forceFlush();
    await logs.shutdown();
    await new Promise((r) => setTimeout(r, 700));
    const [errorRatio] = await series(sel('otlp_span_error_ratio', { service: 'web', span_name: 'GET /quotes' }));
    assert.ok(errorRatio, 'an error-ratio series for the JSON spans');
    // One batch, one request: the 20 spans land in one window.
    assert.ok(
      errorRatio.points.some((p) => p.value === 0.25),
      `5 of 20 spans failed: ${JSON.stringify(errorRatio.points)}`,
    );
    const [apiRate] = await series(sel('otlp_span_rate', { service: 'api', span_kind: 'internal' }));
    assert.ok(
      apiRate?.points.some((p) => p.value > 0),
      'a rate series for the protobuf spans',
    );
    const [p95] = await series(sel('otlp_span_duration_seconds', { service: 'api', quantile: '0.95' }));
    assert.ok(p95 !== undefined && p95.points[0]!.value >= 0 && p95.points[0]!.value < 1);
    // Each record is its own export: on a busy machine they can straddle windows, so wait until every
    // window holding them has closed (the counts then stop changing) before comparing.
    const total = (s: Series | undefined) => s?.points.reduce((n, p) => n + p.value, 0) ?? 0;
    const logTotals = async () => {
      const [errorLogs] = await series(sel('otlp_log_records_rate', { service: 'web', severity: 'error' }));
      const [infoLogs] = await series(sel('otlp_log_records_rate', { service: 'web', severity: 'info' }));
      return { errors: total(errorLogs), infos: total(infoLogs) };
    };
    let totals = await logTotals();
    for (const deadline = Date.now() + 5_000; Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 2 * config.windowMs));
      const next = await logTotals();
      if (next.errors === totals.errors && next.infos === totals.infos && next.infos > 0) break;
      totals = next;
    }
    assert.ok(totals.infos > 0, 'an info-records series');
    // Rates divide by each window's measured length, which timer jitter moves by a few per cent when the
    // records straddle windows: 3:1 within 5%, far from 2:1 or 4:1.
    assert.ok(
      Math.abs(totals.errors / totals.infos - 3) < 0.15,
      `three error records for one info record: ${JSON.stringify(totals)}`,
    );
  });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}
function post(path: string, body: Buffer | string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers: { ...auth, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
const json = { 'content-type': 'application/json' };
const nowNs = () => `${BigInt(Date.now()) * 1_000_000n}`;
const gaugeRequest = (points: unknown[]) => ({
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'raw' } }] },
      scopeMetrics: [{ metrics: [{ name: 'raw.gauge', gauge: { dataPoints: points } }] }],
    },
  ],
});

describe('OTLP/HTTP receiver protocol', () => {
  it('answers a partly invalid request with 200 and partial success counting the rejected points, in the request encoding', async () => {
    const body = gaugeRequest([{ timeUnixNano: nowNs(), asDouble: 1.5 }, { timeUnixNano: nowNs() }, { asInt: '3' }]);
    const res = await post('/v1/metrics', JSON.stringify(body), json);
    assert.equal(res.status, 200);
    const reply = JSON.parse(res.body.toString()) as {
      partialSuccess: { rejectedDataPoints: number; errorMessage: string };
    };
    assert.equal(reply.partialSuccess.rejectedDataPoints, 2);
    assert.match(reply.partialSuccess.errorMessage, /asDouble or asInt/);
    const proto = await post(
      '/v1/metrics',
      Buffer.from(
        encodeRequest('metrics', gaugeRequest([{ timeUnixNano: nowNs(), asDouble: 2 }, { timeUnixNano: nowNs() }])),
      ),
      { 'content-type': 'application/x-protobuf' },
    );
    assert.equal(proto.status, 200);
    assert.equal(proto.headers['content-type'], 'application/x-protobuf');
    assert.deepEqual(decodeResponse('metrics', proto.body), {
      partialSuccess: {
        rejectedDataPoints: 1,
        errorMessage: 'metric raw.gauge: data point needs a finite asDouble or asInt',
      },
    });
    const spans = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                { name: 'ok', startTimeUnixNano: nowNs(), endTimeUnixNano: nowNs() },
                { name: 'no start', endTimeUnixNano: nowNs() },
              ],
            },
          ],
        },
      ],
    };
    const traced = await post('/v1/traces', JSON.stringify(spans), json);
    assert.deepEqual(
      (JSON.parse(traced.body.toString()) as { partialSuccess: { rejectedSpans: number } }).partialSuccess
        .rejectedSpans,
      1,
    );
    const logs = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityNumber: 9 }, { severityNumber: 99 }] }] }] };
    const logged = await post('/v1/logs', Buffer.from(encodeRequest('logs', logs)), {
      'content-type': 'application/x-protobuf',
    });
    assert.deepEqual(decodeResponse('logs', logged.body), {
      partialSuccess: { rejectedLogRecords: 1, errorMessage: 'log record: severityNumber must be 0 to 24' },
    });
    const ok = await post('/v1/metrics', JSON.stringify(gaugeRequest([{ timeUnixNano: nowNs(), asDouble: 2 }])), json);
    assert.equal(ok.body.toString(), '{}', 'full success is an empty response');
  });

  it('accepts gzip, and refuses with the right status: 400 bad body, 413 too large, 415 media type, 405 method', async () => {
    const body = JSON.stringify(gaugeRequest([{ timeUnixNano: nowNs(), asDouble: 9 }]));
    assert.equal((await post('/v1/metrics', gzipSync(body), { ...json, 'content-encoding': 'gzip' })).status, 200);
    const badJson = await post('/v1/metrics', '{"resourceMetrics":', json);
    assert.equal(badJson.status, 400);
    assert.match((JSON.parse(badJson.body.toString()) as { message: string }).message, /not valid JSON/);
    const badShape = await post('/v1/metrics', JSON.stringify({ resourceMetrics: 'x' }), json);
    assert.equal(badShape.status, 400);
    assert.match(badShape.body.toString(), /resourceMetrics/);
    const garbage = await post('/v1/traces', Buffer.from([0x0a, 0xff, 0xff, 0xff]), {
      'content-type': 'application/x-protobuf',
    });
    assert.equal(garbage.status, 400);
    assert.match((decodeStatus(garbage.body) as { message: string }).message, /ExportTraceServiceRequest/);
    const big = await post('/v1/logs', Buffer.alloc(70_000, 0x20), json);
    assert.equal(big.status, 413);
    const chunked = await post('/v1/logs', Buffer.alloc(70_000, 0x20), { ...json, 'transfer-encoding': 'chunked' });
    assert.equal(chunked.status, 413, 'a body without Content-Length is cut off at the limit, and still answered');
    const bomb = await post('/v1/logs', gzipSync(Buffer.alloc(2_000_000, 0x20)), {
      ...json,
      'content-encoding': 'gzip',
    });
    assert.equal(bomb.status, 413, 'the decompressed size is limited too');
    assert.equal((await post('/v1/metrics', body, { 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post('/v1/metrics', body, { ...json, 'content-encoding': 'br' })).status, 415);
    assert.equal((await fetch(`${url}/v1/metrics`)).status, 405);
  });

  it('under overload answers 503 (too many in flight) and 429 (over the item rate), both with Retry-After', async () => {
    // Two requests that never finish sending hold both in-flight slots.
    const hold = [0, 1].map(() => {
      const req = request(`${url}/v1/metrics`, {
        method: 'POST',
        headers: { ...auth, ...json, 'content-length': '1000' },
      });
      req.on('error', () => undefined);
      req.write('{');
      return req;
    });
    await new Promise((r) => setTimeout(r, 200));
    const busy = await post('/v1/metrics', JSON.stringify(gaugeRequest([])), json);
    assert.equal(busy.status, 503);
    assert.equal(busy.headers['retry-after'], '1');
    for (const req of hold) req.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const many = Array.from({ length: 4_000 }, (_, i) => ({
      timeUnixNano: `${BigInt(Date.now() + i) * 1_000_000n}`,
      asDouble: i,
    }));
    const limited = await post('/v1/metrics', gzipSync(JSON.stringify(gaugeRequest(many))), {
      ...json,
      'content-encoding': 'gzip',
    });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['retry-after']) >= 1);
  });
});
