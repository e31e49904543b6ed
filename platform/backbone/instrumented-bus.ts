import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { faultPoints } from '../faults/points.ts';
import type { Delivery, EventBus, PartitionLag, SubscribeOptions, Subscription } from './bus.ts';
import type { PublishInput, TopicEnvelope } from './envelope.ts';
import type { TopicName } from './topics.ts';

/** Counters the instrumented bus reports to; the platform backs them with prom-client. */
export interface BusMetrics {
  published(topic: TopicName, outcome: 'ok' | 'error'): void;
  consumed(topic: TopicName, group: string, outcome: 'ok' | 'error', seconds: number): void;
}

const tracer = trace.getTracer('insitechart.backbone');

type Carrier = { traceparent?: string; tracestate?: string };

const carrierGetter = {
  keys: (carrier: Carrier) => Object.keys(carrier),
  get: (carrier: Carrier, key: string) =>
    key === 'traceparent' ? carrier.traceparent : key === 'tracestate' ? carrier.tracestate : undefined,
};

/**
 * Wraps any EventBus with spans and metrics: a PRODUCER span per publish whose context travels in the
 * envelope's traceparent, and a CONSUMER span per delivery that continues that trace, so one trace runs
 * from an HTTP request through every consumer of the event it published.
 */
export function instrumentBus(bus: EventBus, metrics?: BusMetrics): EventBus {
  if (metrics !== undefined)
    bus.onDeadLetter?.((topic, outcome) => {
      metrics.published(topic, outcome);
    });
  return {
    kind: bus.kind,
    publish<T extends TopicName>(topic: T, input: PublishInput<T>): Promise<TopicEnvelope<T>> {
      const attributes: Attributes = {
        'messaging.system': bus.kind,
        'messaging.destination.name': topic,
        'messaging.operation.type': 'send',
        'messaging.message.conversation_id': input.key,
      };
      return tracer.startActiveSpan(`send ${topic}`, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
        const carrier: Carrier = {};
        propagation.inject(context.active(), carrier);
        try {
          const envelope = await bus.publish(topic, { ...input, ...carrier });
          span.setAttribute('messaging.message.id', envelope.id);
          metrics?.published(topic, 'ok');
          return envelope;
        } catch (error) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : String(error),
          });
          metrics?.published(topic, 'error');
          throw error;
        } finally {
          span.end();
        }
      });
    },
    subscribe<T extends TopicName>(options: SubscribeOptions<T>): Promise<Subscription> {
      const handler = (delivery: Delivery<T>): Promise<void> => {
        const parent = propagation.extract(context.active(), delivery.envelope, carrierGetter);
        const attributes: Attributes = {
          'messaging.system': bus.kind,
          'messaging.destination.name': delivery.topic,
          'messaging.operation.type': 'process',
          'messaging.consumer.group.name': options.group,
          'messaging.destination.partition.id': String(delivery.partition),
          'messaging.kafka.offset': delivery.offset,
          'messaging.message.id': delivery.envelope.id,
          'messaging.message.delivery_attempt': delivery.attempt,
        };
        return tracer.startActiveSpan(
          `process ${delivery.topic}`,
          { kind: SpanKind.CONSUMER, attributes },
          parent,
          async (span) => {
            const started = performance.now();
            try {
              const delay = faultPoints().consumerDelayMs(options.group);
              if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
              await options.handler(delivery);
              metrics?.consumed(delivery.topic, options.group, 'ok', (performance.now() - started) / 1000);
            } catch (error) {
              span.recordException(error instanceof Error ? error : String(error));
              span.setStatus({
                code: SpanStatusCode.ERROR,
                message: error instanceof Error ? error.message : String(error),
              });
              metrics?.consumed(delivery.topic, options.group, 'error', (performance.now() - started) / 1000);
              throw error;
            } finally {
              span.end();
            }
          },
        );
      };
      return bus.subscribe({ ...options, handler });
    },
    lag: (): Promise<PartitionLag[]> => bus.lag(),
    ready: (): Promise<boolean> => bus.ready(),
    close: (): Promise<void> => bus.close(),
    onDeadLetter: (listener) => bus.onDeadLetter?.(listener),
  };
}
