import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { openSqlite } from '../storage/sqlite.ts';

/** One holding: how many shares and what they cost on average (in the instrument's currency). */
export interface Position {
  readonly symbol: string;
  readonly quantity: number;
  readonly averageCost: number;
  /** ISO 8601: when the position was last changed. */
  readonly updatedAt: string;
}

/** Bounds per user: a portfolio and a watchlist are meant for people, not bulk storage. */
export const MAX_POSITIONS = 500;
export const MAX_WATCHLIST = 100;

/**
 * Users' positions and watchlists in SQLite (`DATA_DIR/portfolio/portfolio.db`, WAL, synchronous FULL: a
 * position the API acknowledged survives a machine crash). Every method takes the user: nothing crosses users.
 */
export class PortfolioStore {
  readonly #db: DatabaseSync;
  readonly #list: StatementSync;
  readonly #count: StatementSync;
  readonly #upsert: StatementSync;
  readonly #delete: StatementSync;
  readonly #clear: StatementSync;
  readonly #watchlist: StatementSync;

  constructor(path: string) {
    this.#db = openSqlite(path, { synchronous: 'FULL', migrations: { portfolio: migrations } });
    this.#list = this.#db.prepare(
      'SELECT symbol, quantity, average_cost AS averageCost, updated_at AS updatedAt FROM positions WHERE user_id = ? ORDER BY symbol',
    );
    this.#count = this.#db.prepare('SELECT COUNT(*) AS n FROM positions WHERE user_id = ?');
    this.#upsert = this.#db.prepare(
      `INSERT INTO positions (user_id, symbol, quantity, average_cost, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (user_id, symbol) DO UPDATE SET quantity = excluded.quantity, average_cost = excluded.average_cost, updated_at = excluded.updated_at`,
    );
    this.#delete = this.#db.prepare('DELETE FROM positions WHERE user_id = ? AND symbol = ?');
    this.#clear = this.#db.prepare('DELETE FROM positions WHERE user_id = ?');
    this.#watchlist = this.#db.prepare('SELECT symbols FROM watchlists WHERE user_id = ?');
  }

  positions(userId: string): Position[] {
    return this.#list.all(userId) as unknown as Position[];
  }

  count(userId: string): number {
    return (this.#count.get(userId) as { n: number }).n;
  }

  put(userId: string, position: Omit<Position, 'updatedAt'>, now = new Date()): Position {
    const row = { ...position, updatedAt: now.toISOString() };
    this.#upsert.run(userId, row.symbol, row.quantity, row.averageCost, row.updatedAt);
    return row;
  }

  remove(userId: string, symbol: string): boolean {
    return Number(this.#delete.run(userId, symbol).changes) > 0;
  }

  /** Replaces (or with `merge`, adds to) the user's positions in one transaction: all rows or none. */
  importAll(userId: string, positions: readonly Omit<Position, 'updatedAt'>[], merge: boolean, now = new Date()): void {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      if (!merge) this.#clear.run(userId);
      const current = new Map(this.positions(userId).map((p) => [p.symbol, p]));
      for (const p of positions) {
        const held = current.get(p.symbol);
        const quantity = (held?.quantity ?? 0) + p.quantity;
        // Adding shares to a holding: the average cost weights each lot by its shares.
        const averageCost =
          held === undefined
            ? p.averageCost
            : (held.quantity * held.averageCost + p.quantity * p.averageCost) / quantity;
        this.#upsert.run(userId, p.symbol, quantity, averageCost, now.toISOString());
      }
      if (this.count(userId) > MAX_POSITIONS)
        throw new RangeError(`a portfolio holds at most ${String(MAX_POSITIONS)} positions`);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  watchlist(userId: string): string[] {
    const row = this.#watchlist.get(userId) as { symbols: string } | undefined;
    return row === undefined ? [] : (JSON.parse(row.symbols) as string[]);
  }

  setWatchlist(userId: string, symbols: readonly string[]): void {
    this.#db
      .prepare(
        'INSERT INTO watchlists (user_id, symbols) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET symbols = excluded.symbols',
      )
      .run(userId, JSON.stringify(symbols));
  }

  /** Deletes the user's positions and watchlist (erasure); returns the rows removed. */
  erase(userId: string): number {
    const positions = Number(this.#clear.run(userId).changes);
    return positions + Number(this.#db.prepare('DELETE FROM watchlists WHERE user_id = ?').run(userId).changes);
  }

  close(): void {
    this.#db.close();
  }
}

/** Numbered: append a step, never edit one (see platform/storage/sqlite.ts). */
const migrations = [
  `CREATE TABLE IF NOT EXISTS positions (
     user_id TEXT NOT NULL, symbol TEXT NOT NULL, quantity REAL NOT NULL, average_cost REAL NOT NULL,
     updated_at TEXT NOT NULL, PRIMARY KEY (user_id, symbol)) WITHOUT ROWID;
   CREATE TABLE IF NOT EXISTS watchlists (user_id TEXT PRIMARY KEY, symbols TEXT NOT NULL);`,
];
