import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { withInstrumentationHooks } from '../telemetry/hooks.ts';
import { startTelemetry, type Telemetry } from '../telemetry/sdk.ts';

// Telemetry must run before express, http and ws are imported: the platform is imported dynamically below.
const exporter = new InMemorySpanExporter();
let telemetry: Telemetry | undefined;
await withInstrumentationHooks(() => {
  telemetry = startTelemetry({
    serviceName: 'market-data-trace-test',
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
});
const { startTestPlatform } = await import('../testing/platform.ts');
const { marketDataService } = await import('./service.ts');
const { WebSocket } = await import('ws');

describe('trace context from a tick batch to the WebSocket send', () => {
  const dir = mkdtempSync(join(tmpdir(), 'market-data-trace-'));
  let platform: Awaited<ReturnType<typeof startTestPlatform>>;
  before(async () => {
    platform = await startTestPlatform(dir, [marketDataService({ stream: { flushMs: 10 } })]);
  });
  after(async () => {
    await platform.stop();
    await telemetry?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the update in a span of the batch trace, child of the consumer span, and carries its traceparent', async () => {
    const socket = new WebSocket(`${platform.url.replace('http', 'ws')}/ws`);
    const messages: { type: string; traceparent?: string }[] = [];
    socket.on('message', (data: Buffer) => {
      messages.push(JSON.parse(data.toString()) as { type: string });
    });
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'subscribe', symbols: ['MSFT', 'AAPL'] }));
    while (!messages.some((m) => m.type === 'subscribed')) await new Promise((r) => setTimeout(r, 5));

    // A feed publishes a batch of ticks under one span: one trace per batch.
    const batchTrace = await trace.getTracer('test-feed').startActiveSpan('publish tick batch', async (span) => {
      await Promise.all(
        ['AAPL', 'MSFT'].map((symbol) =>
          platform.bus.publish('market.ticks', { key: symbol, data: { symbol, price: 10, size: 1, ts: Date.now() } }),
        ),
      );
      span.end();
      return span.spanContext().traceId;
    });
    const deadline = Date.now() + 5_000;
    while (!messages.some((m) => m.type === 'update') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    const update = messages.find((m) => m.type === 'update');
    assert.equal(update?.traceparent?.split('-')[1], batchTrace, 'the update continues the batch trace');
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === batchTrace);
    const send = spans.find((s) => s.name === 'WS send update');
    assert.ok(send, `a send span in the batch trace (spans: ${spans.map((s) => s.name).join(', ')})`);
    assert.equal(send.kind, SpanKind.PRODUCER);
    const consumer = spans.find(
      (s) => s.kind === SpanKind.CONSUMER && s.spanContext().spanId === send.parentSpanContext?.spanId,
    );
    assert.ok(consumer, 'the send span is a child of a consumer span of the batch');
    assert.equal(update.traceparent.split('-')[2], send.spanContext().spanId, 'the message names the send span');
    socket.close();
  });
});
