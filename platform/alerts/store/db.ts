import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { openSqlite } from '../../storage/sqlite.ts';

/**
 * The alerts service's SQLite database. synchronous=NORMAL: in WAL mode a process crash loses nothing
 * committed; a machine crash may lose the last commits (the backbone, synchronous=FULL, still holds the
 * alerts, and their redelivery rebuilds what was lost).
 */
export function openDatabase(dataDir: string, file = 'alerts.db'): DatabaseSync {
  return openSqlite(join(dataDir, file), { synchronous: 'NORMAL' });
}
