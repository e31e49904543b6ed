import type { Handler, PartitionLag, ReplayPosition, RetryPolicy } from '../bus.ts';
import { raceAbort, sleepUnlessAborted } from '../../async/abort.ts';
import { backoffMs, BusClosedError } from '../bus.ts';
import type { TopicEnvelope } from '../envelope.ts';
import type { TopicName } from '../topics.ts';
import type { StoredCommit } from './log-store.ts';
import type { PartitionLog } from './partition-log.ts';
import { GroupDelivery } from './group-delivery.ts';

/** What a group needs from the bus that owns it. */
export interface GroupHost {
  /** Publishes a dead letter for an event that could not be handled; resolves once acknowledged. */
  deadLetter(
    group: string,
    topic: TopicName,
    partition: number,
    offset: number,
    original: unknown,
    attempts: number,
    error: string,
  ): Promise<void>;
  /**
   * Told once that the group's committed offsets changed, until it collects them with `takeCommits()`:
   * a call per commit cost the durable bus a key and a record per event.
   */
  committed(group: ConsumerGroup): void;
  /** True once the bus is closing: a dead letter that cannot be written then waits for the next start. */
  closing(): boolean;
  /** Reports a failure the group recovers from by itself (a dead letter not yet written, a pump that threw). */
  failed(group: string, topic: TopicName, partition: number, error: unknown): void;
}

export interface Member {
  readonly handler: Handler<TopicName>;
  readonly commitMode: 'auto' | 'manual';
  readonly retry: RetryPolicy;
  /** Aborted when the member is: in-flight handlers are abandoned, retries stop waiting. */
  readonly controller: AbortController;
}

interface Cursor {
  readonly partition: number;
  readonly log: PartitionLog;
  owner: Member | undefined;
  position: number;
  committed: number;
  /** The committed offset last handed to the host by `takeCommits()`. */
  stored: number;
  /** Bumped on every reassignment or replay; a pump of an older generation stops after its current event. */
  generation: number;
  /** The generation `position` was last reset for: a new pump restarts from `committed`. */
  positionGeneration: number;
  /** Commits from generations before this (ended by a replay) are ignored. */
  commitFloor: number;
  running: Promise<void> | undefined;
}

export function createMember(handler: Handler<TopicName>, commitMode: 'auto' | 'manual', retry: RetryPolicy): Member {
  return { handler, commitMode, retry, controller: new AbortController() };
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
  /** True from the host's `committed` call until it took the commits. */
  #commitsPending = false;

  constructor(
    name: string,
    topic: TopicName,
    logs: readonly PartitionLog[],
    host: GroupHost,
    start: (partition: number) => number,
    retryForever: boolean,
  ) {
    this.name = name;
    this.topic = topic;
    this.#host = host;
    this.#retryForever = retryForever;
    this.#cursors = logs.map((log, partition) => {
      const committed = Math.max(start(partition), log.start);
      return {
        partition,
        log,
        owner: undefined,
        position: committed,
        committed,
        stored: committed,
        generation: 0,
        positionGeneration: 0,
        commitFloor: 0,
        running: undefined,
      };
    });
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
      await Promise.all(owned.flatMap((c) => c.running ?? []));
      // Gone from the group: late delivery.commit() calls are ignored and the signals say so.
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
      this.#committed();
      this.#schedule(cursor);
    }
  }

  /** The committed offsets that changed since the last call, for the host to persist. */
  takeCommits(): StoredCommit[] {
    this.#commitsPending = false;
    const changed: StoredCommit[] = [];
    for (const c of this.#cursors) {
      if (c.committed === c.stored) continue;
      c.stored = c.committed;
      changed.push({ group: this.name, topic: this.topic, partition: c.partition, offset: c.committed });
    }
    return changed;
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
    return (
      cursor.owner !== undefined &&
      (cursor.positionGeneration !== cursor.generation || cursor.position < cursor.log.visibleEnd)
    );
  }

  #schedule(cursor: Cursor): void {
    if (cursor.running !== undefined || !this.#hasWork(cursor)) return;
    // Start on a microtask, never inside the publisher's call: a burst of publishes is then delivered by
    // one pump run, and handlers never run re-entrantly within publish().
    cursor.running = Promise.resolve()
      .then(() => this.#pump(cursor))
      .then(
        () => {
          cursor.running = undefined;
          this.#schedule(cursor);
        },
        (error: unknown) => {
          // A pump that threw is a bug, not a reason to stop the process or the partition: report it and
          // start again after a pause (the event is redelivered from the last commit), never in a hot loop.
          this.#host.failed(this.name, this.topic, cursor.partition, error);
          cursor.generation += 1;
          setTimeout(() => {
            cursor.running = undefined;
            this.#schedule(cursor);
          }, PUMP_RESTART_MS).unref();
        },
      );
  }

  async #pump(cursor: Cursor): Promise<void> {
    const member = cursor.owner;
    if (member === undefined) return;
    const generation = cursor.generation;
    if (cursor.positionGeneration !== generation) {
      cursor.position = cursor.committed;
      cursor.positionGeneration = generation;
    }
    let synchronous = 0;
    while (cursor.generation === generation && !isAborted(member)) {
      // Retention may have removed events this group had not read yet.
      if (cursor.position < cursor.log.start) cursor.position = cursor.log.start;
      const offset = cursor.position;
      const envelope = cursor.log.envelopeAt(offset);
      if (envelope === undefined) return;
      const poison = cursor.log.poisonAt(offset);
      // Synchronous handlers that succeed first time take no await: the common case stays allocation-light.
      const first = poison === undefined ? this.#attempt(cursor, member, generation, offset, envelope, 1) : undefined;
      if (first !== true) {
        synchronous = 0;
        if (!(await this.#complete(cursor, member, generation, offset, envelope, poison, first))) return;
      } else if (++synchronous >= SYNC_BATCH) {
        synchronous = 0;
        // A long backlog of synchronous deliveries would otherwise starve I/O.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (cursor.positionGeneration === generation) cursor.position = offset + 1;
      if (member.commitMode === 'auto') this.#commit(cursor, generation, offset + 1);
    }
  }

  #commit(cursor: Cursor, generation: number, next: number): void {
    if (generation < cursor.commitFloor || next <= cursor.committed) return;
    cursor.committed = next;
    this.#committed();
  }

  #committed(): void {
    if (this.#commitsPending) return;
    this.#commitsPending = true;
    this.#host.committed(this);
  }

  /** Calls the handler once: true when it succeeded synchronously, its promise when async, the error when it threw. */
  #attempt(
    cursor: Cursor,
    member: Member,
    generation: number,
    offset: number,
    envelope: unknown,
    attempt: number,
  ): true | Promise<void> | Failure {
    try {
      const result = member.handler(
        new GroupDelivery(this, cursor, member, generation, offset, envelope as TopicEnvelope<TopicName>, attempt),
      );
      return result instanceof Promise ? result : true;
    } catch (error) {
      return { error };
    }
  }

  /**
   * Finishes a delivery that did not succeed synchronously: awaits it, retries with backoff, dead-letters.
   * False when the member was aborted and the event must be redelivered.
   */
  async #complete(
    cursor: Cursor,
    member: Member,
    generation: number,
    offset: number,
    envelope: unknown,
    poison: string | undefined,
    first: Promise<void> | Failure | undefined,
  ): Promise<boolean> {
    let outcome = first;
    let lastError = poison;
    let attempt = 1;
    while (outcome !== undefined) {
      if (outcome instanceof Promise) {
        try {
          await raceAbort(outcome, member.controller.signal);
          return !isAborted(member);
        } catch (error) {
          outcome = { error };
        }
      }
      if (isAborted(member)) return false;
      lastError = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      if (!this.#retryForever && attempt > member.retry.retries) break;
      await sleepUnlessAborted(backoffMs(member.retry, Math.min(attempt, 64)), member.controller.signal);
      if (isAborted(member)) return false;
      attempt += 1;
      const next = this.#attempt(cursor, member, generation, offset, envelope, attempt);
      if (next === true) return true;
      outcome = next;
    }
    return this.#deadLetter(
      cursor,
      member,
      generation,
      offset,
      envelope,
      poison === undefined ? attempt : 0,
      lastError,
    );
  }

  /**
   * Moves a failed event to the dead-letter topic, retrying a failed write with backoff: the partition
   * advances only once the dead letter is stored. False (redeliver later) when the bus is closing or the
   * member left, so a drain never rejects and nothing is committed that was not dead-lettered.
   */
  async #deadLetter(
    cursor: Cursor,
    member: Member,
    generation: number,
    offset: number,
    envelope: unknown,
    attempts: number,
    lastError: string | undefined,
  ): Promise<boolean> {
    for (let failures = 1; ; failures++) {
      try {
        await this.#host.deadLetter(
          this.name,
          this.topic,
          cursor.partition,
          offset,
          envelope,
          attempts,
          lastError ?? 'unknown error',
        );
        return true;
      } catch (error) {
        this.#host.failed(this.name, this.topic, cursor.partition, error);
        // Given up, the event stays uncommitted and is redelivered (and dead-lettered) after a restart.
        const over = error instanceof BusClosedError || this.#host.closing() || cursor.generation !== generation;
        if (over || isAborted(member)) return false;
        await sleepUnlessAborted(backoffMs(member.retry, Math.min(failures, 64)), member.controller.signal);
        if (isAborted(member)) return false;
      }
    }
  }

  /** Used by deliveries with manual commit. */
  commitFrom(cursor: Cursor, member: Member, generation: number, next: number): void {
    if (!isAborted(member)) this.#commit(cursor, generation, next);
  }
}

interface Failure {
  readonly error: unknown;
}

const SYNC_BATCH = 512;
const PUMP_RESTART_MS = 1_000;

/** A function, not a property read: the flag changes across awaits, which type narrowing cannot see. */
function isAborted(member: Member): boolean {
  return member.controller.signal.aborted;
}
