import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer, EachMessagePayload, KafkaMessage } from 'kafkajs';
import {
  backoffMs,
  type Delivery,
  type Handler,
  type ReplayPosition,
  type RetryPolicy,
  type Subscription,
} from '../bus.ts';
import type { Envelope, TopicEnvelope } from '../envelope.ts';
import { isDeadLetterTopic, type BaseTopicName, type DeadLetter, type TopicName } from '../topics.ts';
import { raceAbort } from '../../async/abort.ts';
import { CommitTracker } from './commit-tracker.ts';
import { isMembershipError, PartitionRevokedError, SubscriptionClosedError } from './errors.ts';
import type { KafkaBusLogger } from './logging.ts';
import { decodeRecord, errorMessage } from './wire.ts';

export interface GroupRecord {
  readonly group: string;
  readonly topic: TopicName;
  readonly groupId: string;
  readonly kafkaTopic: string;
  readonly from: 'earliest' | 'latest';
}

export interface SubscriptionHost {
  readonly admin: Admin;
  readonly partitions: number;
  readonly heartbeatIntervalMs: number;
  readonly warn: KafkaBusLogger;
  createConsumer(groupId: string): Consumer;
  deadLetter(topic: BaseTopicName, key: string, letter: DeadLetter, original: Envelope | undefined): Promise<void>;
  replayTargets(kafkaTopic: string, position: ReplayPosition): Promise<Map<number, number>>;
  peers(of: KafkaSubscription): KafkaSubscription[];
  forget(subscription: KafkaSubscription): void;
}

export interface SubscriptionBehaviour {
  readonly handler: Handler<TopicName>;
  readonly commit: 'auto' | 'manual';
  readonly retry: RetryPolicy;
}

/**
 * One kafkajs consumer (one group member). kafkajs never commits on its own here (autoCommit: false):
 * offsets are committed through one serial chain after each handled event, or on `delivery.commit()`.
 */
export class KafkaSubscription implements Subscription {
  readonly group: string;
  readonly topic: TopicName;
  readonly groupId: string;
  readonly kafkaTopic: string;
  readonly #host: SubscriptionHost;
  readonly #from: 'earliest' | 'latest';
  readonly #behaviour: SubscriptionBehaviour;
  /** Dead-letter topics have no dead-letter topic of their own: their handlers retry until they succeed. */
  readonly #retryForever: boolean;
  readonly #consumer: Consumer;
  readonly #offsets: CommitTracker;
  #state: 'open' | 'draining' | 'closed' = 'open';
  #closing: Promise<void> | undefined;
  readonly #inflight = new Map<number, AbortController>();
  readonly #working = new Set<Promise<void>>();

  constructor(host: SubscriptionHost, record: GroupRecord, behaviour: SubscriptionBehaviour) {
    this.group = record.group;
    this.topic = record.topic;
    this.groupId = record.groupId;
    this.kafkaTopic = record.kafkaTopic;
    this.#host = host;
    this.#from = record.from;
    this.#behaviour = behaviour;
    this.#retryForever = isDeadLetterTopic(record.topic);
    this.#consumer = host.createConsumer(record.groupId);
    this.#offsets = new CommitTracker(this.#consumer, record.kafkaTopic);
  }

  async open(): Promise<void> {
    const consumer = this.#consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.#joined(event.payload.memberAssignment[this.kafkaTopic] ?? []);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.#host.warn(
        `consumer of group ${this.group} on ${this.topic} crashed${restart ? ', restarting it' : ' and stays down'}`,
        { error: errorMessage(error) },
      );
    });
    await consumer.connect();
    // fromBeginning only applies to a group without committed offsets, as `from` is specified.
    await consumer.subscribe({ topic: this.kafkaTopic, fromBeginning: this.#from === 'earliest' });
    const snapshot = this.#from === 'latest' ? await this.#host.admin.fetchTopicOffsets(this.kafkaTopic) : undefined;
    await consumer.run({
      autoCommit: false,
      // Partitions are handled in parallel, each in order; kafkajs never runs one partition twice at once.
      partitionsConsumedConcurrently: Math.max(1, this.#host.partitions),
      eachMessage: (payload) => this.#onMessage(payload),
    });
    if (snapshot !== undefined) await this.#startAt(new Map(snapshot.map((s) => [s.partition, Number(s.high)])));
  }

  close(mode: 'drain' | 'abort' = 'drain'): Promise<void> {
    // An abort during a drain still cuts the in-flight handlers short.
    if (mode === 'abort') this.#abortInflight(new SubscriptionClosedError());
    this.#closing ??= mode === 'abort' ? this.#abort() : this.#drain();
    return this.#closing;
  }

  async replay(position: ReplayPosition): Promise<void> {
    if (this.#state !== 'open') throw new Error('the subscription is closed');
    const targets = await this.#host.replayTargets(this.kafkaTopic, position);
    // kafkajs can only seek a member's own partitions: every member of this group in this process moves;
    // the commit moves the group's stored position for members elsewhere once they rejoin.
    for (const peer of this.#host.peers(this)) peer.#reposition(targets);
    await this.#offsets.commitPositions(targets);
  }

  /**
   * kafkajs resolves 'latest' at the first fetch, after run() returned: an event published in between would
   * be skipped. Pinning a new group to the end offsets read before joining makes `from: 'latest'` mean
   * "from subscribe()".
   */
  async #startAt(snapshot: ReadonlyMap<number, number>): Promise<void> {
    const stored = await this.#host.admin.fetchOffsets({ groupId: this.groupId, topics: [this.kafkaTopic] });
    const unset = (stored.find((t) => t.topic === this.kafkaTopic)?.partitions ?? []).filter(
      (p) => Number(p.offset) < 0,
    );
    const targets = new Map<number, number>();
    for (const p of unset) {
      const end = snapshot.get(p.partition);
      if (end !== undefined) targets.set(p.partition, end);
    }
    if (targets.size === 0) return;
    this.#reposition(targets);
    await this.#offsets.commitPositions(targets);
  }

  #joined(partitions: readonly number[]): void {
    const assigned = new Set(partitions);
    for (const [partition, controller] of this.#inflight) {
      if (!assigned.has(partition)) controller.abort(new PartitionRevokedError(undefined));
    }
    this.#offsets.rejoin(assigned);
  }

  #reposition(targets: ReadonlyMap<number, number>): void {
    this.#offsets.reposition(targets, (partition, offset) => {
      if (this.#state !== 'open') return;
      try {
        // Applied at the next fetch; kafkajs also stops handing out the rest of an already fetched batch.
        this.#consumer.seek({ topic: this.kafkaTopic, partition, offset: String(offset) });
      } catch (error) {
        this.#host.warn(`could not move group ${this.group} on ${this.topic}[${partition}] to ${offset}`, {
          error: errorMessage(error),
        });
      }
    });
  }

  async #onMessage(payload: EachMessagePayload): Promise<void> {
    const { partition, message } = payload;
    // Closing, or a partition this member no longer owns: the event stays uncommitted for its next owner.
    if (this.#state !== 'open' || !this.#offsets.isAssigned(partition)) return;
    const offset = Number(message.offset);
    this.#offsets.fetched(partition, offset);
    const controller = new AbortController();
    this.#inflight.set(partition, controller);
    // kafkajs heartbeats only between events. Beating while a handler runs keeps a slow handler's member
    // in the group, and is how a rebalance reaches it: eager rebalancing revokes every partition, so the
    // handler is aborted and this member rejoins promptly instead of holding up the whole group.
    const beat = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => {
        if (isMembershipError(error)) this.#abortInflight(new PartitionRevokedError(error));
      });
    }, this.#host.heartbeatIntervalMs);
    const work = this.#handle(partition, offset, message, controller.signal, this.#offsets.epochOf(partition));
    this.#working.add(work);
    try {
      await work;
    } finally {
      clearInterval(beat);
      this.#working.delete(work);
      if (this.#inflight.get(partition) === controller) this.#inflight.delete(partition);
    }
    const reason: unknown = controller.signal.reason;
    // Rethrowing the heartbeat's error makes kafkajs rejoin at once, without resolving this event's offset.
    if (reason instanceof PartitionRevokedError && reason.membershipError !== undefined) throw reason.membershipError;
  }

  async #handle(
    partition: number,
    offset: number,
    message: KafkaMessage,
    signal: AbortSignal,
    epoch: number,
  ): Promise<void> {
    const decoded = decodeRecord(this.topic, message.value);
    if (!decoded.ok) {
      // Unreadable or schema-invalid: retrying cannot help.
      await this.#deadLetter({
        partition,
        offset,
        message,
        attempts: 0,
        error: decoded.error,
        original: decoded.original,
        envelope: undefined,
        signal,
        epoch,
      });
      return;
    }
    const { envelope } = decoded;
    const { handler, retry } = this.#behaviour;
    let lastError = '';
    let attempt = 1;
    for (; ; attempt++) {
      let handled = false;
      try {
        const result = handler(this.#delivery(envelope, partition, offset, attempt, signal, epoch));
        if (result instanceof Promise) await raceAbort(result, signal);
        handled = true;
      } catch (error) {
        lastError = errorMessage(error);
      }
      if (signal.aborted) return;
      if (handled) {
        if (this.#behaviour.commit === 'auto')
          await this.#offsets.commit(partition, epoch, offset + 1).catch(this.#commitFailed);
        return;
      }
      if (!this.#retryForever && attempt > retry.retries) break;
      try {
        // Waiting here, not elsewhere, holds back the partition's later events: order per key is kept.
        await sleep(backoffMs(retry, Math.min(attempt, 64)), undefined, { signal });
      } catch {
        return;
      }
    }
    await this.#deadLetter({
      partition,
      offset,
      message,
      attempts: attempt,
      error: lastError,
      original: decoded.original,
      envelope,
      signal,
      epoch,
    });
  }

  async #deadLetter(d: {
    readonly partition: number;
    readonly offset: number;
    readonly message: KafkaMessage;
    readonly attempts: number;
    readonly error: string;
    readonly original: unknown;
    readonly envelope: Envelope | undefined;
    readonly signal: AbortSignal;
    readonly epoch: number;
  }): Promise<void> {
    if (isDeadLetterTopic(this.topic)) {
      // Only unreadable records get here (handlers of dead-letter topics retry forever); nowhere left to send them.
      this.#host.warn(`dropping an unreadable record of ${this.topic}[${d.partition}] at offset ${d.offset}`, {
        error: d.error,
      });
    } else {
      const key = d.envelope?.subject ?? keyText(d.message.key) ?? `offset-${d.offset}`;
      const letter: DeadLetter = {
        topic: this.topic,
        partition: d.partition,
        offset: d.offset,
        group: this.group,
        attempts: d.attempts,
        error: d.error,
        original: d.original,
      };
      // A failure propagates to kafkajs, which fetches the event again: the dead letter is not lost.
      await this.#host.deadLetter(this.topic, key, letter, d.envelope);
    }
    if (d.signal.aborted) return;
    // With manual commits, committing the dead letter's offset would also commit earlier events the handler
    // has not committed: only do it when it is next in line.
    const nextInLine = this.#offsets.isNextInLine(d.partition, d.offset);
    if (this.#behaviour.commit === 'auto' || nextInLine)
      await this.#offsets.commit(d.partition, d.epoch, d.offset + 1).catch(this.#commitFailed);
  }

  #delivery(
    envelope: TopicEnvelope<TopicName>,
    partition: number,
    offset: number,
    attempt: number,
    signal: AbortSignal,
    epoch: number,
  ): Delivery<TopicName> {
    return {
      topic: this.topic,
      envelope,
      partition,
      offset,
      attempt,
      signal,
      commit: () => {
        if (signal.aborted) return;
        void this.#offsets.commit(partition, epoch, offset + 1).catch(this.#commitFailed);
      },
    };
  }

  readonly #commitFailed = (error: unknown): void => {
    // The event is then redelivered (to this member or, after a rebalance, another): at-least-once.
    this.#host.warn(`commit failed for group ${this.group} on ${this.topic}`, { error: errorMessage(error) });
  };

  #abortInflight(reason: Error): void {
    for (const controller of this.#inflight.values()) controller.abort(reason);
  }

  async #drain(): Promise<void> {
    this.#state = 'draining';
    try {
      this.#consumer.pause([{ topic: this.kafkaTopic }]);
    } catch {
      // Not running (never joined, or crashed): nothing is fetched anyway.
    }
    while (this.#working.size > 0) await Promise.allSettled([...this.#working]);
    // kafkajs drops commits once its consumer is stopping, so they are flushed before disconnecting.
    await this.#offsets.settled();
    await this.#shutdown();
  }

  async #abort(): Promise<void> {
    this.#state = 'closed';
    // In-flight events stay uncommitted, but commits already requested (delivery.commit()) are kept.
    await this.#offsets.settled();
    await this.#shutdown();
  }

  async #shutdown(): Promise<void> {
    this.#state = 'closed';
    this.#host.forget(this);
    try {
      // Stops fetching, waits for kafkajs' eachMessage calls (ours return promptly now) and leaves the group,
      // so the remaining members rebalance at once rather than after the session timeout.
      await this.#consumer.disconnect();
    } catch (error) {
      this.#host.warn(`error while closing the consumer of group ${this.group} on ${this.topic}`, {
        error: errorMessage(error),
      });
    }
  }
}

function keyText(key: Buffer | null): string | undefined {
  const text = key?.toString('utf8');
  return text === undefined || text.length === 0 ? undefined : text;
}
