import kafkajs, { type Admin, type Producer } from 'kafkajs';
import {
  BusClosedError,
  resolveRetryPolicy,
  type DeadLetterListener,
  type EventBus,
  type Handler,
  type PartitionLag,
  type SubscribeOptions,
  type Subscription,
} from '../bus.ts';
import { DeadLetterObservers } from '../dead-letter-observers.ts';
import { createEnvelope, type Envelope, type PublishInput, type TopicEnvelope } from '../envelope.ts';
import { allTopicNames, deadLetterTopic, isTopicName, type TopicName } from '../topics.ts';
import { withTimeout } from '../../async/abort.ts';
import { subscriptionRoundRobin } from './assigner.ts';
import { toError } from '../../async/to-error.ts';
import { KafkaSubscription, type GroupRecord, type SubscriptionHost } from './kafka-subscription.ts';
import { defaultLogger, routeLogs, type KafkaBusLogger } from './logging.ts';
import { PublishQueue } from './publish-queue.ts';
import { ensureTopics, groupsLag, replayTargets } from './topic-admin.ts';
import { encodeEnvelope, errorMessage } from './wire.ts';

export { PartitionRevokedError, SubscriptionClosedError } from './errors.ts';
export type { KafkaBusLogger } from './logging.ts';

const { Kafka, Partitioners, logLevel } = kafkajs;
type KafkaClient = InstanceType<typeof Kafka>;

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
  readonly #deadLetters = new DeadLetterObservers();
  readonly #queue: PublishQueue;
  readonly #host: SubscriptionHost;
  readonly #subscriptions = new Set<KafkaSubscription>();
  readonly #groups = new Map<string, GroupRecord>();
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: KafkaBusOptions) {
    if (!Number.isInteger(options.partitions) || options.partitions < 1)
      throw new RangeError('partitions must be a whole number >= 1');
    if (options.brokers.length === 0) throw new RangeError('brokers must list at least one host:port');
    if (
      options.replicationFactor !== undefined &&
      (!Number.isInteger(options.replicationFactor) || options.replicationFactor < 1)
    ) {
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
    if (this.#closing !== undefined) return Promise.reject(new BusClosedError());
    return this.#ensureStarted();
  }

  publish<T extends TopicName>(topic: T, input: PublishInput<T>): Promise<TopicEnvelope<T>> {
    if (this.#closing !== undefined) return Promise.reject(new BusClosedError());
    let envelope: TopicEnvelope<T>;
    try {
      envelope = createEnvelope(topic, input, this.#source);
    } catch (error) {
      return Promise.reject(toError(error));
    }
    return this.#send(topic, envelope).then(() => envelope);
  }

  async subscribe<T extends TopicName>(options: SubscribeOptions<T>): Promise<Subscription> {
    if (this.#closing !== undefined) throw new BusClosedError();
    if (!isTopicName(options.topic)) throw new Error(`unknown topic ${String(options.topic)}`);
    if (typeof options.group !== 'string' || options.group.length === 0)
      throw new Error('group must be a non-empty string');
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
    return groupsLag(this.#admin, this.#groups.values());
  }

  async ready(): Promise<boolean> {
    if (this.#closing !== undefined) return false;
    try {
      await withTimeout(
        (async () => {
          await this.#admin.connect();
          await this.#admin.describeCluster();
        })(),
        READY_TIMEOUT_MS,
      );
      return true;
    } catch {
      return false;
    }
  }

  onDeadLetter(listener: DeadLetterListener): void {
    this.#deadLetters.add(listener);
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
      await ensureTopics(
        this.#admin,
        allTopicNames.map((t) => this.#kafkaTopic(t)),
        {
          partitions: this.#partitions,
          replicationFactor: this.#replicationFactor,
          warn: this.#warn,
        },
      );
      await this.#producer.connect();
    })().catch((error: unknown) => {
      // A failed start (broker down) is retried by the next call instead of failing forever.
      this.#starting = undefined;
      throw toError(error);
    });
    return this.#starting;
  }

  async #send(topic: TopicName, envelope: Envelope): Promise<void> {
    // Stamped before waiting on the start, so the record's time is the publish time (replay by time uses it).
    const timestamp = Date.now();
    await this.#ensureStarted();
    await this.#queue.push(this.#kafkaTopic(topic), encodeEnvelope(envelope, timestamp));
  }

  async #shutdown(): Promise<void> {
    await Promise.allSettled([...this.#subscriptions].map((s) => s.close('drain')));
    await this.#queue.flush();
    const results = await Promise.allSettled([this.#producer.disconnect(), this.#admin.disconnect()]);
    for (const r of results)
      if (r.status === 'rejected')
        this.#warn('error while disconnecting from Kafka', { error: errorMessage(r.reason) });
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
        const envelope = createEnvelope(
          deadLetterTopic(topic),
          {
            key,
            data: letter,
            ...(original?.traceparent === undefined ? {} : { traceparent: original.traceparent }),
            ...(original?.tracestate === undefined ? {} : { tracestate: original.tracestate }),
          },
          this.#source,
        );
        await this.#deadLetters.observe(deadLetterTopic(topic), () => this.#send(deadLetterTopic(topic), envelope));
      },
      replayTargets: (kafkaTopic, position) => replayTargets(this.#admin, kafkaTopic, position),
      peers: (of) => [...this.#subscriptions].filter((s) => s.groupId === of.groupId && s.kafkaTopic === of.kafkaTopic),
      forget: (subscription) => {
        this.#subscriptions.delete(subscription);
      },
    };
  }
}
