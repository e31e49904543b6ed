import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Raised when another live process holds the data directory. */
export class DataDirLockedError extends Error {
  readonly pid: number;
  constructor(dir: string, pid: number) {
    super(
      `DATA_DIR ${dir} is in use by process ${String(pid)} (lock file ${join(dir, LOCK_FILE)}); stop it, or give this process another DATA_DIR`,
    );
    this.name = 'DataDirLockedError';
    this.pid = pid;
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

const LOCK_FILE = '.lock';

/**
 * Takes the data directory for this process: two processes writing one set of SQLite files would each
 * believe they own the backbone's offsets and the outbox. The lock file holds the owner's pid; a lock
 * whose process is gone (a kill -9) is taken over. `wx` creation makes the take-over race-free: of two
 * starters only one creates the file.
 */
export function lockDataDir(dir: string, pid = process.pid): DataDirLock {
  const absolute = resolve(dir);
  mkdirSync(absolute, { recursive: true });
  const path = join(absolute, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${String(pid)}\n`, { flag: 'wx' });
      return {
        path,
        release: () => {
          if (ownerOf(path) === pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = ownerOf(path);
    if (owner !== undefined && owner !== pid && isAlive(owner)) throw new DataDirLockedError(absolute, owner);
    // Stale (its process died), unreadable, or our own from before: remove it and try again.
    rmSync(path, { force: true });
  }
  throw new Error(`could not lock DATA_DIR ${absolute}: ${path} keeps reappearing`);
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
