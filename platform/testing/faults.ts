import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { after } from 'node:test';
import type { LoadedEvent, LogStore, StoredCommit, StoredEvent } from '../backbone/embedded/log-store.ts';
import type { TopicName } from '../backbone/topics.ts';
import { openSqlite } from '../storage/sqlite.ts';

/** The store failures the fault-injection suite covers. 'busy' is real (another connection's lock). */
export type FaultKind = 'io' | 'full' | 'busy';
export const faultKinds: readonly FaultKind[] = ['io', 'full', 'busy'];

const messages: Record<Exclude<FaultKind, 'busy'>, string> = {
  io: 'disk I/O error',
  full: 'database or disk is full',
};

/** An error as node:sqlite raises it (ERR_SQLITE_ERROR with SQLite's primary result code). */
export function sqliteError(kind: Exclude<FaultKind, 'busy'>): Error {
  return Object.assign(new Error(`${messages[kind]} (injected)`), {
    code: 'ERR_SQLITE_ERROR',
    errcode: kind === 'io' ? 10 : 13,
  });
}

/** A LogStore whose writes and trims fail while armed; otherwise the real store underneath. */
export class FaultyLogStore implements LogStore {
  readonly #inner: LogStore;
  failing: { readonly write?: Error; readonly trim?: Error } = {};
  writes = 0;
  failedWrites = 0;
  failedTrims = 0;

  constructor(inner: LogStore) {
    this.#inner = inner;
  }

  load(): { events: Iterable<LoadedEvent>; commits: StoredCommit[] } {
    return this.#inner.load();
  }

  write(events: readonly StoredEvent[], commits: readonly StoredCommit[]): void {
    this.writes += 1;
    if (this.failing.write !== undefined) {
      this.failedWrites += 1;
      throw this.failing.write;
    }
    this.#inner.write(events, commits);
  }

  trim(topic: TopicName, partition: number, beforeOffset: number): void {
    if (this.failing.trim !== undefined) {
      this.failedTrims += 1;
      throw this.failing.trim;
    }
    this.#inner.trim(topic, partition, beforeOffset);
  }

  close(): void {
    this.#inner.close();
  }
}

/**
 * Makes every INSERT, UPDATE and DELETE on `tables` of an SQLite file fail, through triggers installed
 * from a second connection (so the code under test runs unchanged), or, for 'busy', holds the file's
 * write lock from that connection so writers wait out their busy timeout and get SQLITE_BUSY.
 * `clear()` ends the fault.
 */
export function failWrites(path: string, tables: readonly string[], kind: FaultKind): { clear(): void } {
  const db = openSqlite(path, { synchronous: 'NORMAL', busyTimeoutMs: 5_000 });
  if (kind === 'busy') {
    db.exec('BEGIN IMMEDIATE');
    return {
      clear: () => {
        finish(db, () => {
          db.exec('ROLLBACK');
        });
      },
    };
  }
  const names: string[] = [];
  for (const table of tables)
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      const name = `fault_${table}_${op.toLowerCase()}`;
      names.push(name);
      db.exec(
        `CREATE TRIGGER ${name} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${messages[kind]} (injected)'); END`,
      );
    }
  return {
    clear: () => {
      finish(db, () => {
        for (const name of names) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
      });
    },
  };
}

function finish(db: DatabaseSync, work: () => void): void {
  if (!db.isOpen) return;
  work();
  db.close();
}

/** Records unhandled rejections and uncaught exceptions while a test runs (the process policy's triggers). */
export function watchUnhandled(): { readonly seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    seen.push(reason);
  };
  const onException = (error: unknown): void => {
    seen.push(error);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtExceptionMonitor', onException);
  return {
    seen,
    stop: () => {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtExceptionMonitor', onException);
    },
  };
}

/**
 * A fault-injection test file's frame: a temporary directory (returned, removed at the end) and a check
 * that no unhandled rejection or uncaught exception happened while its tests ran.
 */
export function faultSuite(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const unhandled = watchUnhandled();
  after(() => {
    unhandled.stop();
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(unhandled.seen, [], 'no unhandled rejection or uncaught exception during the suite');
  });
  return dir;
}
