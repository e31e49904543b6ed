import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/**
 * How much a commit waits for the disk. FULL: a committed transaction survives a machine crash (the
 * backbone acknowledges publishes on it). NORMAL: in WAL mode a crash of the machine (not the process)
 * may lose the last commits, never corrupt the file (history that is rebuilt anyway).
 */
export type SynchronousPolicy = 'FULL' | 'NORMAL';

export interface OpenSqliteOptions {
  readonly synchronous: SynchronousPolicy;
  /** How long a write waits for another connection's lock before SQLITE_BUSY (default 5 s). */
  readonly busyTimeoutMs?: number;
  /** Numbered migrations per schema: see `migrate`. */
  readonly migrations?: Readonly<Record<string, readonly string[]>>;
}

export const defaultBusyTimeoutMs = 5_000;

/**
 * The one way the platform opens SQLite (node:sqlite): WAL (readers never block the writer), a busy
 * timeout (a second connection waits instead of failing at once), the chosen synchronous policy, foreign
 * keys on, and the migrations applied. `:memory:` works for tests.
 */
export function openSqlite(path: string, options: OpenSqliteOptions): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { timeout: options.busyTimeoutMs ?? defaultBusyTimeoutMs });
  try {
    db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous}; PRAGMA foreign_keys = ON;`);
    for (const [schema, steps] of Object.entries(options.migrations ?? {})) migrate(db, schema, steps);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Applies a schema's numbered migrations once each, in order: step i (1-based) runs when the stored
 * version is below i, in one transaction with the version bump. Steps are only ever appended; an old
 * step is never edited, so every database reaches the same schema whatever version it started from.
 * Several modules keep their tables in one file, each under its own schema name.
 */
export function migrate(db: DatabaseSync, schema: string, steps: readonly string[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (schema TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_migrations WHERE schema = ?').get(schema) as
    { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > steps.length)
    throw new Error(
      `${schema} schema is at version ${String(current)}, newer than this build knows (${String(steps.length)}): run the newer build, or restore a backup`,
    );
  for (let version = current + 1; version <= steps.length; version++) {
    const inTransaction = db.isTransaction;
    if (!inTransaction) db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(steps[version - 1] ?? '');
      db.prepare(
        'INSERT INTO schema_migrations (schema, version) VALUES (?, ?) ON CONFLICT (schema) DO UPDATE SET version = excluded.version',
      ).run(schema, version);
      if (!inTransaction) db.exec('COMMIT');
    } catch (error) {
      if (!inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
}

/** Runs `work` in one transaction: all of it is stored, or none. Nested calls join the outer one. */
export function transaction<T>(db: DatabaseSync, work: () => T): T {
  if (db.isTransaction) return work();
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    // SQLite may already have rolled back by itself (a full disk, an I/O error during COMMIT).
    if (stillInTransaction(db)) db.exec('ROLLBACK');
    throw error;
  }
}

/** A function, not a property read: the flag changes under `work`, which type narrowing cannot see. */
function stillInTransaction(db: DatabaseSync): boolean {
  return db.isTransaction;
}
