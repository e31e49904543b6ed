/**
 * At most one action of a kind on a service per period: a fix is given time to work before it is repeated. Keys are
 * bounded (least recently acted on forgotten first, which can only allow an action earlier, never lose one).
 */
export class Cooldown {
  readonly #periodMs: number;
  readonly #maxKeys: number;
  readonly #last = new Map<string, number>();

  constructor(options: { periodMs: number; maxKeys?: number }) {
    this.#periodMs = options.periodMs;
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  /** Milliseconds until (service, kind) may act again; 0 when it may now. */
  remainingMs(service: string, kind: string, now: number): number {
    const last = this.#last.get(`${service}\u0000${kind}`);
    return last === undefined ? 0 : Math.max(0, last + this.#periodMs - now);
  }

  record(service: string, kind: string, now: number): void {
    const key = `${service}\u0000${kind}`;
    this.#last.delete(key);
    this.#last.set(key, now);
    if (this.#last.size > this.#maxKeys) {
      const oldest = this.#last.keys().next().value;
      if (oldest !== undefined) this.#last.delete(oldest);
    }
  }

  /** An action that changed nothing (the executor refused it) gives its slot back: nothing needs time to work. */
  release(service: string, kind: string, at: number): void {
    const key = `${service}\u0000${kind}`;
    if (this.#last.get(key) === at) this.#last.delete(key);
  }
}
