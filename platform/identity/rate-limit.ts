import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Request rate limits: per signed-in user or API token (its own allowance, wherever it comes from) and per address
 * for anonymous requests. Keys expire with their one-minute window, so the table is bounded by the request rate.
 */
export class RequestRateLimits {
  readonly #identified: RateLimiterMemory;
  readonly #anonymous: RateLimiterMemory;

  constructor(options: { perMinute: number; anonymousPerMinute: number }) {
    this.#identified = new RateLimiterMemory({ keyPrefix: 'id', points: options.perMinute, duration: 60 });
    this.#anonymous = new RateLimiterMemory({ keyPrefix: 'ip', points: options.anonymousPerMinute, duration: 60 });
  }

  /** Counts one request; resolves to the seconds to wait when over the limit, undefined when within it. */
  async consume(key: { actor: string } | { address: string }): Promise<number | undefined> {
    const [limiter, k] = 'actor' in key ? [this.#identified, key.actor] : [this.#anonymous, key.address];
    try {
      await limiter.consume(k);
      return undefined;
    } catch (rejected) {
      if (rejected instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejected.msBeforeNext / 1000));
      throw rejected;
    }
  }
}
