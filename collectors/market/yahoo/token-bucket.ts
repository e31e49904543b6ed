import { sleepUnlessAborted } from '../../../platform/async/abort.ts';

/**
 * A token bucket rate limiter: up to `capacity` requests in a burst, refilled at `perSecond`. `take()`
 * waits for a token, so a poll of many symbol chunks spreads itself under the upstream's limit.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #now: () => number;
  #tokens: number;
  #updated: number;

  constructor(options: { capacity: number; perSecond: number; now?: () => number }) {
    if (!(options.capacity >= 1) || !(options.perSecond > 0))
      throw new RangeError('a token bucket needs capacity >= 1 and perSecond > 0');
    this.#capacity = options.capacity;
    this.#perMs = options.perSecond / 1000;
    this.#now = options.now ?? Date.now;
    this.#tokens = options.capacity;
    this.#updated = this.#now();
  }

  /** Takes a token if one is available; otherwise returns how many milliseconds until one is. */
  tryTake(): { ok: true } | { ok: false; waitMs: number } {
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#updated) * this.#perMs);
    this.#updated = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { ok: true };
    }
    return { ok: false, waitMs: Math.ceil((1 - this.#tokens) / this.#perMs) };
  }

  /** Waits until a token is available and takes it; returns false if aborted first. */
  async take(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) return false;
      const attempt = this.tryTake();
      if (attempt.ok) return true;
      await sleepUnlessAborted(attempt.waitMs, signal);
    }
  }
}
