import type { Peer } from '../http/address-key.ts';
import { FairShare, shareLimits, type ShareOutcome } from '../http/fair-share.ts';

export interface CeremonyLimits {
  readonly ttlMs: number;
  /** In progress at once in all. */
  readonly max: number;
  /** Per owner: an address (an IPv6 /64) for anonymous starts, the user for a signed-in one. */
  readonly perOwner: number;
  /** The share of `max` one prefix (IPv4 /24, IPv6 /48) may hold, in percent. */
  readonly prefixPercent: number;
}

/**
 * Sign-in ceremonies started and not finished (WebAuthn challenges, OpenID Connect states): single-use, expiring
 * after `ttlMs`, shared fairly (fair-share.ts): at most `perOwner` per owner and a share of `max` per prefix, and when
 * `max` are in progress the busiest prefix's busiest owner loses its oldest to the newcomer. Without it one client,
 * or many addresses of one network, could start `max` ceremonies in a minute and push out everyone else's, so that no
 * sign-in in progress could finish.
 */
export class PendingCeremonies<V> {
  readonly #ttlMs: number;
  readonly #share: FairShare;
  readonly #onOutcome: (outcome: ShareOutcome) => void;
  /** Map order is start order: expired or oldest first. */
  readonly #entries = new Map<string, { value: V; owner: Peer; expires: number }>();
  /** Each owner's ceremonies, oldest first. */
  readonly #byOwner = new Map<string, Set<string>>();

  constructor(limits: CeremonyLimits, onOutcome: (outcome: ShareOutcome) => void = () => undefined) {
    this.#ttlMs = limits.ttlMs;
    this.#share = new FairShare(shareLimits(limits.max, limits.perOwner, limits.prefixPercent));
    this.#onOutcome = onOutcome;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Starts ceremony `key` for `owner`; false (nothing kept) when the owner already has its share in progress, or its
   * prefix has and the owner is its busiest.
   */
  add(key: string, owner: Peer, value: V, now = Date.now()): boolean {
    for (const [k, entry] of this.#entries) {
      if (entry.expires > now) break;
      this.#drop(k);
    }
    const verdict = this.#share.judge(owner);
    if (!verdict.admit && verdict.limit !== 'total') {
      this.#onOutcome(verdict.limit);
      return false;
    }
    // At the total with nobody two busier than the newcomer, the busiest still gives way: a ceremony is cheap to
    // restart, and a newcomer's sign-in should not wait for the flood's to expire.
    const victim = verdict.admit ? verdict.evict : this.#share.busiest();
    const dropped = victim === undefined ? undefined : this.#byOwner.get(victim.address)?.values().next().value;
    if (dropped !== undefined) {
      this.#onOutcome('evicted');
      this.#drop(dropped);
    }
    this.#entries.set(key, { value, owner, expires: now + this.#ttlMs });
    this.#share.add(owner);
    let mine = this.#byOwner.get(owner.address);
    if (mine === undefined) {
      mine = new Set();
      this.#byOwner.set(owner.address, mine);
    }
    mine.add(key);
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
    this.#share.remove(entry.owner);
    const mine = this.#byOwner.get(entry.owner.address);
    mine?.delete(key);
    if (mine?.size === 0) this.#byOwner.delete(entry.owner.address);
  }
}
