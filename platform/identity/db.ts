import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { openSqlite } from '../storage/sqlite.ts';

/**
 * The identity database (users, sessions, API tokens) in DATA_DIR. The only place it is opened: the platform and
 * `npm run token` share it, WAL lets the CLI write while the platform reads.
 */
export function openIdentityDatabase(dataDir: string): DatabaseSync {
  const db = openSqlite(join(dataDir, 'identity.db'), { synchronous: 'NORMAL' });
  db.exec(`
    CREATE TABLE IF NOT EXISTS users (
      name TEXT PRIMARY KEY,
      role TEXT NOT NULL,
      password TEXT,
      must_change INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS sessions (
      hash TEXT PRIMARY KEY,
      user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      csrf TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      seen_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS sessions_by_seen ON sessions(seen_at);
    CREATE TABLE IF NOT EXISTS tokens (
      id TEXT PRIMARY KEY,
      hash TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      role TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER,
      revoked_at INTEGER
    );
  `);
  return db;
}
