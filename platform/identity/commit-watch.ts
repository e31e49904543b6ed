import { closeSync, openSync, readSync } from 'node:fs';

/** The first copy of the WAL-index header: iChange, mxFrame, salts and checksums (sqlite.org/walformat.html 2.3.1). */
const HEADER_BYTES = 48;

/**
 * Tells whether any connection, in this process or another (`npm run token`), may have committed to a WAL database
 * since the last look, for one read syscall: SQLite's unix VFS keeps the WAL-index in `DB-shm`, a file every
 * connection maps, and every commit rewrites its header (the change counter and the last frame grow; a WAL restart
 * draws new salts). `PRAGMA data_version` answers the same question but opens a read transaction: two `fcntl` locks,
 * as dear as the lookup it would save. Any change counts, this process's own writes too (they only cost a re-read).
 *
 * With `everyMs`, the file is read at most that often: a call within `everyMs` of the last read answers false, so a
 * commit is seen by every call made `everyMs` or more after it finished (the read follows the time it is dated by).
 */
export class CommitWatch {
  readonly #fd: number;
  readonly #everyMs: number;
  readonly #seen = Buffer.alloc(HEADER_BYTES);
  readonly #now = Buffer.alloc(HEADER_BYTES);
  #readAt = Number.NEGATIVE_INFINITY;

  /** `databasePath`: a database file already open in WAL mode by this process (so its `-shm` file exists). */
  constructor(databasePath: string, everyMs = 0) {
    this.#fd = openSync(`${databasePath}-shm`, 'r');
    this.#everyMs = everyMs;
  }

  /** True when the header differs from the last read's (always on the first read or a short read). */
  changed(now = performance.now()): boolean {
    if (now - this.#readAt < this.#everyMs) return false;
    this.#readAt = now;
    const read = readSync(this.#fd, this.#now, 0, HEADER_BYTES, 0);
    if (read === HEADER_BYTES && this.#now.equals(this.#seen)) return false;
    this.#now.copy(this.#seen);
    if (read < HEADER_BYTES) this.#seen.fill(0xff);
    return true;
  }

  close(): void {
    closeSync(this.#fd);
  }
}
