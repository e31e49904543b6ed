/**
 * The last messages of a session, by sequence number, for replay after a reconnect. A message is kept
 * as its type and either the JSON after its `seq` (see frame()) or a pointer to the data it was rendered
 * from (an update: the flush's changes and the subscription group), so the thousands of sessions of a
 * busy server share one copy of each flush instead of each keeping its own rendered strings.
 */
export class ReplayRing<S extends object, K extends object> {
  readonly #types: string[];
  readonly #rests: (string | S)[];
  readonly #keys: (K | undefined)[];
  readonly #capacity: number;
  readonly #render: (source: S, key: K) => string;
  /** Sequence number of the newest message kept (0: none yet). */
  #last = 0;
  #size = 0;

  constructor(capacity: number, render: (source: S, key: K) => string) {
    this.#capacity = capacity;
    this.#render = render;
    this.#types = new Array<string>(capacity);
    this.#rests = new Array<string | S>(capacity);
    this.#keys = new Array<K | undefined>(capacity);
  }

  /** Keeps message `seq` (the one after the newest kept) with its rendered rest. */
  push(seq: number, type: string, rest: string): void {
    this.#slot(seq, type, rest, undefined);
  }

  /** Keeps message `seq` as the data its rest is rendered from: render(source, key) must give the same rest. */
  pushShared(seq: number, type: string, source: S, key: K): void {
    this.#slot(seq, type, source, key);
  }

  /** True when every message after `lastSeq` up to the newest is kept. */
  covers(lastSeq: number): boolean {
    return lastSeq <= this.#last && lastSeq >= this.#last - this.#size;
  }

  /** The frames of every message after `lastSeq`, in order; call covers() first. */
  *after(lastSeq: number): Generator<string> {
    for (let seq = lastSeq + 1; seq <= this.#last; seq++) {
      const slot = seq % this.#capacity;
      const rest = this.#rests[slot];
      const key = this.#keys[slot];
      yield frame(
        this.#types[slot] ?? 'heartbeat',
        seq,
        typeof rest === 'string' || rest === undefined || key === undefined
          ? ((rest as string | undefined) ?? '}')
          : this.#render(rest, key),
      );
    }
  }

  #slot(seq: number, type: string, rest: string | S, key: K | undefined): void {
    if (seq !== this.#last + 1 && this.#size > 0)
      throw new RangeError(`replay ring got seq ${String(seq)} after ${String(this.#last)}`);
    const slot = seq % this.#capacity;
    this.#types[slot] = type;
    this.#rests[slot] = rest;
    this.#keys[slot] = key;
    this.#last = seq;
    this.#size = Math.min(this.#size + 1, this.#capacity);
  }
}

/** `{"type":T,"seq":N,` + rest, where rest is the remaining members and the closing brace. */
export function frame(type: string, seq: number, rest: string): string {
  return `{"type":"${type}","seq":${String(seq)}${rest === '}' ? '' : ','}${rest}`;
}

/** The rest of a message (members after `seq`) from an object of its remaining members. */
export function restOf(members: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(members).slice(1);
}
