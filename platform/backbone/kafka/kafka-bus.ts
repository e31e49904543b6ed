import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs, { type Admin, type Consumer, type EachMessagePayload, type KafkaMessage, type logCreator, type Producer } from 'kafkajs';
import {
  backoffMs,
  resolveRetryPolicy,
  type Delivery,
  type EventBus,
  type Handler,
  type PartitionLag,
  type ReplayPosition,
  type RetryPolicy,
  type SubscribeOptions,
  type Subscription,
} from '../bus.ts';
import { createEnvelope, type Envelope, type PublishInput, type TopicEnvelope } from '../envelope.ts';
import { allTopicNames, deadLetterTopic, isDeadLetterTopic, isTopicName, type BaseTopicName, type DeadLetter, type TopicName } from '../topics.ts';
import { subscriptionRoundRobin } from './assigner.ts';
import { PublishQueue } from './publish-queue.ts';
import { decodeRecord, encodeEnvelope, errorMessage } from './wire.ts';

const { Kafka, Partitioners, logLevel } = kafkajs;
type KafkaClient = InstanceType<typeof Kafka>;

/** Receives the adapter's and kafkajs' warnings and errors. */
export type KafkaBusLogger = (message: string, detail?: Readonly<Record<string, unknown>>) => void;

/** Consumer timings; the defaults suit production, tests shorten them so groups rebalance faster. */
export interface KafkaConsumerTimings {
  /** A member silent for this long is dropped from its group (the broker bounds it: 6 s to 30 min by default). */
  readonly sessionTimeoutMs?: number;
  /** Also how often a long-running handler keeps its membership alive and learns of rebalances. */
  readonly heartbeatIntervalMs?: number;
  /** How long members may take to rejoin during a rebalance. */
  readonly rebalanceTimeoutMs?: number;
  /** Fetch long-poll; bounds how long close() waits for an idle consumer. */
  readonly maxWaitTimeMs?: number;
}

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Partitions of the topics this bus creates; existing topics keep theirs. */
  readonly partitions: number;
  /** CloudEvents `source` for events published without one. */
  readonly source: string;
  /** Prepended to every topic and consumer group name, to share a cluster between environments or test runs. */
  readonly topicPrefix?: string;
  /** Replicas of created topics; default min(3, brokers in the cluster). */
  readonly replicationFactor?: number;
  readonly logger?: KafkaBusLogger;
  readonly consumer?: KafkaConsumerTimings;
}

const defaultTimings: Required<KafkaConsumerTimings> = {
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  rebalanceTimeoutMs: 60_000,
  maxWaitTimeMs: 1_000,
};

const READY_TIMEOUT_MS = 5_000;

/** Heartbeat errors meaning this member's partitions are being taken away (kafkajs rejoins on them). */
const MEMBERSHIP_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/** The abort reason of a delivery whose subscription was closed with 'abort'. */
export class SubscriptionClosedError extends Error {
  constructor() {
    super('the subscription was closed');
    this.name = 'SubscriptionClosedError';
  }
}

/** The abort reason of a delivery whose partition went to another member (or back through a rejoin). */
export class PartitionRevokedError extends Error {
  /** The heartbeat error that revealed the rebalance, when that is how it was found. */
  readonly membershipError: Error | undefined;
  constructor(membershipError: Error | undefined) {
    super('the partition was revoked from this member');
    this.name = 'PartitionRevokedError';
    this.membershipError = membershipError;
  }
}

interface GroupRecord {
  readonly group: string;
  readonly topic: TopicName;
  readonly groupId: string;
  readonly kafkaTopic: string;
  readonly from: 'earliest' | 'latest';
}

interface SubscriptionHost {
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

/**
 * The EventBus on Kafka (kafkajs): CloudEvents in structured mode keyed by subject, an idempotent producer
 * with acks=all, one consumer per subscription committing explicitly after each handled event, retries and
 * dead-letter topics as the other adapters do them.
 */
export class KafkaBus implements EventBus {
  readonly kind = 'kafka';
  readonly #partitions: number;
  readonly #source: string;
  readonly #prefix: string;
  readonly #replicationFactor: number | undefined;
  readonly #timings: Required<KafkaConsumerTimings>;
  readonly #warn: KafkaBusLogger;
  readonly #clientConfig: ConstructorParameters<typeof Kafka>[0];
  readonly #kafka: KafkaClient;
  readonly #admin: Admin;
  readonly #producer: Producer;
  readonly #queue: PublishQueue;
  readonly #host: SubscriptionHost;
  readonly #subscriptions = new Set<KafkaSubscription>();
  readonly #groups = new Map<string, GroupRecord>();
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: KafkaBusOptions) {
    if (!Number.isInteger(options.partitions) || options.partitions < 1) throw new RangeError('partitions must be a whole number >= 1');
    if (options.brokers.length === 0) throw new RangeError('brokers must list at least one host:port');
    if (options.replicationFactor !== undefined && (!Number.isInteger(options.replicationFactor) || options.replicationFactor < 1)) {
      throw new RangeError('replicationFactor must be a whole number >= 1');
    }
    this.#partitions = options.partitions;
    this.#source = options.source;
    this.#prefix = options.topicPrefix ?? '';
    this.#replicationFactor = options.replicationFactor;
    this.#timings = { ...defaultTimings, ...options.consumer };
    this.#warn = options.logger ?? defaultLogger;
    this.#clientConfig = {
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      logCreator: routeLogs(this.#warn),
    };
    this.#kafka = new Kafka(this.#clientConfig);
    this.#admin = this.#kafka.admin();
    this.#producer = this.#kafka.producer({
      idempotent: true,
      // One request in flight per broker: retries cannot reorder a partition's batches.
      maxInFlightRequests: 1,
      // Passed explicitly (it is kafkajs' default: murmur2 like the Java client) to silence kafkajs' warning.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Topics come from the catalog; auto-creation would give them the broker's default partition count.
      allowAutoTopicCreation: false,
    });
    this.#queue = new PublishQueue((topicMessages) => this.#producer.sendBatch({ topicMessages, acks: -1 }));
    this.#host = this.#makeHost();
  }

  /** Connects and creates the catalog's topics; publish() and subscribe() call it on first use. */
  start(): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(new Error('the event bus is closed'));
    return this.#ensureStarted();
  }

  publish<T extends TopicName>(topic: T, input: PublishInput<T>): Promise<TopicEnvelope<T>> {
    if (this.#closing !== undefined) return Promise.reject(new Error('the event bus is closed'));
    let envelope: TopicEnvelope<T>;
    try {
      envelope = createEnvelope(topic, input, this.#source);
    } catch (error) {
      return Promise.reject(toError(error));
    }
    return this.#send(topic, envelope).then(() => envelope);
  }

  async subscribe<T extends TopicName>(options: SubscribeOptions<T>): Promise<Subscription> {
    if (this.#closing !== undefined) throw new Error('the event bus is closed');
    if (!isTopicName(options.topic)) throw new Error(`unknown topic ${String(options.topic)}`);
    if (typeof options.group !== 'string' || options.group.length === 0) throw new Error('group must be a non-empty string');
    const retry = resolveRetryPolicy(options.retry);
    await this.#ensureStarted();
    const record: GroupRecord = {
      group: options.group,
      topic: options.topic,
      groupId: this.#prefix + options.group,
      kafkaTopic: this.#kafkaTopic(options.topic),
      from: options.from ?? 'earliest',
    };
    const subscription = new KafkaSubscription(this.#host, record, {
      // The handler is typed per topic at the API; inside, the subscription deals in any topic's deliveries.
      handler: options.handler as unknown as Handler<TopicName>,
      commit: options.commit ?? 'auto',
      retry,
    });
    this.#subscriptions.add(subscription);
    // Remembered after the subscription closes: lag() keeps reporting the groups this bus has served.
    const groupKey = `${record.groupId}\u0000${record.kafkaTopic}`;
    if (!this.#groups.has(groupKey)) this.#groups.set(groupKey, record);
    try {
      await subscription.open();
    } catch (error) {
      await subscription.close('abort');
      throw error;
    }
    return subscription;
  }

  async lag(): Promise<PartitionLag[]> {
    await this.#ensureStarted();
    const perGroup = await Promise.all([...this.#groups.values()].map(async (g) => {
      const [offsets, ends] = await Promise.all([
        this.#admin.fetchOffsets({ groupId: g.groupId, topics: [g.kafkaTopic] }),
        this.#admin.fetchTopicOffsets(g.kafkaTopic),
      ]);
      const committedBy = new Map((offsets.find((t) => t.topic === g.kafkaTopic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      return ends.map((e): PartitionLag => {
        const end = Number(e.high);
        const stored = committedBy.get(e.partition) ?? -1;
        // No commit yet (-1): the group will start where `from` says.
        const committed = stored >= 0 ? stored : g.from === 'latest' ? end : Number(e.low);
        return { group: g.group, topic: g.topic, partition: e.partition, committed, end, lag: Math.max(0, end - committed) };
      });
    }));
    return perGroup.flat().sort((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  async ready(): Promise<boolean> {
    if (this.#closing !== undefined) return false;
    try {
      await withTimeout((async () => {
        await this.#admin.connect();
        await this.#admin.describeCluster();
      })(), READY_TIMEOUT_MS);
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  #kafkaTopic(topic: TopicName): string {
    return this.#prefix + topic;
  }

  #ensureStarted(): Promise<void> {
    this.#starting ??= (async () => {
      await this.#admin.connect();
      await this.#ensureTopics();
      await this.#producer.connect();
    })().catch((error: unknown) => {
      // A failed start (broker down) is retried by the next call instead of failing forever.
      this.#starting = undefined;
      throw toError(error);
    });
    return this.#starting;
  }

  async #ensureTopics(): Promise<void> {
    const wanted = allTopicNames.map((t) => this.#kafkaTopic(t));
    const existing = new Set(await this.#admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      const replicationFactor = this.#replicationFactor ?? Math.max(1, Math.min(3, (await this.#admin.describeCluster()).brokers.length));
      // Another process creating the same topics meanwhile is fine: kafkajs ignores TOPIC_ALREADY_EXISTS.
      await this.#admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: this.#partitions, replicationFactor })),
      });
    }
    const present = wanted.filter((t) => existing.has(t));
    if (present.length === 0) return;
    const { topics } = await this.#admin.fetchTopicMetadata({ topics: present });
    for (const t of topics) {
      if (t.partitions.length !== this.#partitions) {
        this.#warn(`topic ${t.name} has ${t.partitions.length} partitions, not the configured ${this.#partitions}; it is used as it is`);
      }
    }
  }

  async #send(topic: TopicName, envelope: Envelope): Promise<void> {
    // Stamped before waiting on the start, so the record's time is the publish time (replay by time uses it).
    const timestamp = Date.now();
    await this.#ensureStarted();
    await this.#queue.push(this.#kafkaTopic(topic), encodeEnvelope(envelope, timestamp));
  }

  async #replayTargets(kafkaTopic: string, position: ReplayPosition): Promise<Map<number, number>> {
    if ('time' in position) {
      const at = position.time.getTime();
      if (!Number.isFinite(at)) throw new RangeError('replay time is not a valid date');
      // kafkajs answers the end offset for partitions with nothing at or after that time.
      const offsets = await this.#admin.fetchTopicOffsetsByTimestamp(kafkaTopic, at);
      return new Map(offsets.map((o) => [o.partition, Number(o.offset)]));
    }
    if (!Number.isInteger(position.offset) || position.offset < 0) throw new RangeError('replay offset must be a whole number >= 0');
    const bounds = await this.#admin.fetchTopicOffsets(kafkaTopic);
    const chosen = position.partition === undefined ? bounds : bounds.filter((b) => b.partition === position.partition);
    if (chosen.length === 0) throw new RangeError(`topic ${kafkaTopic} has no partition ${String(position.partition)}`);
    // Clamped like the other adapters: before the retained start or past the end there is nothing to replay.
    return new Map(chosen.map((b) => [b.partition, Math.min(Math.max(position.offset, Number(b.low)), Number(b.high))]));
  }

  async #shutdown(): Promise<void> {
    await Promise.allSettled([...this.#subscriptions].map((s) => s.close('drain')));
    await this.#queue.flush();
    const results = await Promise.allSettled([this.#producer.disconnect(), this.#admin.disconnect()]);
    for (const r of results) if (r.status === 'rejected') this.#warn('error while disconnecting from Kafka', { error: errorMessage(r.reason) });
  }

  #makeHost(): SubscriptionHost {
    return {
      admin: this.#admin,
      partitions: this.#partitions,
      heartbeatIntervalMs: this.#timings.heartbeatIntervalMs,
      warn: this.#warn,
      createConsumer: (groupId) => {
        const t = this.#timings;
        // A client per consumer: kafkajs caches committed offsets per client and group, and members of one
        // group sharing that cache wipe each other's entries when either rejoins.
        return new Kafka(this.#clientConfig).consumer({
          groupId,
          partitionAssigners: [subscriptionRoundRobin],
          sessionTimeout: t.sessionTimeoutMs,
          heartbeatInterval: t.heartbeatIntervalMs,
          rebalanceTimeout: t.rebalanceTimeoutMs,
          maxWaitTimeInMs: t.maxWaitTimeMs,
          allowAutoTopicCreation: false,
        });
      },
      deadLetter: async (topic, key, letter, original) => {
        const envelope = createEnvelope(deadLetterTopic(topic), {
          key,
          data: letter,
          ...(original?.traceparent === undefined ? {} : { traceparent: original.traceparent }),
          ...(original?.tracestate === undefined ? {} : { tracestate: original.tracestate }),
        }, this.#source);
        await this.#send(deadLetterTopic(topic), envelope);
      },
      replayTargets: (kafkaTopic, position) => this.#replayTargets(kafkaTopic, position),
      peers: (of) => [...this.#subscriptions].filter((s) => s.groupId === of.groupId && s.kafkaTopic === of.kafkaTopic),
      forget: (subscription) => {
        this.#subscriptions.delete(subscription);
      },
    };
  }
}

interface SubscriptionBehaviour {
  readonly handler: Handler<TopicName>;
  readonly commit: 'auto' | 'manual';
  readonly retry: RetryPolicy;
}

/**
 * One kafkajs consumer (one group member). kafkajs never commits on its own here (autoCommit: false):
 * offsets are committed through one serial chain after each handled event, or on `delivery.commit()`.
 */
class KafkaSubscription implements Subscription {
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
  #state: 'open' | 'draining' | 'closed' = 'open';
  #closing: Promise<void> | undefined;
  #assigned = new Set<number>();
  readonly #inflight = new Map<number, AbortController>();
  readonly #working = new Set<Promise<void>>();
  #commits: Promise<void> = Promise.resolve();
  /**
   * A partition's epoch changes when this member rejoins the group or the partition is replayed; a commit
   * requested in an older epoch is dropped, as the partition restarts from its committed offset anyway.
   */
  readonly #epochs = new Map<number, number>();
  #baseEpoch = 0;
  #epochCounter = 0;
  /** Highest offset requested for commit per partition in its current epoch. */
  readonly #acked = new Map<number, number>();
  /** Highest offset committed per partition in its current epoch. */
  readonly #done = new Map<number, number>();
  /** First offset seen per partition in its current epoch: where it resumed, so everything before is committed. */
  readonly #resumedAt = new Map<number, number>();

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
  }

  async open(): Promise<void> {
    const consumer = this.#consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.#joined(event.payload.memberAssignment[this.kafkaTopic] ?? []);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.#host.warn(`consumer of group ${this.group} on ${this.topic} crashed${restart ? ', restarting it' : ' and stays down'}`, { error: errorMessage(error) });
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
    await this.#commitPositions(targets);
  }

  /**
   * kafkajs resolves 'latest' at the first fetch, after run() returned: an event published in between would
   * be skipped. Pinning a new group to the end offsets read before joining makes `from: 'latest'` mean
   * "from subscribe()".
   */
  async #startAt(snapshot: ReadonlyMap<number, number>): Promise<void> {
    const stored = await this.#host.admin.fetchOffsets({ groupId: this.groupId, topics: [this.kafkaTopic] });
    const unset = (stored.find((t) => t.topic === this.kafkaTopic)?.partitions ?? []).filter((p) => Number(p.offset) < 0);
    const targets = new Map<number, number>();
    for (const p of unset) {
      const end = snapshot.get(p.partition);
      if (end !== undefined) targets.set(p.partition, end);
    }
    if (targets.size === 0) return;
    this.#reposition(targets);
    await this.#commitPositions(targets);
  }

  #joined(partitions: readonly number[]): void {
    const assigned = new Set(partitions);
    for (const [partition, controller] of this.#inflight) {
      if (!assigned.has(partition)) controller.abort(new PartitionRevokedError(undefined));
    }
    this.#assigned = assigned;
    this.#baseEpoch = ++this.#epochCounter;
    this.#epochs.clear();
    this.#acked.clear();
    this.#done.clear();
    this.#resumedAt.clear();
  }

  #epochOf(partition: number): number {
    return this.#epochs.get(partition) ?? this.#baseEpoch;
  }

  #reposition(targets: ReadonlyMap<number, number>): void {
    for (const [partition, offset] of targets) {
      this.#epochs.set(partition, ++this.#epochCounter);
      this.#done.delete(partition);
      this.#resumedAt.delete(partition);
      if (!this.#assigned.has(partition)) {
        this.#acked.delete(partition);
        continue;
      }
      // The replay's commit stores this position; later commits must not go below it.
      this.#acked.set(partition, offset);
      this.#done.set(partition, offset);
      if (this.#state !== 'open') continue;
      try {
        // Applied at the next fetch; kafkajs also stops handing out the rest of an already fetched batch.
        this.#consumer.seek({ topic: this.kafkaTopic, partition, offset: String(offset) });
      } catch (error) {
        this.#host.warn(`could not move group ${this.group} on ${this.topic}[${partition}] to ${offset}`, { error: errorMessage(error) });
      }
    }
  }

  async #onMessage(payload: EachMessagePayload): Promise<void> {
    const { partition, message } = payload;
    // Closing, or a partition this member no longer owns: the event stays uncommitted for its next owner.
    if (this.#state !== 'open' || !this.#assigned.has(partition)) return;
    const offset = Number(message.offset);
    if (!this.#resumedAt.has(partition)) this.#resumedAt.set(partition, offset);
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
    const work = this.#handle(partition, offset, message, controller.signal, this.#epochOf(partition));
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

  async #handle(partition: number, offset: number, message: KafkaMessage, signal: AbortSignal, epoch: number): Promise<void> {
    const decoded = decodeRecord(this.topic, message.value);
    if (!decoded.ok) {
      // Unreadable or schema-invalid: retrying cannot help.
      await this.#deadLetter({ partition, offset, message, attempts: 0, error: decoded.error, original: decoded.original, envelope: undefined, signal, epoch });
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
        if (this.#behaviour.commit === 'auto') await this.#commit(partition, epoch, offset + 1).catch(this.#commitFailed);
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
    await this.#deadLetter({ partition, offset, message, attempts: attempt, error: lastError, original: decoded.original, envelope, signal, epoch });
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
      this.#host.warn(`dropping an unreadable record of ${this.topic}[${d.partition}] at offset ${d.offset}`, { error: d.error });
    } else {
      const key = d.envelope?.subject ?? keyText(d.message.key) ?? `offset-${d.offset}`;
      const letter: DeadLetter = { topic: this.topic, partition: d.partition, offset: d.offset, group: this.group, attempts: d.attempts, error: d.error, original: d.original };
      // A failure propagates to kafkajs, which fetches the event again: the dead letter is not lost.
      await this.#host.deadLetter(this.topic, key, letter, d.envelope);
    }
    if (d.signal.aborted) return;
    // With manual commits, committing the dead letter's offset would also commit earlier events the handler
    // has not committed: only do it when it is next in line.
    const nextInLine = (this.#acked.get(d.partition) ?? this.#resumedAt.get(d.partition)) === d.offset;
    if (this.#behaviour.commit === 'auto' || nextInLine) await this.#commit(d.partition, d.epoch, d.offset + 1).catch(this.#commitFailed);
  }

  #delivery(envelope: TopicEnvelope<TopicName>, partition: number, offset: number, attempt: number, signal: AbortSignal, epoch: number): Delivery<TopicName> {
    return {
      topic: this.topic,
      envelope,
      partition,
      offset,
      attempt,
      signal,
      commit: () => {
        if (signal.aborted) return;
        void this.#commit(partition, epoch, offset + 1).catch(this.#commitFailed);
      },
    };
  }

  #commit(partition: number, epoch: number, next: number): Promise<void> {
    if (epoch !== this.#epochOf(partition)) return Promise.resolve();
    const acked = this.#acked.get(partition);
    // Commits only move forward within an epoch (a late commit() of an earlier delivery is a no-op).
    if (acked !== undefined && next <= acked) return Promise.resolve();
    this.#acked.set(partition, next);
    return this.#enqueueCommit(async () => {
      // A rejoin or replay since the request: its new position must not be overwritten with an old one.
      if (epoch !== this.#epochOf(partition)) return;
      // One request carries every partition's latest requested offset: requests queued behind it become
      // no-ops, so commits keep up with fast handlers on many partitions.
      const offsets: { topic: string; partition: number; offset: string }[] = [];
      const epochs = new Map<number, number>();
      for (const [p, requested] of this.#acked) {
        const done = this.#done.get(p);
        if (!this.#assigned.has(p) || (done !== undefined && requested <= done)) continue;
        offsets.push({ topic: this.kafkaTopic, partition: p, offset: String(requested) });
        epochs.set(p, this.#epochOf(p));
      }
      if (offsets.length === 0) return;
      await this.#consumer.commitOffsets(offsets);
      for (const o of offsets) {
        if (epochs.get(o.partition) === this.#epochOf(o.partition)) this.#done.set(o.partition, Number(o.offset));
      }
    });
  }

  #commitPositions(targets: ReadonlyMap<number, number>): Promise<void> {
    const offsets = [...targets].map(([partition, offset]) => ({ topic: this.kafkaTopic, partition, offset: String(offset) }));
    return this.#enqueueCommit(() => this.#consumer.commitOffsets(offsets));
  }

  /** Commits run one at a time, in request order, so the broker never sees them out of order. */
  #enqueueCommit(task: () => Promise<void>): Promise<void> {
    const run = this.#commits.then(task);
    this.#commits = run.catch(() => undefined);
    return run;
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
    await this.#commits;
    await this.#shutdown();
  }

  async #abort(): Promise<void> {
    this.#state = 'closed';
    // In-flight events stay uncommitted, but commits already requested (delivery.commit()) are kept.
    await this.#commits;
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
      this.#host.warn(`error while closing the consumer of group ${this.group} on ${this.topic}`, { error: errorMessage(error) });
    }
  }
}

/** Waits for a handler, or for the abort signal: an aborted handler is abandoned, not awaited. */
function raceAbort(work: Promise<void>, signal: AbortSignal): Promise<void> {
  // An abandoned handler that fails later must not become an unhandled rejection.
  work.catch(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(toError(error));
      },
    );
  });
}

function isMembershipError(error: unknown): error is Error {
  return error instanceof Error && 'type' in error && typeof error.type === 'string' && MEMBERSHIP_ERRORS.has(error.type);
}

function keyText(key: Buffer | null): string | undefined {
  const text = key?.toString('utf8');
  return text === undefined || text.length === 0 ? undefined : text;
}

function routeLogs(log: KafkaBusLogger): logCreator {
  return () => (entry) => {
    const { message, ...detail } = entry.log;
    log(`kafkajs ${entry.namespace}: ${message}`, { ...detail, level: entry.label });
  };
}

function defaultLogger(message: string, detail?: Readonly<Record<string, unknown>>): void {
  console.warn(message, detail ?? '');
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  work.catch(() => undefined);
  const controller = new AbortController();
  try {
    await Promise.race([
      work,
      sleep(ms, undefined, { signal: controller.signal }).then(() => {
        throw new Error(`timed out after ${ms} ms`);
      }),
    ]);
  } finally {
    controller.abort();
  }
}
