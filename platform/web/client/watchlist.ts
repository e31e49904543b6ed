import * as z from 'zod/mini';

export const WATCHLIST_KEY = 'insitechart.watchlist.v1';
export const MAX_WATCHLIST = 50;
export const DEFAULT_WATCHLIST: readonly string[] = ['AAPL', 'NVDA', 'GOOGL', 'AMZN', 'META', 'TSLA', 'JPM', 'SPY'];

const symbol = z.string().check(z.regex(/^[A-Z0-9.^=-]{1,15}$/));
const stored = z.array(symbol).check(z.maxLength(MAX_WATCHLIST));

/** The storage the watchlist needs (window.localStorage in the browser). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The user's symbols, in their order, persisted after every change; a corrupt entry falls back to the default. */
export class Watchlist {
  readonly #storage: KeyValueStore;
  readonly #listeners = new Set<(symbols: readonly string[]) => void>();
  #symbols: string[];

  constructor(storage: KeyValueStore) {
    this.#storage = storage;
    this.#symbols = load(storage);
  }

  get symbols(): readonly string[] {
    return this.#symbols;
  }

  has(symbol: string): boolean {
    return this.#symbols.includes(symbol);
  }

  /** Returns false when the symbol is already there or the list is full. */
  add(symbol: string): boolean {
    const s = symbol.toUpperCase();
    if (this.#symbols.includes(s) || this.#symbols.length >= MAX_WATCHLIST || !symbol.length) return false;
    this.#set([...this.#symbols, s]);
    return true;
  }

  remove(symbol: string): void {
    if (this.#symbols.includes(symbol)) this.#set(this.#symbols.filter((s) => s !== symbol));
  }

  listen(listener: (symbols: readonly string[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(symbols: string[]): void {
    this.#symbols = symbols;
    try {
      this.#storage.setItem(WATCHLIST_KEY, JSON.stringify(symbols));
    } catch {
      // Private mode or a full quota: the list still works for this visit.
    }
    for (const l of this.#listeners) l(symbols);
  }
}

function load(storage: KeyValueStore): string[] {
  let raw: string | null;
  try {
    raw = storage.getItem(WATCHLIST_KEY);
  } catch {
    raw = null;
  }
  if (raw === null) return [...DEFAULT_WATCHLIST];
  try {
    const parsed = stored.safeParse(JSON.parse(raw));
    return parsed.success ? [...new Set(parsed.data)] : [...DEFAULT_WATCHLIST];
  } catch {
    return [...DEFAULT_WATCHLIST];
  }
}
