import type { ClientMessage, Interval } from './protocol.ts';

/** What the client wants from the server: quotes per symbol, bars per symbol x interval. */
export interface Subscriptions {
  readonly quotes: ReadonlySet<string>;
  /** Keys made by barKey. */
  readonly bars: ReadonlySet<string>;
}

export const noSubscriptions: Subscriptions = { quotes: new Set(), bars: new Set() };

export function barKey(symbol: string, interval: Interval): string {
  return `${symbol}|${interval}`;
}

export function splitBarKey(key: string): { symbol: string; interval: Interval } {
  const at = key.lastIndexOf('|');
  return { symbol: key.slice(0, at), interval: key.slice(at + 1) as Interval };
}

export function union(all: readonly Subscriptions[]): Subscriptions {
  return { quotes: new Set(all.flatMap((s) => [...s.quotes])), bars: new Set(all.flatMap((s) => [...s.bars])) };
}

/**
 * The subscribe/unsubscribe messages that turn the server's view (`current`) into `desired`; bars imply
 * the symbol's quote. Returns no messages when nothing changed.
 */
export function planSubscriptions(current: Subscriptions, desired: Subscriptions): ClientMessage[] {
  const wantedSymbols = new Set([...desired.quotes, ...[...desired.bars].map((k) => splitBarKey(k).symbol)]);
  const haveSymbols = new Set([...current.quotes, ...[...current.bars].map((k) => splitBarKey(k).symbol)]);
  const messages: ClientMessage[] = [];

  const dropped = [...haveSymbols].filter((s) => !wantedSymbols.has(s)).sort();
  if (dropped.length > 0) messages.push({ type: 'unsubscribe', symbols: dropped });
  for (const [interval, symbols] of byInterval(
    [...current.bars].filter((k) => !desired.bars.has(k) && wantedSymbols.has(splitBarKey(k).symbol)),
  )) {
    messages.push({ type: 'unsubscribe', symbols, intervals: [interval] });
  }
  // One message per new symbol: the server refuses a whole subscribe for one unknown symbol, and a stale
  // watchlist entry must not cost the others their quotes.
  for (const symbol of [...desired.quotes].filter((s) => !haveSymbols.has(s)).sort())
    messages.push({ type: 'subscribe', symbols: [symbol] });
  for (const [interval, symbols] of byInterval([...desired.bars].filter((k) => !current.bars.has(k)))) {
    messages.push({ type: 'subscribe', symbols, intervals: [interval] });
  }
  return messages;
}

function byInterval(keys: readonly string[]): Map<Interval, string[]> {
  const grouped = new Map<Interval, string[]>();
  for (const key of keys) {
    const { symbol, interval } = splitBarKey(key);
    grouped.set(interval, [...(grouped.get(interval) ?? []), symbol].sort());
  }
  return grouped;
}
