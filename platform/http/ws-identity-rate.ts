/**
 * WebSocket messages per identity (a user, a token, or an anonymous peer's address) and second, summed over all of
 * that identity's connections: opening many sockets does not multiply the allowance. An entry lives while the
 * identity has a connection open, so the table is bounded by the open connections (which admission caps), and by
 * `maxKeys` besides: beyond it a new identity is refused rather than an old one forgotten.
 */
export class IdentityMessageRate {
  readonly #perSecond: number;
  readonly #maxKeys: number;
  readonly #entries = new Map<string, { connections: number; windowStart: number; count: number }>();

  constructor(options: { perSecond: number; maxKeys: number }) {
    this.#perSecond = options.perSecond;
    this.#maxKeys = options.maxKeys;
  }

  get perSecond(): number {
    return this.#perSecond;
  }

  /** Identities with a connection open. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * A new connection of `key`: `allow(now)` counts one of its messages (false once the identity's allowance for the
   * current second is spent), `release()` when it closes. Undefined when the table is full.
   */
  open(key: string): { allow(now: number): boolean; release(): void } | undefined {
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      if (this.#entries.size >= this.#maxKeys) return undefined;
      entry = { connections: 0, windowStart: 0, count: 0 };
      this.#entries.set(key, entry);
    }
    entry.connections += 1;
    const shared = entry;
    let released = false;
    return {
      allow: (now) => {
        if (now - shared.windowStart >= 1_000) {
          shared.windowStart = now;
          shared.count = 0;
        }
        shared.count += 1;
        return shared.count <= this.#perSecond;
      },
      release: () => {
        if (released) return;
        released = true;
        shared.connections -= 1;
        if (shared.connections === 0) this.#entries.delete(key);
      },
    };
  }
}
