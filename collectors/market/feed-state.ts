import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { z } from 'zod';
import { openSqlite } from '../../platform/storage/sqlite.ts';

/** What the simulated feed needs to continue after a restart instead of rewinding to its seed. */
export const simulatedFeedState = z.strictObject({
  seed: z.number().int().nonnegative(),
  /** Wall-clock origin of the compressed session clock: the simulated day goes on where it was. */
  clockOrigin: z.number(),
  mids: z.record(z.string(), z.number().positive()),
  regime: z.enum(['calm', 'turbulent']),
  day: z.number().optional(),
  /** When the history was backfilled (epoch ms); absent until it is stored on the backbone. */
  backfilledAt: z.number().optional(),
  /** Where the history being backfilled ends (until it is stored): a start that retries makes the same bars. */
  backfillPlan: z
    .strictObject({
      endMs: z.number(),
      mids: z.record(z.string(), z.number().positive()),
      regime: z.enum(['calm', 'turbulent']),
    })
    .optional(),
  savedAt: z.number(),
});
export type SimulatedFeedState = z.output<typeof simulatedFeedState>;

/** Where a feed keeps the state it continues from: one row per feed in SQLite (`DATA_DIR/market-feed/state.db`). */
export interface FeedStateStore {
  load(feed: string): SimulatedFeedState | undefined;
  save(feed: string, state: SimulatedFeedState): void;
  close(): void;
}

export class SqliteFeedStateStore implements FeedStateStore {
  readonly #db: DatabaseSync;
  readonly #get: StatementSync;
  readonly #put: StatementSync;

  constructor(path: string) {
    // NORMAL: a machine crash may lose the last saves (the feed continues from a second earlier), never corrupt.
    this.#db = openSqlite(path, { synchronous: 'NORMAL', migrations: { feed_state: migrations } });
    this.#get = this.#db.prepare('SELECT data FROM feed_state WHERE feed = ?');
    this.#put = this.#db.prepare(
      'INSERT INTO feed_state (feed, data) VALUES (?, ?) ON CONFLICT (feed) DO UPDATE SET data = excluded.data',
    );
  }

  /** The saved state, or undefined when there is none or it no longer parses (the feed then starts fresh). */
  load(feed: string): SimulatedFeedState | undefined {
    const row = this.#get.get(feed) as { data: string } | undefined;
    if (row === undefined) return undefined;
    try {
      const parsed = simulatedFeedState.safeParse(JSON.parse(row.data));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  save(feed: string, state: SimulatedFeedState): void {
    this.#put.run(feed, JSON.stringify(state));
  }

  close(): void {
    this.#db.close();
  }
}

/** Numbered: append a step, never edit one (see platform/storage/sqlite.ts). */
const migrations = ['CREATE TABLE IF NOT EXISTS feed_state (feed TEXT PRIMARY KEY, data TEXT NOT NULL);'];
