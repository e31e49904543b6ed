import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { EventBus } from '../../platform/backbone/bus.ts';
import { toError } from '../../platform/async/to-error.ts';
import type { Tick } from './feed.ts';

const tracer = trace.getTracer('insitechart.collectors.market');

/**
 * Publishes a batch of ticks inside one root span, `market.feed batch`: every publish of the batch is its
 * child, so the instrumented bus carries one trace per batch through consumers to the WebSocket sends.
 * A root span, because a batch starts its own unit of work whatever was active when the timer fired.
 */
export function publishTickBatch(bus: EventBus, feed: string, ticks: readonly Tick[]): Promise<void> {
  const attributes = {
    'insitechart.feed': feed,
    'messaging.destination.name': 'market.ticks',
    'messaging.operation.type': 'create',
    'messaging.batch.message_count': ticks.length,
  };
  return tracer.startActiveSpan(
    'market.feed batch',
    { kind: SpanKind.PRODUCER, root: true, attributes },
    async (span) => {
      try {
        const source = `collectors/market/${feed}`;
        await Promise.all(ticks.map((tick) => bus.publish('market.ticks', { key: tick.symbol, data: tick, source })));
      } catch (error) {
        const err = toError(error);
        span.recordException(err);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
