import type { EventBus, Subscription } from '../backbone/bus.ts';
import type { DailyClose, LastPrice, PriceSource } from './valuation.ts';

/** Symbols followed (the feed's universe is at most 10,000) and daily closes kept per symbol (three years). */
const MAX_SYMBOLS = 10_000;
const MAX_CLOSES = 800;

/**
 * Live prices for valuations: the latest trade per symbol from `market.ticks`, and daily closes from the
 * feeds' history (`market.history`, re-read at each start) and the final daily bars (`market.bars`).
 */
export class PortfolioPrices implements PriceSource {
  readonly #last = new Map<string, LastPrice>();
  readonly #closes = new Map<string, DailyClose[]>();
  readonly #subscriptions: Subscription[] = [];

  async follow(bus: EventBus): Promise<void> {
    this.#subscriptions.push(
      await bus.subscribe({
        group: 'portfolio-ticks',
        topic: 'market.ticks',
        from: 'latest',
        handler: ({ envelope }) => {
          const t = envelope.data;
          const known = this.#last.get(t.symbol);
          if (known === undefined && this.#last.size >= MAX_SYMBOLS) return;
          if (known === undefined || t.ts >= known.ts) this.#last.set(t.symbol, { price: t.price, ts: t.ts });
        },
      }),
      await bus.subscribe({
        group: 'portfolio-bars',
        topic: 'market.bars',
        from: 'latest',
        handler: ({ envelope }) => {
          const b = envelope.data;
          if (b.interval === '1d') this.#addClose(b.symbol, { start: b.start, close: b.close });
        },
      }),
    );
    const history = await bus.subscribe({
      group: 'portfolio-history',
      topic: 'market.history',
      from: 'earliest',
      handler: ({ envelope }) => {
        const h = envelope.data;
        if (h.interval === '1d') for (const b of h.bars) this.#addClose(h.symbol, { start: b.start, close: b.close });
      },
    });
    this.#subscriptions.push(history);
    await history.replay({ offset: 0 });
  }

  last(symbol: string): LastPrice | undefined {
    return this.#last.get(symbol);
  }

  dailyCloses(symbol: string): readonly DailyClose[] {
    return this.#closes.get(symbol) ?? [];
  }

  async close(): Promise<void> {
    await Promise.all(this.#subscriptions.splice(0).map((s) => s.close('drain')));
  }

  /** Keeps closes sorted by start; a repeated start replaces the earlier close (a corrected bar). */
  #addClose(symbol: string, close: DailyClose): void {
    let list = this.#closes.get(symbol);
    if (list === undefined) {
      if (this.#closes.size >= MAX_SYMBOLS) return;
      this.#closes.set(symbol, (list = []));
    }
    const last = list.at(-1);
    if (last === undefined || close.start > last.start) list.push(close);
    else {
      const i = list.findIndex((c) => c.start >= close.start);
      if (list[i]?.start === close.start) list[i] = close;
      else list.splice(i, 0, close);
    }
    if (list.length > MAX_CLOSES) list.splice(0, list.length - MAX_CLOSES);
  }
}
