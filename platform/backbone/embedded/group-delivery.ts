import type { Delivery } from '../bus.ts';
import type { TopicEnvelope } from '../envelope.ts';
import type { TopicName } from '../topics.ts';
import type { Member } from './consumer-group.ts';

/** What a delivery needs from its consumer group: the topic, and a commit that respects the member's abort. */
export interface DeliveryOwner<C> {
  readonly topic: TopicName;
  commitFrom(cursor: C, member: Member, generation: number, next: number): void;
}

/** A class rather than a literal with a closure: one allocation per delivery on the hot path. */
export class GroupDelivery<C extends { readonly partition: number }> implements Delivery<TopicName> {
  readonly #group: DeliveryOwner<C>;
  readonly #cursor: C;
  readonly #member: Member;
  readonly #generation: number;
  readonly offset: number;
  readonly envelope: TopicEnvelope<TopicName>;
  readonly attempt: number;

  constructor(
    group: DeliveryOwner<C>,
    cursor: C,
    member: Member,
    generation: number,
    offset: number,
    envelope: TopicEnvelope<TopicName>,
    attempt: number,
  ) {
    this.#group = group;
    this.#cursor = cursor;
    this.#member = member;
    this.#generation = generation;
    this.offset = offset;
    this.envelope = envelope;
    this.attempt = attempt;
  }

  get topic(): TopicName {
    return this.#group.topic;
  }

  get partition(): number {
    return this.#cursor.partition;
  }

  get signal(): AbortSignal {
    return this.#member.controller.signal;
  }

  commit(): void {
    this.#group.commitFrom(this.#cursor, this.#member, this.#generation, this.offset + 1);
  }
}
