import type { Envelope } from '../envelope.ts';

/** One event in a partition. `poison` marks a stored event that no longer parses: it goes to the DLQ. */
export type LogRecord = {
  readonly offset: number;
  /** Append time (epoch ms): what replay-by-time searches, as Kafka's log-append time. */
  readonly timestamp: number;
} & ({ readonly envelope: Envelope; readonly poison?: undefined } | { readonly envelope: unknown; readonly poison: string });

/**
 * An append-only partition held in memory. Offsets are absolute and never reused; `visibleEnd` trails
 * `end` while appended events wait to be made durable, so consumers never see an unacknowledged event.
 */
export class PartitionLog {
  readonly partition: number;
  #records: LogRecord[] = [];
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

  append(envelope: Envelope, timestamp: number): LogRecord {
    const record: LogRecord = { offset: this.#end, timestamp, envelope };
    this.#records.push(record);
    this.#end += 1;
    return record;
  }

  /** Restores a record read back from storage; offsets must follow on from the current end. */
  restore(record: LogRecord): void {
    if (this.#records.length - this.#head === 0) {
      this.#start = record.offset;
      this.#end = record.offset;
    } else if (record.offset !== this.#end) {
      throw new Error(`restored offset ${record.offset} does not follow ${this.#end}`);
    }
    this.#records.push(record);
    this.#end = record.offset + 1;
    this.#visibleEnd = this.#end;
  }

  makeVisible(upTo: number): void {
    if (upTo > this.#visibleEnd) this.#visibleEnd = Math.min(upTo, this.#end);
  }

  /** Drops appended events that never became visible (their durable write failed). */
  discardInvisible(): void {
    const drop = this.#end - this.#visibleEnd;
    if (drop > 0) {
      this.#records.length -= drop;
      this.#end = this.#visibleEnd;
    }
  }

  /** The visible record at `offset`, or undefined when it is past the visible end or trimmed. */
  get(offset: number): LogRecord | undefined {
    if (offset < this.#start || offset >= this.#visibleEnd) return undefined;
    return this.#records[this.#head + offset - this.#start];
  }

  /** First offset whose append time is at or after `time`; the visible end when there is none. */
  offsetForTime(time: number): number {
    let lo = this.#head;
    let hi = this.#head + (this.#visibleEnd - this.#start);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const record = this.#records[mid];
      if (record !== undefined && record.timestamp < time) lo = mid + 1;
      else hi = mid;
    }
    return this.#start + (lo - this.#head);
  }

  /** Removes records before `offset`; compacts the backing array only now and then, so trimming stays O(1) amortised. */
  trimBefore(offset: number): number {
    const target = Math.min(offset, this.#visibleEnd);
    if (target <= this.#start) return 0;
    const removed = target - this.#start;
    this.#head += removed;
    this.#start = target;
    if (this.#head > 4096 && this.#head * 2 > this.#records.length) {
      this.#records = this.#records.slice(this.#head);
      this.#head = 0;
    }
    return removed;
  }
}
