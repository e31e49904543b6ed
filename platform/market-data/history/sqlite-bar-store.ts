import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { openSqlite } from '../../storage/sqlite.ts';
import type { Bar } from '../bars/aggregator.ts';
import { intervals } from '../bars/buckets.ts';
import { defaultRetention, type BarStore, type RangeQuery, type Retention, type StoredBar } from './bar-store.ts';

/**
 * Bar history in one SQLite file (node:sqlite, WAL). The primary key (symbol, interval, start) is the
 * index range reads walk; WITHOUT ROWID keeps each bar in that b-tree only. Writes are queued and flushed
 * in one transaction (the caller flushes on a timer or at a batch size), upserting so that a corrected
 * bar replaces the first version. synchronous=NORMAL: a crash can lose the last flushes, never corrupt.
 */
export class SqliteBarStore implements BarStore {
  readonly #db: DatabaseSync;
  readonly #upsert: StatementSync;
  readonly #range: StatementSync;
  readonly #insertMissing: StatementSync;
  readonly #prune: StatementSync;
  readonly #retention: Retention;
  #queue = new Map<string, StoredBar>();

  constructor(path: string, retention: Retention = defaultRetention) {
    this.#retention = retention;
    this.#db = openSqlite(path, { synchronous: 'NORMAL', migrations: { bars: barMigrations } });
    this.#upsert = this.#db.prepare(
      `INSERT INTO bars (symbol, interval, start, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (symbol, interval, start) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`,
    );
    this.#insertMissing = this.#db.prepare(
      `INSERT INTO bars (symbol, interval, start, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (symbol, interval, start) DO NOTHING`,
    );
    // Newest first with LIMIT takes the most recent bars of the range; the caller gets them oldest first.
    this.#range = this.#db.prepare(
      'SELECT start, open, high, low, close, volume FROM bars WHERE symbol = ? AND interval = ? AND start >= ? AND start < ? ORDER BY start DESC LIMIT ?',
    );
    this.#prune = this.#db.prepare('DELETE FROM bars WHERE interval = ? AND start < ?');
  }

  write(bars: readonly StoredBar[]): void {
    for (const bar of bars) this.#queue.set(`${bar.symbol}\u0000${bar.interval}\u0000${String(bar.start)}`, bar);
  }

  /** Queued bars not yet written. */
  get pending(): number {
    return this.#queue.size;
  }

  flush(): void {
    if (this.#queue.size === 0) return;
    const batch = this.#queue;
    this.#queue = new Map();
    this.#db.exec('BEGIN');
    try {
      for (const b of batch.values())
        this.#upsert.run(b.symbol, b.interval, b.start, b.open, b.high, b.low, b.close, b.volume);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      // Keep the batch (newer writes of the same bar win) so a transient failure loses nothing.
      for (const [key, bar] of batch) if (!this.#queue.has(key)) this.#queue.set(key, bar);
      throw error;
    }
  }

  insertMissing(bars: readonly StoredBar[]): number {
    // Queued bars were built from ticks: they go first and win over loaded history.
    this.flush();
    let inserted = 0;
    this.#db.exec('BEGIN');
    try {
      for (const b of bars)
        inserted += Number(
          this.#insertMissing.run(b.symbol, b.interval, b.start, b.open, b.high, b.low, b.close, b.volume).changes,
        );
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
    return inserted;
  }

  range(query: RangeQuery): Bar[] {
    this.flush();
    const rows = this.#range.all(query.symbol, query.interval, query.from, query.to, query.limit) as unknown as Bar[];
    return rows
      .reverse()
      .map((r) => ({ start: r.start, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume }));
  }

  prune(now: number): number {
    this.flush();
    let deleted = 0;
    for (const interval of intervals)
      deleted += Number(this.#prune.run(interval, now - this.#retention[interval]).changes);
    return deleted;
  }

  close(): void {
    this.flush();
    this.#db.close();
  }
}

/** Numbered: append a step, never edit one (see storage/sqlite.ts). */
const barMigrations = [
  `CREATE TABLE IF NOT EXISTS bars (
     symbol TEXT NOT NULL, interval TEXT NOT NULL, start INTEGER NOT NULL,
     open REAL NOT NULL, high REAL NOT NULL, low REAL NOT NULL, close REAL NOT NULL, volume REAL NOT NULL,
     PRIMARY KEY (symbol, interval, start)) WITHOUT ROWID;`,
];
