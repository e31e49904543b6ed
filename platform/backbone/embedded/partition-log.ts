import type { Envelope } from '../envelope.ts';

/**
 * An append-only partition held in memory. Offsets are absolute and never reused; `visibleEnd` trails
 * `end` while appended events wait to be made durable, so consumers never see an unacknowledged event.
 * Events live in parallel arrays rather than one record object each: the log is the bus's largest
 * long-lived allocation, and every object per event costs the garbage collector at high rates.
 */
export class PartitionLog {
  readonly partition: number;
  /** Parsed envelopes, or for poison events the raw value read back from storage. */
  #envelopes: unknown[] = [];
  /** Append times (epoch ms): what replay-by-time searches, as Kafka's log-append time. */
  #times: number[] = [];
  /** Stored events that no longer parse, by offset, with the reason; they go to the dead-letter topic. */
  readonly #poison = new Map<number, string>();
  #head = 0;
  #start: number;
  #end: number;
  #visibleEnd: number;

  constructor(partition: number, startOffset = 0) {
    this.partition = partition;
    this.#start = startOffset;
    this.#end = startOffset;
    this.#visibleEnd = startOffset;
  }

  get start(): number {
    return this.#start;
  }

  get end(): number {
    return this.#end;
  }

  get visibleEnd(): number {
    return this.#visibleEnd;
  }

  get size(): number {
    return this.#end - this.#start;
  }

  /** Appends an event (not yet visible) and returns its offset. */
  append(envelope: Envelope, timestamp: number): number {
    this.#envelopes.push(envelope);
    this.#times.push(timestamp);
    return this.#end++;
  }

  /** Restores an event read back from storage; offsets must follow on from the current end. */
  restore(offset: number, timestamp: number, envelope: unknown, poison?: string): void {
    if (this.#envelopes.length - this.#head === 0) {
      this.#start = offset;
      this.#end = offset;
    } else if (offset !== this.#end) {
      throw new Error(`restored offset ${String(offset)} does not follow ${String(this.#end)}`);
    }
    this.#envelopes.push(envelope);
    this.#times.push(timestamp);
    if (poison !== undefined) this.#poison.set(offset, poison);
    this.#end = offset + 1;
    this.#visibleEnd = this.#end;
  }

  makeVisible(upTo: number): void {
    if (upTo > this.#visibleEnd) this.#visibleEnd = Math.min(upTo, this.#end);
  }

  /** Drops appended events that never became visible (their durable write failed). */
  discardInvisible(): void {
    const drop = this.#end - this.#visibleEnd;
    if (drop > 0) {
      this.#envelopes.length -= drop;
      this.#times.length -= drop;
      this.#end = this.#visibleEnd;
    }
  }

  /** The visible event at `offset`, or undefined when it is past the visible end or trimmed. */
  envelopeAt(offset: number): unknown {
    if (offset < this.#start || offset >= this.#visibleEnd) return undefined;
    return this.#envelopes[this.#head + offset - this.#start];
  }

  /** Why the stored event at `offset` could not be parsed, if it could not. */
  poisonAt(offset: number): string | undefined {
    return this.#poison.size === 0 ? undefined : this.#poison.get(offset);
  }

  timestampAt(offset: number): number | undefined {
    if (offset < this.#start || offset >= this.#end) return undefined;
    return this.#times[this.#head + offset - this.#start];
  }

  /** First offset whose append time is at or after `time`; the visible end when there is none. */
  offsetForTime(time: number): number {
    let lo = this.#head;
    let hi = this.#head + (this.#visibleEnd - this.#start);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#times[mid] ?? Infinity) < time) lo = mid + 1;
      else hi = mid;
    }
    return this.#start + (lo - this.#head);
  }

  /** Removes events before `offset`; compacts the arrays only now and then, so trimming stays O(1) amortised. */
  trimBefore(offset: number): number {
    const target = Math.min(offset, this.#visibleEnd);
    if (target <= this.#start) return 0;
    const removed = target - this.#start;
    // Drop references now so trimmed envelopes can be collected before the next compaction.
    this.#envelopes.fill(undefined, this.#head, this.#head + removed);
    for (const offset of this.#poison.keys()) if (offset < target) this.#poison.delete(offset);
    this.#head += removed;
    this.#start = target;
    if (this.#head > 4096 && this.#head * 2 > this.#envelopes.length) {
      this.#envelopes = this.#envelopes.slice(this.#head);
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
    return removed;
  }
}
