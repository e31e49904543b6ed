import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { apiFetch } from '../testing/api-client.ts';
import { withInstrumentationHooks } from './hooks.ts';
import { startTelemetry, type Telemetry } from './sdk.ts';

// Telemetry must be running before express and http are imported: the platform is imported dynamically below.
const exporter = new InMemorySpanExporter();
let telemetry: Telemetry | undefined;
await withInstrumentationHooks(() => {
  telemetry = startTelemetry({ serviceName: 'trace-test', spanProcessors: [new SimpleSpanProcessor({ exporter })] });
});

const { loadConfig } = await import('../config/config.ts');
const { EmbeddedBus } = await import('../backbone/embedded/embedded-bus.ts');
const { startPlatform } = await import('../runtime/platform.ts');
const { marketFeedService } = await import('../../collectors/market/feed-service.ts');
const { marketDataService } = await import('../market-data/service.ts');
const { createLogger } = await import('./logger.ts');
const { WebSocket } = await import('ws');

describe('trace context across HTTP, publish and consume', () => {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'trace-test',
    level: 'info',
    destination: {
      write: (line: string) => {
        lines.push(line);
      },
    },
  });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', MARKET_TICK_INTERVAL_MS: '60000', MARKET_SYMBOLS: '2' });
  let platform: Awaited<ReturnType<typeof startPlatform>>;

  before(async () => {
    platform = await startPlatform({
      config,
      logger,
      services: [marketFeedService(), marketDataService()],
      bus: new EmbeddedBus({ partitions: 4, source: 'test' }),
    });
  });
  after(async () => {
    await platform.stop();
    await telemetry?.shutdown();
  });

  it('one trace id spans the HTTP request, the publish, the consumer and the WebSocket send', async () => {
    const socket = new WebSocket(`${platform.url.replace('http', 'ws')}/ws`);
    const messages: { type: string; traceparent?: string }[] = [];
    socket.on('message', (data: Buffer) => {
      messages.push(JSON.parse(data.toString()) as { type: string });
    });
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'subscribe', symbols: ['AAPL'] }));
    while (!messages.some((m) => m.type === 'subscribed')) await new Promise((r) => setTimeout(r, 5));
    const feed = { token: platform.identity.tokens.create('trace-test-feed', 'feed', 1).secret };
    const response = await apiFetch(platform, '/api/market/ticks', {
      as: feed,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticks: [{ symbol: 'AAPL', price: 10.5, size: 3, ts: Date.now() }] }),
    });
    assert.equal(response.status, 202);
    const { ids } = (await response.json()) as { ids: string[] };
    assert.equal(ids.length, 1);

    let spans: ReadableSpan[] = [];
    const deadline = Date.now() + 5_000;
    const consumerSpan = (): ReadableSpan | undefined =>
      spans.find((s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.message.id'] === ids[0]);
    while (consumerSpan() === undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
      spans = exporter.getFinishedSpans();
    }
    const consume = consumerSpan();
    assert.ok(consume, 'a consumer span for the published event');
    const server = spans.find((s) => s.kind === SpanKind.SERVER && s.attributes['http.route'] === '/api/market/ticks');
    assert.ok(server, `an HTTP server span for the request (spans: ${spans.map((s) => s.name).join(', ')})`);
    const traceId = server.spanContext().traceId;
    const publish = spans.find((s) => s.kind === SpanKind.PRODUCER && s.attributes['messaging.message.id'] === ids[0]);
    assert.ok(publish, 'a producer span for the publish');
    assert.equal(publish.spanContext().traceId, traceId, 'publish joins the HTTP trace');
    assert.equal(consume.spanContext().traceId, traceId, 'consume joins the HTTP trace');
    assert.equal(
      consume.parentSpanContext?.spanId,
      publish.spanContext().spanId,
      'the consumer span is a child of the producer span',
    );
    assert.ok(
      spans.some((s) => s.spanContext().traceId === traceId && s.instrumentationScope.name.includes('express')),
      'express instrumentation made spans in the same trace',
    );

    while (!messages.some((m) => m.type === 'update') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    const update = messages.find((m) => m.type === 'update');
    assert.ok(update?.traceparent, 'the update message carries a traceparent');
    assert.equal(update.traceparent.split('-')[1], traceId, 'the WebSocket message continues the HTTP trace');
    const send = exporter
      .getFinishedSpans()
      .find((s) => s.name === 'WS send update' && s.spanContext().traceId === traceId);
    assert.ok(send, 'a span for the WebSocket send');
    assert.equal(send.parentSpanContext?.spanId, consume.spanContext().spanId, 'sent from within the consumer span');
    socket.close();
  });

  it("continues the client's trace on the WebSocket upgrade and its messages", async () => {
    const clientTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { context, trace } = await import('@opentelemetry/api');
    // The client runs in this instrumented process, so its HTTP client span carries the trace in the header.
    const clientContext = trace.setSpanContext(context.active(), {
      traceId: clientTrace,
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      isRemote: true,
    });
    const socket = context.with(clientContext, () => new WebSocket(`${platform.url.replace('http', 'ws')}/ws`));
    const messages: { type: string; traceparent?: string }[] = [];
    socket.on('message', (data: Buffer) => {
      messages.push(JSON.parse(data.toString()) as { type: string });
    });
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'subscribe', symbols: ['MSFT'] }));
    while (!messages.some((m) => m.type === 'subscribed')) await new Promise((r) => setTimeout(r, 5));
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === clientTrace);
    const clientSpan = spans.find((s) => s.kind === SpanKind.CLIENT);
    assert.ok(clientSpan, "the client's upgrade request span");
    assert.ok(
      spans.some((s) => s.name === 'WS upgrade /ws' && s.parentSpanContext?.spanId === clientSpan.spanContext().spanId),
      'the upgrade span continues the trace sent in the traceparent header',
    );
    assert.ok(
      spans.some((s) => s.name === 'WS receive message'),
      'message handling joins the connection trace',
    );
    assert.equal(messages[0]?.traceparent?.split('-')[1], clientTrace, 'answers carry the trace back');
    socket.close();
  });

  it('writes log lines carrying the trace and span ids of the active span', async () => {
    const { trace } = await import('@opentelemetry/api');
    const tracer = trace.getTracer('test');
    const ids = tracer.startActiveSpan('work', (span) => {
      logger.info('inside a span');
      span.end();
      return span.spanContext();
    });
    await new Promise<void>((resolve) => {
      logger.flush(() => {
        resolve();
      });
    });
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'inside a span');
    assert.ok(line);
    assert.equal(line.trace_id, ids.traceId);
    assert.equal(line.span_id, ids.spanId);
  });
});
