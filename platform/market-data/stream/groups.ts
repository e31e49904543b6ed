import type { Interval } from '../bars/buckets.ts';

export type StreamKey = string;
export const streamKey = (symbol: string, interval: Interval): StreamKey => `${symbol} ${interval}`;
/** The symbol part of a stream key. */
export const symbolOf = (key: StreamKey): string => key.slice(0, key.indexOf(' '));

/** Sessions with identical subscriptions: an update body is rendered once per group and flush. */
export class Group<M> {
  readonly key: string;
  readonly symbols: readonly string[];
  readonly streams: readonly StreamKey[];
  readonly members = new Set<M>();
  constructor(key: string, symbols: readonly string[], streams: readonly StreamKey[]) {
    this.key = key;
    this.symbols = symbols;
    this.streams = streams;
  }
}

/** The changes of one flush: every quote in order per symbol, the latest state per stream and bar start. */
export interface Flush {
  readonly quotes: ReadonlyMap<string, readonly string[]>;
  readonly bars: ReadonlyMap<StreamKey, ReadonlyMap<number, string>>;
  /** `,"traceparent":"..."` or empty. */
  readonly traceparent: string;
}

/**
 * The rest of a group's update for a flush (undefined: nothing for the group). Deterministic: replay renders
 * it again.
 */
export function renderUpdate<M>(flush: Flush, group: Group<M>): string | undefined {
  const q: string[] = [];
  for (const symbol of group.symbols) {
    const list = flush.quotes.get(symbol);
    if (list !== undefined) for (const item of list) q.push(item);
  }
  const b: string[] = [];
  for (const key of group.streams) {
    const byStart = flush.bars.get(key);
    if (byStart !== undefined) for (const item of byStart.values()) b.push(item);
  }
  if (q.length === 0 && b.length === 0) return undefined;
  return `"quotes":[${q.join(',')}],"bars":[${b.join(',')}]${flush.traceparent}}`;
}

/**
 * The subscription groups and their indexes: groups by symbol (who gets a quote) and the bar streams
 * someone subscribes to (only those are serialised). A group lives while it has members.
 */
export class GroupIndex<M extends { group: Group<M> | undefined }> {
  readonly #groups = new Map<string, Group<M>>();
  readonly #bySymbol = new Map<string, Set<Group<M>>>();
  readonly #streams = new Map<StreamKey, number>();

  hasSymbol(symbol: string): boolean {
    return this.#bySymbol.has(symbol);
  }

  hasStream(key: StreamKey): boolean {
    return this.#streams.has(key);
  }

  /** The groups a flush's changes concern. */
  affected(flush: Flush): Set<Group<M>> {
    const groups = new Set<Group<M>>();
    for (const symbol of flush.quotes.keys()) for (const g of this.#bySymbol.get(symbol) ?? []) groups.add(g);
    for (const key of flush.bars.keys()) for (const g of this.#bySymbol.get(symbolOf(key)) ?? []) groups.add(g);
    return groups;
  }

  /** Moves a member to the group of its current subscriptions (none without symbols). */
  regroup(member: M, symbolSet: ReadonlySet<string>, streamSet: ReadonlySet<StreamKey>): void {
    this.leave(member);
    if (symbolSet.size === 0) return;
    const symbols = [...symbolSet].sort();
    const streams = [...streamSet].sort();
    const key = `${symbols.join(',')}|${streams.join(',')}`;
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = new Group<M>(key, symbols, streams);
      this.#groups.set(key, group);
      for (const symbol of symbols) {
        let set = this.#bySymbol.get(symbol);
        if (set === undefined) {
          set = new Set();
          this.#bySymbol.set(symbol, set);
        }
        set.add(group);
      }
      for (const stream of streams) this.#streams.set(stream, (this.#streams.get(stream) ?? 0) + 1);
    }
    group.members.add(member);
    member.group = group;
  }

  leave(member: M): void {
    const group = member.group;
    if (group === undefined) return;
    member.group = undefined;
    group.members.delete(member);
    if (group.members.size > 0) return;
    this.#groups.delete(group.key);
    for (const symbol of group.symbols) {
      const set = this.#bySymbol.get(symbol);
      set?.delete(group);
      if (set?.size === 0) this.#bySymbol.delete(symbol);
    }
    for (const stream of group.streams) {
      const n = (this.#streams.get(stream) ?? 1) - 1;
      if (n === 0) this.#streams.delete(stream);
      else this.#streams.set(stream, n);
    }
  }
}
