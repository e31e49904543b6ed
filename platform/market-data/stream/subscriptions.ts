import type { Interval } from '../bars/buckets.ts';
import { streamKey, type StreamKey } from './groups.ts';
import { ProtocolError } from './protocol.ts';

export interface StreamLimits {
  readonly maxSymbols: number;
  readonly maxStreams: number;
}

interface Subscriptions {
  readonly symbols: Set<string>;
  readonly streams: Set<StreamKey>;
  readonly pendingQuotes: Map<string, string>;
  readonly pendingBars: Map<string, string>;
}

/**
 * Adds a subscribe request to a session's subscriptions; returns what needs a snapshot (each new symbol,
 * each symbol with new intervals, with those intervals). Refused as a whole (ProtocolError) for unknown
 * symbols or a limit it would exceed.
 */
export function subscribe(
  session: Subscriptions,
  symbols: readonly string[],
  intervals: readonly Interval[],
  limits: StreamLimits,
  isKnown: (symbol: string) => boolean,
): Map<string, Interval[]> {
  const unknown = symbols.filter((s) => !session.symbols.has(s) && !isKnown(s));
  if (unknown.length > 0)
    throw new ProtocolError('unknown_symbol', `unknown symbols: ${[...new Set(unknown)].join(', ')}`);
  const newSymbols = [...new Set(symbols)].filter((s) => !session.symbols.has(s));
  const newStreams = new Map<string, Interval[]>();
  let streamCount = session.streams.size;
  for (const symbol of new Set(symbols)) {
    for (const interval of new Set(intervals)) {
      if (session.streams.has(streamKey(symbol, interval))) continue;
      newStreams.set(symbol, [...(newStreams.get(symbol) ?? []), interval]);
      streamCount += 1;
    }
  }
  if (session.symbols.size + newSymbols.length > limits.maxSymbols) {
    throw new ProtocolError(
      'limit_exceeded',
      `maxSymbols: at most ${String(limits.maxSymbols)} symbols per session (${String(session.symbols.size)} subscribed, ${String(newSymbols.length)} more asked)`,
    );
  }
  if (streamCount > limits.maxStreams) {
    throw new ProtocolError(
      'limit_exceeded',
      `maxStreams: at most ${String(limits.maxStreams)} symbol x interval bar streams per session (${String(session.streams.size)} subscribed, ${String(streamCount - session.streams.size)} more asked)`,
    );
  }
  for (const symbol of newSymbols) session.symbols.add(symbol);
  for (const [symbol, list] of newStreams)
    for (const interval of list) session.streams.add(streamKey(symbol, interval));
  const snapshots = new Map<string, Interval[]>();
  for (const symbol of [...newSymbols, ...newStreams.keys()]) snapshots.set(symbol, newStreams.get(symbol) ?? []);
  return snapshots;
}

/** Without intervals: the quotes and every bar stream of the symbols; with them, only those bar streams. */
export function unsubscribe(
  session: Subscriptions,
  symbols: readonly string[],
  intervals: readonly Interval[] | undefined,
): void {
  for (const symbol of symbols) {
    if (intervals === undefined) {
      session.symbols.delete(symbol);
      for (const key of [...session.streams]) if (key.startsWith(`${symbol} `)) session.streams.delete(key);
      session.pendingQuotes.delete(symbol);
    } else for (const interval of intervals) session.streams.delete(streamKey(symbol, interval));
  }
  for (const key of [...session.pendingBars.keys()])
    if (!session.streams.has(key.slice(0, key.lastIndexOf(' ')))) session.pendingBars.delete(key);
}

/** A session's subscriptions as PROTOCOL.md lists them. */
export function listSubscriptions(session: Subscriptions): {
  symbols: string[];
  streams: { symbol: string; interval: string }[];
} {
  return {
    symbols: [...session.symbols].sort(),
    streams: [...session.streams].sort().map((key) => {
      const [symbol = '', interval = ''] = key.split(' ');
      return { symbol, interval };
    }),
  };
}
