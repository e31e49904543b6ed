import type { Delivery, Handler, PartitionLag, ReplayPosition, RetryPolicy } from '../bus.ts';
import { backoffMs } from '../bus.ts';
import type { TopicEnvelope } from '../envelope.ts';
import type { TopicName } from '../topics.ts';
import type { LogRecord, PartitionLog } from './partition-log.ts';

/** What a group needs from the bus that owns it. */
export interface GroupHost {
  /** Publishes a dead letter for an event that could not be handled; resolves once acknowledged. */
  deadLetter(group: string, topic: TopicName, partition: number, record: LogRecord, attempts: number, error: string): Promise<void>;
  /** Records a committed offset (the durable bus persists it). */
  committed(group: string, topic: TopicName, partition: number, nextOffset: number): void;
}

export interface Member {
  readonly handler: Handler<TopicName>;
  readonly commitMode: 'auto' | 'manual';
  readonly retry: RetryPolicy;
  readonly controller: AbortController;
  /** Resolves when the member is aborted: in-flight handlers are raced against it and abandoned. */
  readonly aborted: Promise<void>;
}

interface Cursor {
  readonly partition: number;
  readonly log: PartitionLog;
  owner: Member | undefined;
  position: number;
  committed: number;
  /** Bumped on every reassignment or replay; a pump of an older generation stops after its current event. */
  generation: number;
  /** The generation `position` was last reset for: a new pump restarts from `committed`. */
  positionGeneration: number;
  /** Commits from generations before this (ended by a replay) are ignored. */
  commitFloor: number;
  running: Promise<void> | undefined;
}

export function createMember(handler: Handler<TopicName>, commitMode: 'auto' | 'manual', retry: RetryPolicy): Member {
  const controller = new AbortController();
  const aborted = new Promise<void>((resolve) => {
    controller.signal.addEventListener('abort', () => {
      resolve();
    }, { once: true });
  });
  return { handler, commitMode, retry, controller, aborted };
}

/**
 * One consumer group on one topic: partitions are spread round-robin over the members, each partition
 * is delivered in order by a single pump, and a partition changes hands only after its in-flight event
 * finished (or was abandoned by an aborted member), restarting from the last committed offset.
 */
export class ConsumerGroup {
  readonly name: string;
  readonly topic: TopicName;
  readonly #host: GroupHost;
  readonly #cursors: Cursor[];
  readonly #members: Member[] = [];
  /** Dead-letter topics have no dead-letter topic of their own: their consumers retry until they succeed. */
  readonly #retryForever: boolean;

  constructor(name: string, topic: TopicName, logs: readonly PartitionLog[], host: GroupHost, start: (partition: number) => number, retryForever: boolean) {
    this.name = name;
    this.topic = topic;
    this.#host = host;
    this.#retryForever = retryForever;
    this.#cursors = logs.map((log, partition) => {
      const committed = Math.max(start(partition), log.start);
      return { partition, log, owner: undefined, position: committed, committed, generation: 0, positionGeneration: 0, commitFloor: 0, running: undefined };
    });
  }

  get memberCount(): number {
    return this.#members.length;
  }

  join(member: Member): void {
    this.#members.push(member);
    this.#rebalance();
  }

  /** Removes a member; with 'drain' resolves once its in-flight events finished and were committed. */
  async leave(member: Member, mode: 'drain' | 'abort'): Promise<void> {
    const index = this.#members.indexOf(member);
    if (index < 0) return;
    const owned = this.#cursors.filter((c) => c.owner === member);
    if (mode === 'abort') member.controller.abort();
    this.#members.splice(index, 1);
    this.#rebalance();
    if (mode === 'drain') {
      await Promise.all(owned.map((c) => c.running));
      // The handler may still be running its current event in other pumps it owned: nothing left to wait for.
      member.controller.abort();
    }
  }

  /** Called when new events became visible on a partition. */
  wake(partition: number): void {
    const cursor = this.#cursors[partition];
    if (cursor !== undefined) this.#schedule(cursor);
  }

  replay(position: ReplayPosition): void {
    for (const cursor of this.#cursors) {
      let target: number;
      if ('time' in position) target = cursor.log.offsetForTime(position.time.getTime());
      else if (position.partition === undefined || position.partition === cursor.partition) target = position.offset;
      else continue;
      target = Math.min(Math.max(target, cursor.log.start), cursor.log.visibleEnd);
      cursor.generation += 1;
      cursor.commitFloor = cursor.generation;
      cursor.committed = target;
      this.#host.committed(this.name, this.topic, cursor.partition, target);
      this.#schedule(cursor);
    }
  }

  /** The lowest offset any member may still need, per partition: retention must keep it. */
  committedOffset(partition: number): number {
    return this.#cursors[partition]?.committed ?? 0;
  }

  lag(): PartitionLag[] {
    return this.#cursors.map((c) => ({
      group: this.name,
      topic: this.topic,
      partition: c.partition,
      committed: c.committed,
      end: c.log.visibleEnd,
      lag: c.log.visibleEnd - c.committed,
    }));
  }

  /** Resolves when no partition has an event in flight. */
  async idle(): Promise<void> {
    await Promise.all(this.#cursors.map((c) => c.running));
  }

  #rebalance(): void {
    for (const cursor of this.#cursors) {
      const owner = this.#members.length === 0 ? undefined : this.#members[cursor.partition % this.#members.length];
      if (owner === cursor.owner) continue;
      cursor.owner = owner;
      cursor.generation += 1;
      this.#schedule(cursor);
    }
  }

  #hasWork(cursor: Cursor): boolean {
    return cursor.owner !== undefined && (cursor.positionGeneration !== cursor.generation || cursor.position < cursor.log.visibleEnd);
  }

  #schedule(cursor: Cursor): void {
    if (cursor.running !== undefined || !this.#hasWork(cursor)) return;
    cursor.running = this.#pump(cursor).finally(() => {
      cursor.running = undefined;
      this.#schedule(cursor);
    });
  }

  async #pump(cursor: Cursor): Promise<void> {
    const member = cursor.owner;
    if (member === undefined) return;
    const generation = cursor.generation;
    if (cursor.positionGeneration !== generation) {
      cursor.position = cursor.committed;
      cursor.positionGeneration = generation;
    }
    while (cursor.generation === generation && !member.controller.signal.aborted) {
      // Retention may have removed events this group had not read yet.
      if (cursor.position < cursor.log.start) cursor.position = cursor.log.start;
      const record = cursor.log.get(cursor.position);
      if (record === undefined) return;
      const handled = await this.#deliver(cursor, member, generation, record);
      if (!handled) return;
      if (cursor.positionGeneration === generation) cursor.position = record.offset + 1;
      if (member.commitMode === 'auto') this.#commit(cursor, generation, record.offset + 1);
    }
  }

  #commit(cursor: Cursor, generation: number, next: number): void {
    if (generation < cursor.commitFloor || next <= cursor.committed) return;
    cursor.committed = next;
    this.#host.committed(this.name, this.topic, cursor.partition, next);
  }

  /** Runs the handler with retries; false when the member was aborted and the event must be redelivered. */
  async #deliver(cursor: Cursor, member: Member, generation: number, record: LogRecord): Promise<boolean> {
    let lastError = record.poison;
    let attempt = 0;
    if (lastError === undefined) {
      for (attempt = 1; ; attempt++) {
        try {
          const result = member.handler(this.#delivery(cursor, member, generation, record, attempt));
          if (result instanceof Promise) await Promise.race([result, member.aborted]);
          if (member.controller.signal.aborted) return false;
          return true;
        } catch (error) {
          if (member.controller.signal.aborted) return false;
          lastError = error instanceof Error ? error.message : String(error);
        }
        if (!this.#retryForever && attempt > member.retry.retries) break;
        const delay = backoffMs(member.retry, Math.min(attempt, 64));
        await Promise.race([sleep(delay), member.aborted]);
        if (member.controller.signal.aborted) return false;
      }
    }
    await this.#host.deadLetter(this.name, this.topic, cursor.partition, record, attempt, lastError);
    return true;
  }

  #delivery(cursor: Cursor, member: Member, generation: number, record: LogRecord, attempt: number): Delivery<TopicName> {
    return {
      topic: this.topic,
      envelope: record.envelope as TopicEnvelope<TopicName>,
      partition: cursor.partition,
      offset: record.offset,
      attempt,
      signal: member.controller.signal,
      commit: () => {
        if (!member.controller.signal.aborted) this.#commit(cursor, generation, record.offset + 1);
      },
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
