import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';
import { migrate, openSqlite, transaction } from './sqlite.ts';

const dir = mkdtempSync(join(tmpdir(), 'storage-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('openSqlite', () => {
  it('opens in WAL with the chosen synchronous policy and a busy timeout', () => {
    const db = openSqlite(join(dir, 'a', 'pragmas.db'), { synchronous: 'FULL', busyTimeoutMs: 1234 });
    const pragma = (name: string): unknown => Object.values(db.prepare(`PRAGMA ${name}`).get() ?? {})[0];
    assert.equal(pragma('journal_mode'), 'wal');
    assert.equal(pragma('synchronous'), 2, 'FULL');
    assert.equal(pragma('busy_timeout'), 1234);
    db.close();
    const normal = openSqlite(join(dir, 'a', 'pragmas.db'), { synchronous: 'NORMAL' });
    assert.equal(Object.values(normal.prepare('PRAGMA synchronous').get() ?? {})[0], 1);
    normal.close();
  });

  it('applies numbered migrations once each, in order, and refuses a newer schema', () => {
    const path = join(dir, 'migrations.db');
    const v1 = ['CREATE TABLE t (a INTEGER)'];
    openSqlite(path, { synchronous: 'NORMAL', migrations: { t: v1 } }).close();
    const db = openSqlite(path, {
      synchronous: 'NORMAL',
      migrations: { t: [...v1, 'ALTER TABLE t ADD COLUMN b TEXT', "INSERT INTO t (a, b) VALUES (1, 'x')"] },
    });
    assert.deepEqual({ ...db.prepare('SELECT a, b FROM t').get() }, { a: 1, b: 'x' });
    // Re-running applies nothing again (the insert would duplicate the row).
    migrate(db, 't', [...v1, 'ALTER TABLE t ADD COLUMN b TEXT', "INSERT INTO t (a, b) VALUES (1, 'x')"]);
    assert.equal(Object.values(db.prepare('SELECT COUNT(*) FROM t').get() ?? {})[0], 1);
    assert.throws(() => {
      migrate(db, 't', v1);
    }, /newer than this build knows/);
    db.close();
  });

  it('rolls a failed migration step back whole', () => {
    const db = openSqlite(':memory:', { synchronous: 'NORMAL' });
    assert.throws(() => {
      migrate(db, 'x', ['CREATE TABLE x (a INTEGER); INSERT INTO nowhere VALUES (1)']);
    });
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'x'").get(), undefined);
    db.close();
  });

  it('transaction stores all of the work or none', () => {
    const db = openSqlite(':memory:', { synchronous: 'NORMAL', migrations: { t: ['CREATE TABLE t (a INTEGER)'] } });
    assert.throws(() =>
      transaction(db, () => {
        db.prepare('INSERT INTO t VALUES (1)').run();
        throw new Error('fail');
      }),
    );
    assert.equal(Object.values(db.prepare('SELECT COUNT(*) FROM t').get() ?? {})[0], 0);
    db.close();
  });
});

describe('lockDataDir', () => {
  it('refuses a second holder while the first process lives, naming it', async () => {
    const data = join(dir, 'locked');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const pid = child.pid ?? 0;
      lockDataDir(data, pid);
      assert.equal(readFileSync(join(data, '.lock'), 'utf8').trim(), String(pid));
      assert.throws(
        () => lockDataDir(data),
        (e: Error) => e instanceof DataDirLockedError && e.message.includes(`process ${String(pid)}`),
      );
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    // Its process is gone (kill -9 left the file): the lock is stale and taken over.
    const lock = lockDataDir(data);
    assert.equal(readFileSync(join(data, '.lock'), 'utf8').trim(), String(process.pid));
    lock.release();
    assert.throws(() => readFileSync(join(data, '.lock')), /ENOENT/);
  });

  it('takes over an unreadable lock file', () => {
    const data = join(dir, 'garbage');
    lockDataDir(data).release();
    writeFileSync(join(data, '.lock'), 'not a pid');
    lockDataDir(data).release();
  });
});
