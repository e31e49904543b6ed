/**
 * The last messages of a session, by sequence number, for replay after a reconnect. A message is kept
 * as its type and the JSON after its `seq` (see frame()): an update's rest is shared by every session
 * of a subscription group, so the ring costs two pointers per message, not a copy.
 */
export class ReplayRing {
  readonly #types: string[];
  readonly #rests: string[];
  readonly #capacity: number;
  /** Sequence number of the newest message kept (0: none yet). */
  #last = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#types = new Array<string>(capacity);
    this.#rests = new Array<string>(capacity);
  }

  /** Keeps message `seq` (which must be the one after the newest kept). */
  push(seq: number, type: string, rest: string): void {
    if (seq !== this.#last + 1 && this.#size > 0) throw new RangeError(`replay ring got seq ${String(seq)} after ${String(this.#last)}`);
    const slot = seq % this.#capacity;
    this.#types[slot] = type;
    this.#rests[slot] = rest;
    this.#last = seq;
    this.#size = Math.min(this.#size + 1, this.#capacity);
  }

  /** True when every message after `lastSeq` up to the newest is kept. */
  covers(lastSeq: number): boolean {
    return lastSeq <= this.#last && lastSeq >= this.#last - this.#size;
  }

  /** The frames of every message after `lastSeq`, in order; call covers() first. */
  *after(lastSeq: number): Generator<string> {
    for (let seq = lastSeq + 1; seq <= this.#last; seq++) {
      const slot = seq % this.#capacity;
      yield frame(this.#types[slot] ?? 'heartbeat', seq, this.#rests[slot] ?? '}');
    }
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
