import type { DeadLetterListener, EventBus, PartitionLag, SubscribeOptions, Subscription } from '../bus.ts';
import { BusClosedError, resolveRetryPolicy } from '../bus.ts';
import { toError } from '../../async/to-error.ts';
import { createEnvelope, type PublishInput, type TopicEnvelope } from '../envelope.ts';
import { DeadLetterObservers } from '../dead-letter-observers.ts';
import { createKeyPartitioner } from '../partitioner.ts';
import { allTopicNames, deadLetterTopic, isDeadLetterTopic, isTopicName, type TopicName } from '../topics.ts';
import { ConsumerGroup, createMember, type GroupHost } from './consumer-group.ts';
import type { LogStore, StoredCommit, StoredEvent } from './log-store.ts';
import { PartitionLog } from './partition-log.ts';

export interface EmbeddedBusOptions {
  readonly partitions: number;
  /** CloudEvents `source` for events published without one. */
  readonly source: string;
  /** When given, publishes are acknowledged only once written here, and groups resume from stored commits. */
  readonly store?: LogStore;
  /**
   * Events kept per partition once every group has read them; a partition past `hardLimit` is trimmed
   * even for lagging groups (as Kafka retention does) so a stuck consumer cannot exhaust memory. `total`
   * bounds the read events kept over all topics and partitions (default 50,000): every retained event
   * lives in memory, so a per-partition count alone lets memory grow with the number of busy partitions
   * until each has filled, hours at low rates (the soak's heap growth).
   */
  readonly retention?: { readonly events: number; readonly hardLimit: number; readonly total?: number };
  /**
   * Told of failures the bus recovers from by itself (a failed store write or trim, a dead letter not yet
   * written); the platform logs them. They never reject a promise nobody awaits.
   */
  readonly onError?: (error: unknown, context: string) => void;
}

/** A publish waiting for its batch to be written; it is the stored event itself (no copy per event). */
interface Pending extends StoredEvent {
  readonly log: PartitionLog;
  readonly envelope: TopicEnvelope<TopicName>;
  resolve(envelope: TopicEnvelope<TopicName>): void;
  reject(error: unknown): void;
}

/**
 * The in-process backbone: partitioned logs, consumer groups with at-least-once delivery, retries and
 * dead letters, replay; durable when given a LogStore (group commit: one write per batch of publishes).
 */
export class EmbeddedBus implements EventBus {
  readonly kind: string;
  readonly #partitions: number;
  readonly #source: string;
  readonly #store: LogStore | undefined;
  readonly #retention: { readonly events: number; readonly hardLimit: number; readonly total: number };
  readonly #partitionOf: (key: string) => number;
  readonly #logs = new Map<TopicName, PartitionLog[]>();
  readonly #groups = new Map<string, ConsumerGroup>();
  readonly #groupsByTopic = new Map<TopicName, ConsumerGroup[]>();
  readonly #storedCommits = new Map<string, number>();
  readonly #subscriptions = new Set<Subscription>();
  #pending: Pending[] = [];
  /** Groups whose commits changed since the last write. */
  #committedGroups = new Set<ConsumerGroup>();
  /** Commits of a failed write, retried with the next one (newer commits of the same partition win). */
  #retryCommits = new Map<string, StoredCommit>();
  #flushScheduled = false;
  #flushing: Promise<void> = Promise.resolve();
  #appendsSinceTrim = 0;
  #closed = false;
  /** Set once the store is closed: from then on not even a dead letter can be written. */
  #storeClosed = false;
  readonly #deadLetters = new DeadLetterObservers();
  readonly #onError: (error: unknown, context: string) => void;

  constructor(options: EmbeddedBusOptions) {
    this.#partitions = options.partitions;
    this.#source = options.source;
    this.#store = options.store;
    this.#retention = { events: 10_000, hardLimit: 200_000, total: 50_000, ...options.retention };
    this.#onError = options.onError ?? (() => undefined);
    this.#partitionOf = createKeyPartitioner(options.partitions);
    this.kind = options.store === undefined ? 'embedded' : 'embedded-durable';
    for (const topic of allTopicNames) {
      this.#logs.set(
        topic,
        Array.from({ length: this.#partitions }, (_, partition) => new PartitionLog(partition)),
      );
    }
    if (this.#store !== undefined) this.#restore(this.#store);
  }

  publish<T extends TopicName>(topic: T, input: PublishInput<T>): Promise<TopicEnvelope<T>> {
    if (this.#closed) return Promise.reject(new BusClosedError());
    return this.#append(topic, input);
  }

  /** Publishes without the closed check: dead letters of a draining consumer are still written. */
  #append<T extends TopicName>(topic: T, input: PublishInput<T>): Promise<TopicEnvelope<T>> {
    if (this.#storeClosed) return Promise.reject(new BusClosedError());
    const timestamp = Date.now();
    let envelope: TopicEnvelope<T>;
    try {
      envelope = createEnvelope(topic, input, this.#source, timestamp);
    } catch (error) {
      return Promise.reject(toError(error));
    }
    const log = this.#partitionLog(topic, this.#partitionOf(envelope.subject));
    const offset = log.append(envelope, timestamp);
    if (this.#store === undefined) {
      log.makeVisible(offset + 1);
      this.#wake(topic, log);
      this.#maybeTrim(1);
      return Promise.resolve(envelope);
    }
    return new Promise<TopicEnvelope<T>>((resolve, reject) => {
      this.#pending.push({
        topic,
        partition: log.partition,
        log,
        offset,
        timestamp,
        envelope,
        resolve: resolve as (e: TopicEnvelope<TopicName>) => void,
        reject,
      });
      this.#scheduleFlush();
    });
  }

  subscribe<T extends TopicName>(options: SubscribeOptions<T>): Promise<Subscription> {
    if (this.#closed) return Promise.reject(new BusClosedError());
    if (!isTopicName(options.topic)) return Promise.reject(new Error(`unknown topic ${String(options.topic)}`));
    if (options.group.length === 0) return Promise.reject(new Error('group must be a non-empty string'));
    const retry = resolveRetryPolicy(options.retry);
    const group = this.#group(options.group, options.topic, options.from ?? 'earliest');
    // The handler is typed per topic at the API; inside, the group deals in any topic's deliveries.
    const member = createMember(options.handler as Parameters<typeof createMember>[0], options.commit ?? 'auto', retry);
    group.join(member);
    let open = true;
    const subscription: Subscription = {
      group: options.group,
      topic: options.topic,
      close: async (mode = 'drain') => {
        if (!open) return;
        open = false;
        this.#subscriptions.delete(subscription);
        await group.leave(member, mode);
        if (mode === 'drain') await this.#flush();
      },
      replay: (position) => {
        group.replay(position);
        return Promise.resolve();
      },
    };
    this.#subscriptions.add(subscription);
    return Promise.resolve(subscription);
  }

  /** Events held over all topics and partitions (each of them in memory). */
  get retained(): number {
    let n = 0;
    for (const logs of this.#logs.values()) for (const log of logs) n += log.size;
    return n;
  }

  onDeadLetter(listener: DeadLetterListener): void {
    this.#deadLetters.add(listener);
  }

  lag(): Promise<PartitionLag[]> {
    return Promise.resolve([...this.#groups.values()].flatMap((g) => g.lag()));
  }

  ready(): Promise<boolean> {
    return Promise.resolve(!this.#closed);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => s.close('drain')));
    await this.#flush();
    this.#storeClosed = true;
    try {
      this.#store?.close();
    } catch (error) {
      this.#onError(error, 'closing the log store');
    }
  }

  #partitionLog(topic: TopicName, partition: number): PartitionLog {
    const log = this.#logs.get(topic)?.[partition];
    if (log === undefined) throw new Error(`no partition ${partition} for topic ${topic}`);
    return log;
  }

  #group(name: string, topic: TopicName, from: 'earliest' | 'latest'): ConsumerGroup {
    const id = `${name}\u0000${topic}`;
    let group = this.#groups.get(id);
    if (group === undefined) {
      const logs = this.#logs.get(topic) ?? [];
      group = new ConsumerGroup(
        name,
        topic,
        logs,
        this.#host,
        (partition) =>
          this.#storedCommits.get(commitKey(name, topic, partition)) ??
          (from === 'latest' ? (logs[partition]?.visibleEnd ?? 0) : 0),
        isDeadLetterTopic(topic),
      );
      this.#groups.set(id, group);
      const forTopic = this.#groupsByTopic.get(topic) ?? [];
      forTopic.push(group);
      this.#groupsByTopic.set(topic, forTopic);
    }
    return group;
  }

  readonly #host: GroupHost = {
    deadLetter: async (group, topic, partition, offset, original, attempts, error) => {
      if (isDeadLetterTopic(topic)) return;
      const subject =
        typeof original === 'object' &&
        original !== null &&
        'subject' in original &&
        typeof original.subject === 'string' &&
        original.subject.length > 0
          ? original.subject
          : `offset-${String(offset)}`;
      const dlq = deadLetterTopic(topic);
      await this.#deadLetters.observe(dlq, () =>
        this.#append(dlq, { key: subject, data: { topic, partition, offset, group, attempts, error, original } }),
      );
    },
    committed: (group) => {
      if (this.#store === undefined) return;
      this.#committedGroups.add(group);
      this.#scheduleFlush();
    },
    closing: () => this.#closed,
    failed: (group, topic, partition, error) => {
      this.#onError(error, `consumer group ${group} on ${topic}[${String(partition)}]`);
    },
  };

  #wake(topic: TopicName, log: PartitionLog): void {
    const groups = this.#groupsByTopic.get(topic);
    if (groups === undefined) return;
    for (const group of groups) group.wake(log.partition);
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // setImmediate lets every publish of the current turn join one transaction (group commit).
    setImmediate(() => {
      this.#flushScheduled = false;
      // Each link catches its own failure: one bad flush must not reject the chain and skip every later one.
      this.#flushing = this.#flushing.then(() => {
        this.#writeBatch();
      }, this.#chainFailed);
    });
  }

  readonly #chainFailed = (error: unknown): void => {
    this.#onError(error, 'flushing the log');
  };

  async #flush(): Promise<void> {
    await this.#flushing.catch(this.#chainFailed);
    this.#writeBatch();
  }

  #writeBatch(): void {
    const store = this.#store;
    if (store === undefined) return;
    const batch = this.#pending;
    const commits = this.#retryCommits;
    if (batch.length === 0 && commits.size === 0 && this.#committedGroups.size === 0) return;
    this.#pending = [];
    this.#retryCommits = new Map();
    for (const group of this.#committedGroups)
      for (const c of group.takeCommits()) commits.set(commitKey(c.group, c.topic, c.partition), c);
    this.#committedGroups.clear();
    try {
      store.write(batch, [...commits.values()]);
    } catch (error) {
      this.#onError(error, `writing ${String(batch.length)} events to the log store`);
      for (const p of batch) p.log.discardInvisible();
      // Commits are retried with the next batch; a lost commit only means a redelivery.
      this.#retryCommits = commits;
      for (const p of batch) p.reject(error);
      return;
    }
    for (const p of batch) {
      p.log.makeVisible(p.offset + 1);
      p.resolve(p.envelope);
    }
    for (const p of batch) this.#wake(p.topic, p.log);
    this.#maybeTrim(batch.length);
  }

  #restore(store: LogStore): void {
    const { events, commits } = store.load();
    for (const commit of commits)
      this.#storedCommits.set(commitKey(commit.group, commit.topic, commit.partition), commit.offset);
    for (const event of events) {
      if (!isTopicName(event.topic)) continue;
      const log = this.#logs.get(event.topic)?.[event.partition];
      if (log === undefined) continue;
      log.restore(event.offset, event.timestamp, event.envelope, event.poison);
    }
  }

  /** Applies retention every 10,000 appended events (a tenth of the total bound when that is smaller). */
  #maybeTrim(appended: number): void {
    this.#appendsSinceTrim += appended;
    if (this.#appendsSinceTrim < Math.min(10_000, Math.ceil(this.#retention.total / 10))) return;
    this.#appendsSinceTrim = 0;
    const trimmable: { topic: TopicName; partition: number; log: PartitionLog; readByAll: number }[] = [];
    let retained = 0;
    for (const [topic, logs] of this.#logs) {
      const groups = this.#groupsByTopic.get(topic) ?? [];
      logs.forEach((log, partition) => {
        if (log.size === 0) return;
        const readByAll = groups.reduce((min, g) => Math.min(min, g.committedOffset(partition)), log.visibleEnd);
        if (log.size > this.#retention.events) {
          const keepFrom = Math.max(
            Math.min(readByAll, log.visibleEnd - this.#retention.events),
            log.visibleEnd - this.#retention.hardLimit,
          );
          if (log.trimBefore(keepFrom) > 0) this.#trimStore(topic, partition, log.start);
        }
        retained += log.size;
        if (readByAll > log.start) trimmable.push({ topic, partition, log, readByAll });
      });
    }
    this.#trimToTotal(retained, trimmable);
  }

  /** Over the total bound: read events go, oldest appended first, across every partition. */
  #trimToTotal(
    retained: number,
    trimmable: { topic: TopicName; partition: number; log: PartitionLog; readByAll: number }[],
  ): void {
    let excess = retained - this.#retention.total;
    const firstTime = (t: { log: PartitionLog }): number => t.log.timestampAt(t.log.start) ?? Infinity;
    while (excess > 0 && trimmable.length > 0) {
      trimmable.sort((a, b) => firstTime(a) - firstTime(b));
      const oldest = trimmable[0];
      if (oldest === undefined) break;
      // A chunk at a time, so partitions of similar age give up events in turn.
      const chunk = Math.min(excess, oldest.readByAll - oldest.log.start, 1_000);
      const removed = oldest.log.trimBefore(oldest.log.start + chunk);
      if (removed === 0) break;
      excess -= removed;
      this.#trimStore(oldest.topic, oldest.partition, oldest.log.start);
      if (oldest.log.start >= oldest.readByAll) trimmable.shift();
    }
  }

  /** A failed DELETE only keeps old rows a little longer: the next trim removes them with the rest. */
  #trimStore(topic: TopicName, partition: number, before: number): void {
    try {
      this.#store?.trim(topic, partition, before);
    } catch (error) {
      this.#onError(error, `trimming ${topic}[${String(partition)}] in the log store`);
    }
  }
}

function commitKey(group: string, topic: string, partition: number): string {
  return `${group}\u0000${topic}\u0000${String(partition)}`;
}
