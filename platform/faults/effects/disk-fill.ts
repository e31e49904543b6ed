import { mkdirSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Where disk-fill faults write, inside DATA_DIR so that the platform's own disk is what fills. */
export function diskFillDir(dataDir: string): string {
  return join(dataDir, 'faults');
}

/**
 * Disk filling for real: one file under DATA_DIR/faults grows every second up to a bound (each write is
 * flushed, so free space goes down). `release()` deletes the file. A write that fails (the disk really is
 * full) stops the growth; the fault stays listed until it expires or is cleared.
 */
export class DiskFill {
  readonly #path: string;
  #fd: number | undefined;
  #held = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(dataDir: string, id: string, bytesPerSecond: number, maxBytes: number) {
    const dir = diskFillDir(dataDir);
    mkdirSync(dir, { recursive: true });
    this.#path = join(dir, `${id}.fill`);
    this.#fd = openSync(this.#path, 'w');
    const chunk = Buffer.alloc(Math.min(bytesPerSecond, 1024 * 1024), 0x5a);
    const step = (): void => {
      let budget = Math.min(bytesPerSecond, maxBytes - this.#held);
      try {
        while (budget > 0 && this.#fd !== undefined) {
          const written = writeSync(this.#fd, chunk, 0, Math.min(chunk.length, budget));
          this.#held += written;
          budget -= written;
        }
      } catch {
        clearInterval(this.#timer);
      }
    };
    step();
    this.#timer = setInterval(step, 1_000);
    this.#timer.unref();
  }

  get path(): string {
    return this.#path;
  }

  get heldBytes(): number {
    return this.#held;
  }

  release(): void {
    clearInterval(this.#timer);
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    rmSync(this.#path, { force: true });
    this.#held = 0;
  }
}
