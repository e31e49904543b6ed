import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { EmbeddedBus } from '../../platform/backbone/embedded/embedded-bus.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { startPlatform, type RunningPlatform } from '../../platform/runtime/platform.ts';
import { createLogger } from '../../platform/telemetry/logger.ts';
import { loadOtlpConfig } from './config.ts';
import { otlpReceiverService } from './service.ts';

let platform: RunningPlatform;
const published: unknown[] = [];
const hosts: unknown[] = [];

before(async () => {
  platform = await startPlatform({
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1' }),
    logger: createLogger({ service: 'test', level: 'silent' }),
    bus: new EmbeddedBus({ partitions: 1, source: 'test' }),
    services: [otlpReceiverService({ config: loadOtlpConfig({ OTLP_WINDOW_MS: '200' }) })],
  });
  await platform.bus.subscribe({
    group: 'test-service-graph',
    topic: 'traces.service-graph',
    handler: ({ envelope }) => {
      published.push(...(envelope.data.errors ?? []));
      hosts.push(...(envelope.data.hosts ?? []));
    },
  });
});
after(async () => {
  await platform.stop();
});

describe('failed requests from an OpenTelemetry SDK, on the bus', () => {
  it('publishes, with the service graph, where a traced request failed and the addresses its host reported', async () => {
    const token = platform.identity.tokens.create('otlp-test', 'ingest', 1).secret;
    const provider = new TracerProvider({
      resource: resourceFromAttributes({
        'service.name': 'checkout',
        'service.instance.id': 'checkout-1',
        'host.name': 'web07',
        'host.ip': ['10.0.3.7', '127.0.0.1'],
      }),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: new ProtoTraceExporter({
            url: `${platform.url}/v1/traces`,
            headers: { authorization: `Bearer ${token}` },
          }),
          scheduledDelayMillis: 60_000,
        }),
      ],
    });
    const tracer = provider.getTracer('t');
    const server = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER });
    const query = tracer.startSpan(
      'INSERT orders',
      { kind: SpanKind.CLIENT, attributes: { 'db.namespace': 'pg-orders' } },
      trace.setSpan(context.active(), server),
    );
    query.setStatus({ code: SpanStatusCode.ERROR });
    query.end();
    server.setStatus({ code: SpanStatusCode.ERROR });
    server.end();
    // A request that failed on its own: a different origin, another trace.
    const own = tracer.startSpan('GET /cart', { kind: SpanKind.SERVER });
    own.setStatus({ code: SpanStatusCode.ERROR });
    own.end();
    await provider.forceFlush();
    await provider.shutdown();
    for (const deadline = Date.now() + 5_000; published.length < 2 && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 100));
    const paths = (published as { on: string[]; origin: string[]; count: number }[]).map((p) =>
      [p.on.join('/'), p.origin.join('/'), p.count].join(' '),
    );
    assert.deepEqual(paths.sort(), ['checkout/checkout-1 checkout 1', 'checkout/checkout-1 pg-orders 1']);
    assert.deepEqual(hosts, [{ name: 'web07', addresses: ['10.0.3.7'] }], 'the loopback address names no machine');
  });
});
