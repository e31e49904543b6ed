import { DatabaseSync, type StatementSync } from 'node:sqlite';

/**
 * The baselines the bus is compared with: the least an asynchronous in-process bus must do (queue per
 * partition, deliver on a later turn, in key order), and the least a durable one must do (that, plus one
 * SQLite transaction per event-loop turn with the same WAL and `synchronous=FULL` as the bus's store,
 * acknowledging and delivering only after it commits). Neither validates, wraps envelopes or tracks groups.
 */
export interface Transport {
  publish(key: string, seq: number): Promise<unknown> | undefined;
  /** The handler gets the sequence number the event was published with. */
  onEvent(handler: (seq: number) => void): Promise<void>;
  close(): Promise<void>;
}

/** A tick as the platform's feeds publish it; the trade size carries the sequence number. */
export const tickOf = (symbol: string, seq: number) => ({
  symbol,
  price: 100.25,
  size: seq,
  bid: 100.24,
  ask: 100.26,
  ts: Date.now(),
});

const partitionOf = (key: string, partitions: number): number => {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(h) % partitions;
};

interface Queued {
  readonly key: string;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * Partition queues drained on the next turn (setImmediate), optionally after writing the turn's events in
 * one SQLite transaction.
 */
function queueTransport(partitions: number, path?: string): Transport {
  const queues = Array.from({ length: partitions }, (): ReturnType<typeof tickOf>[] => []);
  const offsets = new Array<number>(partitions).fill(0);
  let pending: Queued[] = [];
  let scheduled = false;
  let handler: (seq: number) => void = () => undefined;
  let db: DatabaseSync | undefined;
  let insert: StatementSync | undefined;
  if (path !== undefined) {
    db = new DatabaseSync(path);
    db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
      CREATE TABLE events (topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL,
        ts INTEGER NOT NULL, envelope TEXT NOT NULL, PRIMARY KEY (topic, partition, offset)) WITHOUT ROWID;`);
    insert = db.prepare('INSERT INTO events (topic, partition, offset, ts, envelope) VALUES (?, ?, ?, ?, ?)');
  }
  const flush = (): void => {
    scheduled = false;
    const batch = pending;
    pending = [];
    const ticks = batch.map((q) => ({ partition: partitionOf(q.key, partitions), tick: tickOf(q.key, q.seq) }));
    if (db !== undefined && insert !== undefined) {
      db.exec('BEGIN');
      for (const { partition, tick } of ticks)
        insert.run('market.ticks', partition, offsets[partition]!++, tick.ts, JSON.stringify(tick));
      db.exec('COMMIT');
    }
    for (const [i, { partition, tick }] of ticks.entries()) {
      queues[partition]!.push(tick);
      batch[i]!.resolve();
    }
    for (const queue of queues) {
      for (const tick of queue) handler(tick.size);
      queue.length = 0;
    }
  };
  return {
    publish: (key, seq) =>
      new Promise<void>((resolve) => {
        pending.push({ key, seq, resolve });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      }),
    onEvent: (h) => {
      handler = h;
      return Promise.resolve();
    },
    close: () => {
      db?.close();
      return Promise.resolve();
    },
  };
}

export const asyncQueueTransport = (partitions: number): Transport => queueTransport(partitions);
export const sqliteQueueTransport = (partitions: number, path: string): Transport => queueTransport(partitions, path);
