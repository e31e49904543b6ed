/**
 * Sign-in ceremonies started and not finished (WebAuthn challenges, OpenID Connect states): single-use, expiring
 * after `ttlMs`, at most `max` at once (beyond it the oldest goes) and at most `perOwner` per owner (an address for
 * anonymous starts, the user for a signed-in one). Without the per-owner bound one anonymous client could start
 * `max` ceremonies in a minute and push out everyone else's, so that no sign-in in progress could finish.
 */
export class PendingCeremonies<V> {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #perOwner: number;
  /** Map order is start order: expired or oldest first. */
  readonly #entries = new Map<string, { value: V; owner: string; expires: number }>();
  readonly #byOwner = new Map<string, number>();

  constructor(options: { ttlMs: number; max: number; perOwner: number }) {
    this.#ttlMs = options.ttlMs;
    this.#max = options.max;
    this.#perOwner = options.perOwner;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Starts ceremony `key` for `owner`; false (nothing kept) when the owner already has `perOwner` in progress. */
  add(key: string, owner: string, value: V, now = Date.now()): boolean {
    for (const [k, entry] of this.#entries) {
      if (entry.expires > now && this.#entries.size < this.#max) break;
      this.#drop(k);
    }
    if ((this.#byOwner.get(owner) ?? 0) >= this.#perOwner) return false;
    this.#entries.set(key, { value, owner, expires: now + this.#ttlMs });
    this.#byOwner.set(owner, (this.#byOwner.get(owner) ?? 0) + 1);
    return true;
  }

  /** The ceremony's value if it was started and has not expired; it cannot be taken again either way. */
  take(key: string, now = Date.now()): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#drop(key);
    return entry.expires > now ? entry.value : undefined;
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    const left = (this.#byOwner.get(entry.owner) ?? 1) - 1;
    if (left === 0) this.#byOwner.delete(entry.owner);
    else this.#byOwner.set(entry.owner, left);
  }
}
