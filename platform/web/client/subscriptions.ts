import { intervals, type ClientMessage, type Interval } from './protocol.ts';

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
 * the symbol's quote. Returns no messages when nothing changed. Bar streams go first, one message per symbol with
 * all its new intervals (one snapshot carries them all): a chart's history is what a page waits for.
 */
export function planSubscriptions(current: Subscriptions, desired: Subscriptions): ClientMessage[] {
  const wantedSymbols = new Set([...desired.quotes, ...[...desired.bars].map((k) => splitBarKey(k).symbol)]);
  const haveSymbols = new Set([...current.quotes, ...[...current.bars].map((k) => splitBarKey(k).symbol)]);
  const messages: ClientMessage[] = [];

  const dropped = [...haveSymbols].filter((s) => !wantedSymbols.has(s)).sort();
  if (dropped.length > 0) messages.push({ type: 'unsubscribe', symbols: dropped });
  for (const [symbol, intervals] of bySymbol(
    [...current.bars].filter((k) => !desired.bars.has(k) && wantedSymbols.has(splitBarKey(k).symbol)),
  ))
    messages.push({ type: 'unsubscribe', symbols: [symbol], intervals });
  // One message per symbol: the server refuses a whole subscribe for one unknown symbol, and a stale
  // watchlist entry must not cost the others their quotes.
  const newBars = bySymbol([...desired.bars].filter((k) => !current.bars.has(k)));
  for (const [symbol, intervals] of newBars) messages.push({ type: 'subscribe', symbols: [symbol], intervals });
  for (const symbol of [...desired.quotes].filter((s) => !haveSymbols.has(s) && !newBars.has(s)).sort())
    messages.push({ type: 'subscribe', symbols: [symbol] });
  return messages;
}

/** Bar stream keys grouped by symbol (sorted), each with its intervals in the protocol's order. */
function bySymbol(keys: readonly string[]): Map<string, Interval[]> {
  const grouped = new Map<string, Interval[]>();
  for (const key of [...keys].sort()) {
    const { symbol, interval } = splitBarKey(key);
    grouped.set(symbol, [...(grouped.get(symbol) ?? []), interval]);
  }
  for (const list of grouped.values()) list.sort((a, b) => intervals.indexOf(a) - intervals.indexOf(b));
  return grouped;
}
