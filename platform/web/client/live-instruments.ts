import * as z from 'zod/mini';
import { getJson } from './api.ts';

/** GET /api/market/instruments: the instruments the running feed produces (the catalog has more, without data). */
const instrument = z.object({ symbol: z.string(), name: z.string(), exchange: z.string(), currency: z.string() });
export type LiveInstrument = z.infer<typeof instrument>;
const answer = z.object({
  feed: z.string(),
  simulated: z.boolean(),
  timeZone: z.string(),
  instruments: z.array(instrument),
});
export type LiveMarket = z.infer<typeof answer>;

export function searchLive(query: string, signal?: AbortSignal): Promise<LiveInstrument[]> {
  const params = new URLSearchParams({ q: query, limit: '8' });
  return getJson(`/api/market/instruments?${params.toString()}`, answer, signal).then((a) => a.instruments);
}

/**
 * What has live data here, loaded once: views offer only these symbols and say "no data" for the others. Until it
 * answers (or when it cannot) every symbol counts as live, so nothing is hidden by a failed request.
 */
export class LiveInstruments {
  market: LiveMarket | undefined;
  readonly #listeners = new Set<() => void>();

  load(): void {
    getJson('/api/market/instruments', answer).then(
      (market) => {
        this.market = market;
        for (const l of this.#listeners) l();
      },
      (error: unknown) => {
        console.warn('live instruments unknown', error);
      },
    );
  }

  has(symbol: string): boolean {
    return this.market === undefined || this.market.instruments.some((i) => i.symbol === symbol);
  }

  get symbols(): string[] {
    return (this.market?.instruments ?? []).map((i) => i.symbol);
  }

  listen(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (this.market !== undefined) listener();
    return () => this.#listeners.delete(listener);
  }
}
