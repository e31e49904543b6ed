import * as z from 'zod/mini';
import { quote, type Quote } from './protocol.ts';
import type { MarketStore } from './store.ts';
import type { KeyValueStore, Watchlist } from './watchlist.ts';

export const LAST_QUOTES_KEY = 'insitechart.last-quotes.v1';
const SAVE_EVERY_MS = 2_000;
const stored = z.array(quote).check(z.maxLength(50));

/** The last quotes kept on this device (validated, at most 50), so an offline start shows prices, not dashes. */
export function loadLastQuotes(storage: KeyValueStore): Quote[] {
  try {
    const parsed = stored.safeParse(JSON.parse(storage.getItem(LAST_QUOTES_KEY) ?? '[]'));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Seeds the store with the kept quotes, then keeps the watchlist's latest ones, written at most every 2 s. */
export function keepLastQuotes(store: MarketStore, watchlist: Watchlist, storage: KeyValueStore): void {
  store.apply({ type: 'update', seq: 0, quotes: loadLastQuotes(storage) });
  let timer: number | undefined;
  store.listen({
    quote: () => {
      timer ??= window.setTimeout(() => {
        timer = undefined;
        const quotes = watchlist.symbols.flatMap((s) => store.quote(s) ?? []).slice(0, 50);
        try {
          storage.setItem(LAST_QUOTES_KEY, JSON.stringify(quotes));
        } catch {
          // A full quota: the next start shows dashes until quotes arrive.
        }
      }, SAVE_EVERY_MS);
    },
  });
}
