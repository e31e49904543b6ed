import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { openSqlite } from '../storage/sqlite.ts';

export function identityDatabasePath(dataDir: string): string {
  return join(dataDir, 'identity.db');
}

/**
 * The identity database (users, sessions, API tokens) in DATA_DIR. The only place it is opened: the platform and
 * `npm run token` share it, WAL lets the CLI write while the platform reads.
 */
export function openIdentityDatabase(dataDir: string): DatabaseSync {
  const db = openSqlite(identityDatabasePath(dataDir), { synchronous: 'NORMAL' });
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
    CREATE TABLE IF NOT EXISTS passkeys (
      id TEXT PRIMARY KEY,
      user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      public_key BLOB NOT NULL,
      counter INTEGER NOT NULL,
      transports TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS passkeys_by_user ON passkeys(user);
    CREATE TABLE IF NOT EXISTS oidc_links (
      issuer TEXT NOT NULL,
      subject TEXT NOT NULL,
      user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      PRIMARY KEY (issuer, subject)
    );
    CREATE TABLE IF NOT EXISTS audit_trail (
      id TEXT PRIMARY KEY,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      resource TEXT NOT NULL,
      details TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS audit_trail_by_at ON audit_trail(at);
    CREATE INDEX IF NOT EXISTS audit_trail_by_actor ON audit_trail(actor);
    CREATE INDEX IF NOT EXISTS audit_trail_by_resource ON audit_trail(resource);
  `);
  return db;
}
