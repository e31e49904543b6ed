import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { formatMatcher, parseMatcher } from '../matchers.ts';
import type { Silence } from '../stages/silence.ts';
import { migrate } from '../../storage/sqlite.ts';

/** Silences in SQLite with an in-memory copy the pipeline reads on every check. */
export class SilenceStore {
  readonly #db: DatabaseSync;
  readonly #active = new Map<string, Silence>();

  constructor(db: DatabaseSync) {
    this.#db = db;
    migrate(db, 'silences', [
      `CREATE TABLE IF NOT EXISTS silences (id TEXT PRIMARY KEY, matchers TEXT NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, created_by TEXT NOT NULL, comment TEXT NOT NULL)`,
    ]);
    for (const r of db.prepare(`SELECT * FROM silences`).all() as unknown as {
      id: string;
      matchers: string;
      starts_at: number;
      ends_at: number;
      created_by: string;
      comment: string;
    }[]) {
      this.#active.set(r.id, {
        id: r.id,
        matchers: (JSON.parse(r.matchers) as string[]).map(parseMatcher),
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        createdBy: r.created_by,
        comment: r.comment,
      });
    }
  }

  all(): Iterable<Silence> {
    return this.#active.values();
  }

  get(id: string): Silence | undefined {
    return this.#active.get(id);
  }

  /** Creates, or replaces the silence with this id. */
  put(input: Omit<Silence, 'id'> & { id?: string }): Silence {
    const silence: Silence = { ...input, id: input.id ?? randomUUID() };
    this.#db
      .prepare(
        `INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET matchers = excluded.matchers, starts_at = excluded.starts_at, ends_at = excluded.ends_at, created_by = excluded.created_by, comment = excluded.comment`,
      )
      .run(
        silence.id,
        JSON.stringify(silence.matchers.map(formatMatcher)),
        silence.startsAt,
        silence.endsAt,
        silence.createdBy,
        silence.comment,
      );
    this.#active.set(silence.id, silence);
    return silence;
  }

  /** How many silences have not yet expired (active or pending). */
  live(now: number): number {
    let n = 0;
    for (const s of this.#active.values()) if (now < s.endsAt) n++;
    return n;
  }

  /** Forgets all but the `keep` latest-ended expired silences, so creating and expiring cannot grow the table. */
  pruneExpired(now: number, keep: number): void {
    const expired = [...this.#active.values()].filter((s) => s.endsAt <= now).sort((a, b) => b.endsAt - a.endsAt);
    for (const s of expired.slice(keep)) {
      this.#db.prepare(`DELETE FROM silences WHERE id = ?`).run(s.id);
      this.#active.delete(s.id);
    }
  }

  /** Expires a silence now (kept for the record, as Alertmanager does). */
  expire(id: string, now: number): Silence | undefined {
    const s = this.#active.get(id);
    if (s === undefined) return undefined;
    return this.put({ ...s, endsAt: Math.min(s.endsAt, now) });
  }
}

export function silenceView(s: Silence, now: number): Record<string, unknown> {
  return {
    id: s.id,
    matchers: s.matchers.map(formatMatcher),
    startsAt: new Date(s.startsAt).toISOString(),
    endsAt: new Date(s.endsAt).toISOString(),
    createdBy: s.createdBy,
    comment: s.comment,
    state: now < s.startsAt ? 'pending' : now < s.endsAt ? 'active' : 'expired',
  };
}
