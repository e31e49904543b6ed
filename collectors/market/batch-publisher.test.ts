import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { EmbeddedBus } from '../../platform/backbone/embedded/embedded-bus.ts';
import { waitFor } from '../../platform/backbone/conformance/bus-conformance.ts';
import { instrumentBus } from '../../platform/backbone/instrumented-bus.ts';
import { startTelemetry } from '../../platform/telemetry/sdk.ts';
import { publishTickBatch } from './batch-publisher.ts';

const exporter = new InMemorySpanExporter();
const telemetry = startTelemetry({
  serviceName: 'feed-trace-test',
  spanProcessors: [new SimpleSpanProcessor({ exporter })],
});

describe('one trace per tick batch', () => {
  const bus = instrumentBus(new EmbeddedBus({ partitions: 2, source: 'test' }));
  after(async () => {
    await bus.close();
    await telemetry.shutdown();
  });

  it('makes a root batch span whose children are every publish of the batch, continued by the consumers', async () => {
    let consumed = 0;
    await bus.subscribe({
      group: 'trace-test',
      topic: 'market.ticks',
      handler: () => {
        consumed++;
      },
    });
    const batch = (price: number) =>
      ['AAA', 'BBB', 'CCC'].map((symbol) => ({ symbol, price, size: 100, ts: Date.now() }));
    // Published from inside an unrelated active span: the batch must still start its own trace.
    await trace.getTracer('test').startActiveSpan('unrelated', async (outer) => {
      await publishTickBatch(bus, 'simulated', batch(10));
      outer.end();
    });
    await publishTickBatch(bus, 'simulated', batch(11));
    await waitFor(() => consumed === 6, 5_000, 'six consumed ticks');
    await waitFor(
      () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CONSUMER).length === 6,
      5_000,
      'consumer spans',
    );

    const spans = exporter.getFinishedSpans();
    const batches = spans.filter((s) => s.name === 'market.feed batch');
    assert.equal(batches.length, 2);
    const outer = spans.find((s) => s.name === 'unrelated');
    assert.ok(outer);
    for (const b of batches) {
      assert.equal(b.parentSpanContext, undefined, 'a root span');
      assert.equal(b.kind, SpanKind.PRODUCER);
      assert.equal(b.attributes['messaging.batch.message_count'], 3);
      assert.notEqual(b.spanContext().traceId, outer.spanContext().traceId);
      const traceId = b.spanContext().traceId;
      const sends = spans.filter(
        (s) => s.kind === SpanKind.PRODUCER && s.name === 'send market.ticks' && s.spanContext().traceId === traceId,
      );
      assert.equal(sends.length, 3, 'every publish of the batch is in its trace');
      for (const send of sends) assert.equal(send.parentSpanContext?.spanId, b.spanContext().spanId);
      const consumers = spans.filter((s) => s.kind === SpanKind.CONSUMER && s.spanContext().traceId === traceId);
      assert.equal(consumers.length, 3, 'consumers continue the batch trace');
    }
    assert.notEqual(batches[0]?.spanContext().traceId, batches[1]?.spanContext().traceId, 'one trace per batch');
  });
});
