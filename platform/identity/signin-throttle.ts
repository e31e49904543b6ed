import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface ThrottleVerdict {
  /** Seconds until the next attempt is considered; undefined when it may go ahead now. */
  readonly retryAfterSeconds?: number;
}

/** How many failures an address may make across accounts before it is locked out, per account's allowance. */
const ADDRESS_FACTOR = 5;
/** The delay after the n-th consecutive failure: 1, 2, 4, ... seconds, at most this. */
const MAX_DELAY_SECONDS = 60;

async function blockedFor(limiter: RateLimiterMemory, key: string): Promise<number | undefined> {
  const res = await limiter.get(key);
  return res !== null && res.remainingPoints <= 0 ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : undefined;
}

/**
 * Sign-in throttling per account and per address: after each failure the next attempt waits a growing delay, and
 * after `lockoutFailures` failures in the window the account (or, at five times that, the address) is locked out
 * for the window. A success clears the account's failures.
 */
export class SignInThrottle {
  readonly #failures: { account: RateLimiterMemory; address: RateLimiterMemory };
  readonly #delay = new RateLimiterMemory({ keyPrefix: 'delay', points: 1, duration: MAX_DELAY_SECONDS });
  readonly #lockoutSeconds: number;

  constructor(options: { lockoutFailures: number; lockoutMs: number }) {
    const duration = Math.ceil(options.lockoutMs / 1000);
    this.#lockoutSeconds = duration;
    const limiter = (points: number, keyPrefix: string) => new RateLimiterMemory({ keyPrefix, points, duration });
    this.#failures = {
      account: limiter(options.lockoutFailures, 'account'),
      address: limiter(options.lockoutFailures * ADDRESS_FACTOR, 'address'),
    };
  }

  /** Whether an attempt for `account` from `address` may be checked now. */
  async check(account: string, address: string): Promise<ThrottleVerdict> {
    const waits = await Promise.all([
      blockedFor(this.#failures.account, account),
      blockedFor(this.#failures.address, address),
      blockedFor(this.#delay, `a:${account}`),
      blockedFor(this.#delay, `i:${address}`),
    ]);
    const wait = Math.max(...waits.map((w) => w ?? 0));
    return wait > 0 ? { retryAfterSeconds: wait } : {};
  }

  /** Records a failure; returns which scopes it just locked out. */
  async failed(account: string, address: string): Promise<('account' | 'address')[]> {
    const locked: ('account' | 'address')[] = [];
    for (const [scope, key] of [
      ['account', account],
      ['address', address],
    ] as const) {
      const limiter = this.#failures[scope];
      const res = await limiter.consume(key).catch((rejected: unknown) => {
        if (rejected instanceof RateLimiterRes) return rejected;
        throw rejected;
      });
      // The failure that uses the last point locks the scope out (once: later ones find it blocked).
      if (res.consumedPoints === limiter.points) {
        await limiter.block(key, this.#lockoutSeconds);
        locked.push(scope);
      }
      const delay = Math.min(MAX_DELAY_SECONDS, 2 ** Math.max(0, res.consumedPoints - 1));
      await this.#delay.block(`${scope === 'account' ? 'a' : 'i'}:${key}`, delay);
    }
    return locked;
  }

  async succeeded(account: string): Promise<void> {
    await this.#failures.account.delete(account);
    await this.#delay.delete(`a:${account}`);
  }
}
