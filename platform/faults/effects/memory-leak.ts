/**
 * A memory leak the process really has: buffers allocated every second and kept, up to a bound, filled so the
 * pages are resident (RSS grows, not only the reservation). `release()` drops them for the collector.
 */
export class MemoryLeak {
  readonly #chunks: Buffer[] = [];
  #held = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(bytesPerSecond: number, maxBytes: number) {
    const step = (): void => {
      const size = Math.min(bytesPerSecond, maxBytes - this.#held);
      if (size <= 0) return;
      this.#chunks.push(Buffer.alloc(size, 1));
      this.#held += size;
    };
    step();
    this.#timer = setInterval(step, 1_000);
    this.#timer.unref();
  }

  get heldBytes(): number {
    return this.#held;
  }

  release(): void {
    clearInterval(this.#timer);
    this.#chunks.length = 0;
    this.#held = 0;
  }
}
