import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { openSqlite } from '../../storage/sqlite.ts';
import type { LoadedEvent, LogStore, StoredCommit, StoredEvent } from './log-store.ts';
import type { TopicName } from '../topics.ts';
import { isTopicName } from '../topics.ts';
import { parseEnvelope } from '../envelope.ts';

interface EventRow {
  topic: string;
  partition: number;
  offset: number;
  ts: number;
  envelope: string;
}

interface CommitRow {
  grp: string;
  topic: string;
  partition: number;
  next_offset: number;
}

/**
 * The durable log of the embedded bus in one SQLite file (node:sqlite). WAL with synchronous=FULL: a
 * committed transaction survives a process or machine crash. The bus writes in batches (group commit),
 * so one fsync covers many events.
 */
export class SqliteLogStore implements LogStore {
  readonly #db: DatabaseSync;
  readonly #insertEvent: StatementSync;
  readonly #upsertCommit: StatementSync;
  readonly #trim: StatementSync;
  /** Trims not yet applied, by topic and partition: they ride along with the next write's transaction. */
  readonly #trims = new Map<string, { topic: TopicName; partition: number; before: number }>();

  /** `busyTimeoutMs`: how long a write waits for another connection's lock (default 5 s). */
  constructor(path: string, options: { readonly busyTimeoutMs?: number } = {}) {
    this.#db = openSqlite(path, {
      synchronous: 'FULL',
      migrations: { backbone: backboneMigrations },
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
    });
    this.#insertEvent = this.#db.prepare(
      'INSERT INTO events (topic, partition, offset, ts, envelope) VALUES (?, ?, ?, ?, ?)',
    );
    this.#upsertCommit = this.#db.prepare(
      'INSERT INTO group_offsets (grp, topic, partition, next_offset) VALUES (?, ?, ?, ?) ON CONFLICT (grp, topic, partition) DO UPDATE SET next_offset = excluded.next_offset',
    );
    this.#trim = this.#db.prepare('DELETE FROM events WHERE topic = ? AND partition = ? AND offset < ?');
  }

  load(): { events: Iterable<LoadedEvent>; commits: StoredCommit[] } {
    const rows = this.#db.prepare(
      'SELECT topic, partition, offset, ts, envelope FROM events ORDER BY topic, partition, offset',
    );
    const commits = (
      this.#db.prepare('SELECT grp, topic, partition, next_offset FROM group_offsets').all() as unknown as CommitRow[]
    )
      .filter((row): row is CommitRow & { topic: TopicName } => isTopicName(row.topic))
      .map((row) => ({ group: row.grp, topic: row.topic, partition: row.partition, offset: row.next_offset }));
    return { events: decodeRows(rows.iterate() as IterableIterator<EventRow>), commits };
  }

  write(events: readonly StoredEvent[], commits: readonly StoredCommit[]): void {
    if (events.length === 0 && commits.length === 0 && this.#trims.size === 0) return;
    this.#db.exec('BEGIN');
    try {
      for (const e of events)
        this.#insertEvent.run(e.topic, e.partition, e.offset, e.timestamp, JSON.stringify(e.envelope));
      for (const c of commits) this.#upsertCommit.run(c.group, c.topic, c.partition, c.offset);
      for (const t of this.#trims.values()) this.#trim.run(t.topic, t.partition, t.before);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
    // Kept on failure: the next write retries them.
    this.#trims.clear();
  }

  /**
   * Deferred to the next write: on its own, each DELETE was a transaction with its own fsync, which cost
   * the durable bus more than its inserts. Until then the rows only stay on disk a little longer.
   */
  trim(topic: TopicName, partition: number, beforeOffset: number): void {
    const key = `${topic}\u0000${String(partition)}`;
    const before = Math.max(beforeOffset, this.#trims.get(key)?.before ?? 0);
    this.#trims.set(key, { topic, partition, before });
  }

  close(): void {
    if (!this.#db.isOpen) return;
    try {
      if (this.#trims.size > 0) this.write([], []);
    } finally {
      this.#db.close();
    }
  }
}

/** Numbered: append a step, never edit one (see storage/sqlite.ts). */
const backboneMigrations = [
  `CREATE TABLE IF NOT EXISTS events (
     topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL,
     ts INTEGER NOT NULL, envelope TEXT NOT NULL,
     PRIMARY KEY (topic, partition, offset)) WITHOUT ROWID;
   CREATE TABLE IF NOT EXISTS group_offsets (
     grp TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL,
     PRIMARY KEY (grp, topic, partition)) WITHOUT ROWID;`,
];

function* decodeRows(rows: IterableIterator<EventRow>): Generator<LoadedEvent> {
  for (const row of rows) {
    const base = { topic: row.topic, partition: row.partition, offset: row.offset, timestamp: row.ts };
    let raw: unknown;
    try {
      raw = JSON.parse(row.envelope) as unknown;
    } catch (error) {
      yield { ...base, envelope: row.envelope, poison: `stored envelope is not JSON: ${String(error)}` };
      continue;
    }
    if (!isTopicName(row.topic)) {
      yield { ...base, envelope: raw, poison: `unknown topic ${row.topic}` };
      continue;
    }
    try {
      yield { ...base, envelope: parseEnvelope(row.topic, raw) };
    } catch (error) {
      yield { ...base, envelope: raw, poison: error instanceof Error ? error.message : String(error) };
    }
  }
}
