import type { EventBus } from '../backbone/bus.ts';
import type { PublishInput, TopicEnvelope } from '../backbone/envelope.ts';
import type { TopicName } from '../backbone/topics.ts';
import { currentActor } from './principal.ts';

/** A bus whose events carry the actor of the request that published them (the envelope's `actor` attribute). */
export function withActor(bus: EventBus): EventBus {
  return {
    kind: bus.kind,
    publish<T extends TopicName>(topic: T, input: PublishInput<T>): Promise<TopicEnvelope<T>> {
      const actor = input.actor ?? currentActor();
      return bus.publish(topic, actor === undefined ? input : { ...input, actor });
    },
    subscribe: (options) => bus.subscribe(options),
    lag: () => bus.lag(),
    ready: () => bus.ready(),
    close: () => bus.close(),
  };
}
