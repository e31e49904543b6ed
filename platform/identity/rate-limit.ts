import type { Peer } from '../http/address-key.ts';
import type { ShareOutcome } from '../http/fair-share.ts';

const WINDOW_MS = 60_000;
/** Addresses, and prefixes, counted apart within one minute; beyond it a newcomer counts only in a wider tier. */
export const ANONYMOUS_KEYS = 100_000;
const OVERFLOW = 'overflow';

export interface RateLimitSettings {
  /** Requests per minute per signed-in user or API token. */
  readonly perMinute: number;
  /** Anonymous requests per minute per address (an IPv6 /64), and of everyone anonymous together. */
  readonly anonymousPerMinute: number;
  readonly anonymousTotalPerMinute: number;
  /** The share of the anonymous total one prefix (IPv4 /24, IPv6 /48) may use, in percent. */
  readonly prefixPercent: number;
}

/** A refused request: the seconds to wait, and which limit it met (`identity`: its user's or token's own). */
export interface RateRefusal {
  readonly retryAfter: number;
  readonly limit: 'identity' | 'address' | 'prefix' | 'total';
}

/**
 * Request rate limits, counted synchronously (no promise between a request and its handler). A signed-in user or API
 * token has its own allowance wherever it comes from, so an anonymous flood does not touch it: one-minute windows from
 * each key's first request, the table bounded by the identities that exist. Anonymous requests are counted per
 * address, per prefix and in all, in windows of the clock's minutes (`AnonymousRate`).
 */
export class RequestRateLimits {
  readonly #perMinute: number;
  /** Map order is window start order (a window that restarts moves to the end), so expired ones are at the front. */
  readonly #identified = new Map<string, { start: number; count: number }>();
  #sweepAt = 0;
  readonly anonymous: AnonymousRate;

  constructor(settings: RateLimitSettings, onAnonymousOutcome: (outcome: ShareOutcome) => void = () => undefined) {
    this.#perMinute = settings.perMinute;
    this.anonymous = new AnonymousRate(settings, onAnonymousOutcome);
  }

  /** Counts one request; the refusal when over a limit, undefined when within it. */
  consume(key: { readonly actor: string } | { readonly peer: Peer }, now = Date.now()): RateRefusal | undefined {
    if ('peer' in key) return this.anonymous.consume(key.peer, now);
    if (now >= this.#sweepAt) this.#sweep(now);
    let window = this.#identified.get(key.actor);
    if (window === undefined || now - window.start >= WINDOW_MS) {
      this.#identified.delete(key.actor);
      window = { start: now, count: 0 };
      this.#identified.set(key.actor, window);
    }
    window.count += 1;
    if (window.count <= this.#perMinute) return undefined;
    return { retryAfter: secondsUntil(window.start + WINDOW_MS, now), limit: 'identity' };
  }

  /** Identities with a window open. */
  get identities(): number {
    return this.#identified.size;
  }

  #sweep(now: number): void {
    this.#sweepAt = now + 1_000;
    for (const [key, window] of this.#identified) {
      if (now - window.start < WINDOW_MS) break;
      this.#identified.delete(key);
    }
  }
}

/**
 * Anonymous requests per clock minute, shared fairly: at most `anonymousPerMinute` per address, a share of the total
 * per prefix, and once the total is spent only prefixes that used less than an equal share of it (the total over the
 * prefixes seen this minute) are served, so the busiest are refused first and a newcomer from an unrelated network is
 * still served during a flood from many addresses (everyone together gets at most about twice the total, and one
 * request per network beyond it). The tables
 * hold at most ANONYMOUS_KEYS addresses and prefixes a minute: beyond it a new address counts only under its prefix,
 * and a new prefix under one shared key.
 */
export class AnonymousRate {
  readonly #perAddress: number;
  readonly #perPrefix: number;
  readonly #total: number;
  readonly #onOutcome: (outcome: ShareOutcome) => void;
  #minute = -1;
  #used = 0;
  #addresses = new Map<string, number>();
  #prefixes = new Map<string, number>();

  constructor(settings: RateLimitSettings, onOutcome: (outcome: ShareOutcome) => void) {
    this.#total = Math.max(settings.anonymousTotalPerMinute, settings.anonymousPerMinute);
    this.#perAddress = settings.anonymousPerMinute;
    this.#perPrefix = Math.min(
      this.#total,
      Math.max(settings.anonymousPerMinute, Math.ceil((this.#total * settings.prefixPercent) / 100)),
    );
    this.#onOutcome = onOutcome;
  }

  /** Addresses and prefixes counted this minute. */
  get keys(): { addresses: number; prefixes: number } {
    return { addresses: this.#addresses.size, prefixes: this.#prefixes.size };
  }

  consume(peer: Peer, now: number): RateRefusal | undefined {
    const minute = Math.floor(now / WINDOW_MS);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#used = 0;
      this.#addresses = new Map();
      this.#prefixes = new Map();
    }
    const address = this.#addresses.get(peer.address) ?? (this.#addresses.size < ANONYMOUS_KEYS ? 0 : undefined);
    const prefixKey = this.#prefixes.has(peer.prefix) || this.#prefixes.size < ANONYMOUS_KEYS ? peer.prefix : OVERFLOW;
    const prefix = this.#prefixes.get(prefixKey) ?? 0;
    const limit =
      address !== undefined && address >= this.#perAddress
        ? 'address'
        : prefix >= this.#perPrefix
          ? 'prefix'
          : this.#used >= this.#total && prefix >= this.#equalShare(prefix === 0)
            ? 'total'
            : undefined;
    if (limit !== undefined) {
      this.#onOutcome(limit);
      return { retryAfter: secondsUntil((minute + 1) * WINDOW_MS, now), limit };
    }
    if (address !== undefined) this.#addresses.set(peer.address, address + 1);
    this.#prefixes.set(prefixKey, prefix + 1);
    this.#used += 1;
    return undefined;
  }

  /** The total over the prefixes served this minute (a new one included), at least one request. */
  #equalShare(newPrefix: boolean): number {
    return Math.max(1, Math.floor(this.#total / (this.#prefixes.size + (newPrefix ? 1 : 0))));
  }
}

function secondsUntil(end: number, now: number): number {
  return Math.max(1, Math.ceil((end - now) / 1000));
}
