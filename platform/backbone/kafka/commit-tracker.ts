import type { Consumer } from 'kafkajs';

/**
 * A subscription's offsets: the partitions its member owns, what it has asked to commit and what is
 * committed, per partition and epoch. Commits go through one serial chain.
 */
export class CommitTracker {
  readonly #consumer: Consumer;
  readonly #kafkaTopic: string;
  #assigned = new Set<number>();
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

  constructor(consumer: Consumer, kafkaTopic: string) {
    this.#consumer = consumer;
    this.#kafkaTopic = kafkaTopic;
  }

  /** This member (re)joined its group with these partitions: every partition starts a new epoch. */
  rejoin(assigned: Set<number>): void {
    this.#assigned = assigned;
    this.#baseEpoch = ++this.#epochCounter;
    this.#epochs.clear();
    this.#acked.clear();
    this.#done.clear();
    this.#resumedAt.clear();
  }

  isAssigned(partition: number): boolean {
    return this.#assigned.has(partition);
  }

  epochOf(partition: number): number {
    return this.#epochs.get(partition) ?? this.#baseEpoch;
  }

  /** Notes an event fetched from the partition; the first one of an epoch is where the partition resumed. */
  fetched(partition: number, offset: number): void {
    if (!this.#resumedAt.has(partition)) this.#resumedAt.set(partition, offset);
  }

  /** Whether every event of the partition before `offset` has been asked to commit (or was committed before). */
  isNextInLine(partition: number, offset: number): boolean {
    return (this.#acked.get(partition) ?? this.#resumedAt.get(partition)) === offset;
  }

  /** Starts a new epoch at each target; `seek` is called for the partitions this member owns. */
  reposition(targets: ReadonlyMap<number, number>, seek: (partition: number, offset: number) => void): void {
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
      seek(partition, offset);
    }
  }

  commit(partition: number, epoch: number, next: number): Promise<void> {
    if (epoch !== this.epochOf(partition)) return Promise.resolve();
    const acked = this.#acked.get(partition);
    // Commits only move forward within an epoch (a late commit() of an earlier delivery is a no-op).
    if (acked !== undefined && next <= acked) return Promise.resolve();
    this.#acked.set(partition, next);
    return this.#enqueueCommit(async () => {
      // A rejoin or replay since the request: its new position must not be overwritten with an old one.
      if (epoch !== this.epochOf(partition)) return;
      // One request carries every partition's latest requested offset: requests queued behind it become
      // no-ops, so commits keep up with fast handlers on many partitions.
      const offsets: { topic: string; partition: number; offset: string }[] = [];
      const epochs = new Map<number, number>();
      for (const [p, requested] of this.#acked) {
        const done = this.#done.get(p);
        if (!this.#assigned.has(p) || (done !== undefined && requested <= done)) continue;
        offsets.push({ topic: this.#kafkaTopic, partition: p, offset: String(requested) });
        epochs.set(p, this.epochOf(p));
      }
      if (offsets.length === 0) return;
      await this.#consumer.commitOffsets(offsets);
      for (const o of offsets) {
        if (epochs.get(o.partition) === this.epochOf(o.partition)) this.#done.set(o.partition, Number(o.offset));
      }
    });
  }

  commitPositions(targets: ReadonlyMap<number, number>): Promise<void> {
    const offsets = [...targets].map(([partition, offset]) => ({
      topic: this.#kafkaTopic,
      partition,
      offset: String(offset),
    }));
    return this.#enqueueCommit(() => this.#consumer.commitOffsets(offsets));
  }

  /** Settles once every commit requested so far has settled. */
  settled(): Promise<void> {
    return this.#commits;
  }

  /** Commits run one at a time, in request order, so the broker never sees them out of order. */
  #enqueueCommit(task: () => Promise<void>): Promise<void> {
    const run = this.#commits.then(task);
    this.#commits = run.catch(() => undefined);
    return run;
  }
}
