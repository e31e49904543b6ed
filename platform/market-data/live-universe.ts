import type { EventBus, Subscription } from '../backbone/bus.ts';
import type { TopicData } from '../backbone/topics.ts';
import { HttpError } from '../http/errors.ts';

type Universe = TopicData<'market.universe'>;

/**
 * The instruments with a live source, as the running feed announces them on `market.universe` (the catalog
 * lists more). Services that accept symbols from users (price alerts, watchlists, portfolios) check them
 * here. It re-reads the retained announcements at each start, so a restarted consumer knows the universe
 * before the feed announces it again; the newest announcement wins.
 */
export class LiveUniverse {
  #current: Universe | undefined;
  #symbols = new Set<string>();
  #subscription: Subscription | undefined;

  async follow(bus: EventBus, group: string): Promise<void> {
    this.#subscription = await bus.subscribe({
      group,
      topic: 'market.universe',
      from: 'earliest',
      handler: ({ envelope }) => {
        this.set(envelope.data);
      },
    });
    await this.#subscription.replay({ offset: 0 });
  }

  /** Takes an announcement unless a newer one is already known. */
  set(universe: Universe): void {
    if (this.#current !== undefined && universe.ts < this.#current.ts) return;
    this.#current = universe;
    this.#symbols = new Set(universe.symbols);
  }

  has(symbol: string): boolean {
    return this.#symbols.has(symbol);
  }

  get current(): Universe | undefined {
    return this.#current;
  }

  /**
   * Throws a 422 naming the symbol when it has no live source (503 before the feed announced anything), so a
   * rule or position on an instrument that never trades here is refused with a reason instead of kept forever.
   */
  require(symbol: string): void {
    const current = this.requireAnnounced();
    if (!this.has(symbol))
      throw new HttpError(
        422,
        `${symbol} has no live price source here (the ${current.feed} feed trades ${String(this.#symbols.size)} instruments: GET /api/market/instruments)`,
      );
  }

  /** The current universe; a 503 before the feed announced one. */
  requireAnnounced(): Universe {
    if (this.#current === undefined)
      throw new HttpError(503, 'the market feed has not announced its instruments yet; try again in a moment');
    return this.#current;
  }

  async close(): Promise<void> {
    await this.#subscription?.close('drain');
    this.#subscription = undefined;
  }
}
