import type { Peer } from './address-key.ts';

/** How much of one resource (connections, sign-ins in progress) one address, one prefix and everyone may hold. */
export interface ShareLimits {
  readonly total: number;
  readonly perAddress: number;
  /** Per IPv4 /24 or IPv6 /48. */
  readonly perPrefix: number;
}

/** Which limit refused a newcomer, or that a busier peer gave way to it (a metric label: a fixed set). */
export type ShareOutcome = 'address' | 'prefix' | 'total' | 'evicted';

export type Verdict =
  | { readonly admit: true; readonly evict?: Peer }
  | { readonly admit: false; readonly limit: 'address' | 'prefix' | 'total' };

/**
 * A resource's limits from its total, its per-address limit and the share of the total (in percent) one prefix may
 * hold. A per-address limit above the others raises them (an operator behind a proxy raises only that one).
 */
export function shareLimits(total: number, perAddress: number, prefixPercent: number): ShareLimits {
  const all = Math.max(total, perAddress);
  return {
    total: all,
    perAddress,
    perPrefix: Math.min(all, Math.max(perAddress, Math.ceil((all * prefixPercent) / 100))),
  };
}

/** Counts per key, with a key holding the most found in O(1) (keys bucketed by count). */
class Tally {
  readonly #counts = new Map<string, number>();
  /** #buckets[n]: the keys holding n, in the order they got there. */
  readonly #buckets: Set<string>[] = [];
  #max = 0;

  get size(): number {
    return this.#counts.size;
  }

  of(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  add(key: string): void {
    this.#move(key, this.of(key) + 1);
  }

  remove(key: string): void {
    const n = this.of(key);
    if (n > 0) this.#move(key, n - 1);
    while (this.#max > 0 && (this.#buckets[this.#max]?.size ?? 0) === 0) this.#max -= 1;
  }

  /** The key that has held the most the longest. */
  busiest(): string | undefined {
    return this.#buckets[this.#max]?.values().next().value;
  }

  #move(key: string, to: number): void {
    const from = this.of(key);
    this.#buckets[from]?.delete(key);
    if (to === 0) {
      this.#counts.delete(key);
      return;
    }
    this.#counts.set(key, to);
    (this.#buckets[to] ??= new Set()).add(key);
    if (to > this.#max) this.#max = to;
  }
}

/**
 * Who may take one more unit of a resource that many peers share, so that many addresses together cannot lock out
 * the rest: one address holds at most `perAddress`; a prefix at most `perPrefix` (beyond it the prefix's busiest
 * address gives way to a newcomer of that prefix); when the total is reached the busiest prefix (then its busiest
 * address) gives one unit up to a peer whose prefix holds at least two fewer, so that a newcomer from an unrelated
 * network is served while a flood holds the rest, and two peers never take turns evicting each other. The tables
 * hold only peers holding something: bounded by the total.
 */
export class FairShare {
  readonly limits: ShareLimits;
  readonly #prefixes = new Tally();
  /** Per prefix, its addresses' counts. */
  readonly #addresses = new Map<string, Tally>();
  #held = 0;

  constructor(limits: ShareLimits) {
    this.limits = limits;
  }

  /** Units held in all. */
  get held(): number {
    return this.#held;
  }

  /** Prefixes holding something. */
  get prefixes(): number {
    return this.#prefixes.size;
  }

  holds(peer: Peer): number {
    return this.#addresses.get(peer.prefix)?.of(peer.address) ?? 0;
  }

  /** Whether `peer` may take one more, and whose unit it takes when the prefix or the total is full. */
  judge(peer: Peer): Verdict {
    const mine = this.holds(peer);
    if (mine >= this.limits.perAddress) return { admit: false, limit: 'address' };
    const inPrefix = this.#addresses.get(peer.prefix);
    if (this.#prefixes.of(peer.prefix) >= this.limits.perPrefix) {
      const victim = this.#busiestIn(inPrefix, peer.prefix, mine + 2);
      return victim === undefined ? { admit: false, limit: 'prefix' } : { admit: true, evict: victim };
    }
    if (this.#held < this.limits.total) return { admit: true };
    const prefix = this.#prefixes.busiest();
    if (prefix !== undefined && this.#prefixes.of(prefix) >= this.#prefixes.of(peer.prefix) + 2) {
      const victim = this.#busiestIn(this.#addresses.get(prefix), prefix, 1);
      if (victim !== undefined) return { admit: true, evict: victim };
    }
    const neighbour = this.#busiestIn(inPrefix, peer.prefix, mine + 2);
    return neighbour === undefined ? { admit: false, limit: 'total' } : { admit: true, evict: neighbour };
  }

  /** The busiest prefix's busiest address (whose unit goes first when something must). */
  busiest(): Peer | undefined {
    const prefix = this.#prefixes.busiest();
    return prefix === undefined ? undefined : this.#busiestIn(this.#addresses.get(prefix), prefix, 1);
  }

  add(peer: Peer): void {
    let inPrefix = this.#addresses.get(peer.prefix);
    if (inPrefix === undefined) {
      inPrefix = new Tally();
      this.#addresses.set(peer.prefix, inPrefix);
    }
    inPrefix.add(peer.address);
    this.#prefixes.add(peer.prefix);
    this.#held += 1;
  }

  remove(peer: Peer): void {
    const inPrefix = this.#addresses.get(peer.prefix);
    if (inPrefix === undefined || inPrefix.of(peer.address) === 0) return;
    inPrefix.remove(peer.address);
    if (inPrefix.size === 0) this.#addresses.delete(peer.prefix);
    this.#prefixes.remove(peer.prefix);
    this.#held -= 1;
  }

  /**
   * The prefix's busiest address if it holds at least `atLeast` (two more than a newcomer of the prefix holds, so
   * that the two would not swap back).
   */
  #busiestIn(inPrefix: Tally | undefined, prefix: string, atLeast: number): Peer | undefined {
    const address = inPrefix?.busiest();
    if (address === undefined || inPrefix === undefined || inPrefix.of(address) < atLeast) return undefined;
    return { address, prefix };
  }
}
