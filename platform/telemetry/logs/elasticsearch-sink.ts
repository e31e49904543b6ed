import { Client, errors } from '@elastic/elasticsearch';
import type { estypes } from '@elastic/elasticsearch';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { BoundedQueue } from './bounded-queue.ts';
import { toEcs } from './log-sink.ts';
import type { EcsDocument, LogRecord, LogSink, LogSinkStats } from './log-sink.ts';

export interface ElasticsearchLogSinkTuning {
  /** Data stream or index the records are created in. */
  readonly index: string;
  /** `service.name` for records that do not carry their own `service`. */
  readonly service: string;
  /** Records held before the oldest are dropped. Default 10,000. */
  readonly maxBuffer?: number;
  /** Records per bulk request; reaching it triggers a send. Default 500. */
  readonly batchSize?: number;
  /** Whatever is buffered is sent at least this often. Default 1,000 ms. */
  readonly flushIntervalMs?: number;
  /** Attempts per batch, the first included, before its records are dropped. Default 5. */
  readonly maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxBackoffMs, with jitter. Default 250 ms. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Per bulk request. Default 10,000 ms. */
  readonly requestTimeoutMs?: number;
  /** How long close() may spend flushing before it drops what is left. Default 5,000 ms. */
  readonly closeTimeoutMs?: number;
  /** Where failure warnings go (one per failure streak). Default: a line on stderr. */
  readonly onWarning?: (message: string) => void;
}

export type ElasticsearchLogSinkOptions = ElasticsearchLogSinkTuning &
  (
    | { readonly url: string; readonly apiKey?: string }
    /** An existing client, e.g. pointed at a test server; the sink does not close it. */
    | { readonly client: Client }
  );

interface Entry {
  /** Write order, so flush() can wait for exactly the records written before it. */
  readonly seq: number;
  readonly doc: EcsDocument;
}

interface Outcome {
  readonly sent: number;
  readonly rejected: number;
  /** Entries worth another attempt: the whole batch, or the items that failed with 429/5xx. */
  readonly retry: Entry[];
  /** False when resending cannot help (e.g. 400/401/403 on the whole request). */
  readonly retryable: boolean;
  readonly problem?: string;
}

const RETRYABLE_ERRORS = [errors.ConnectionError, errors.TimeoutError, errors.NoLivingConnectionsError];
const isRetryableStatus = (status: number): boolean => status === 429 || status >= 500;
// Only what the sink reads: keeps a 500-item response small.
const FILTER_PATH = ['errors', 'items.*.status', 'items.*.error.type', 'items.*.error.reason'];

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1)
    throw new RangeError(`ElasticsearchLogSink: ${name} must be a positive integer, got ${v}`);
  return v;
}

function explain(err: unknown): string {
  if (err instanceof errors.ResponseError) return `HTTP ${err.statusCode ?? '?'}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

function isRetryable(err: unknown): boolean {
  if (err instanceof errors.ResponseError) return isRetryableStatus(err.statusCode ?? 0);
  return RETRYABLE_ERRORS.some((type) => err instanceof type);
}

/** Resolves true if `work` settles within `ms`, false otherwise; the timer keeps the process alive meanwhile. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      sleep(ms, false, { signal: timer.signal }),
    ]);
  } finally {
    timer.abort();
  }
}

const defaultWarning = (message: string): void => {
  try {
    process.stderr.write(`${message}\n`);
  } catch {
    // stderr gone: nowhere left to complain to
  }
};

/**
 * LogSink that ships ECS documents to Elasticsearch with bulk `create` actions.
 * One batch is in flight at a time, so records arrive in write order and a slow
 * cluster is never hit by a pile of concurrent retries.
 */
export class ElasticsearchLogSink implements LogSink {
  private readonly client: Client;
  private readonly ownsClient: boolean;
  private readonly index: string;
  private readonly service: string;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly requestTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly warn: (message: string) => void;
  private readonly queue: BoundedQueue<Entry>;
  private readonly timer: NodeJS.Timeout;
  /** Aborted when close() runs out of time: cancels the request and any backoff. */
  private readonly shutdown = new AbortController();
  private inflight: Entry[] = [];
  private seq = 0;
  /** Records up to this seq are sent even when they do not fill a batch. */
  private flushUpTo = 0;
  private pump: Promise<void> | null = null;
  private batchesTaken = 0;
  private closing: Promise<void> | null = null;
  private closed = false;
  private failing = false;
  private overflowing = false;
  private sent = 0;
  private dropped = 0;
  private failedBatches = 0;

  constructor(options: ElasticsearchLogSinkOptions) {
    this.index = options.index;
    this.service = options.service;
    this.batchSize = positiveInt('batchSize', options.batchSize, 500);
    this.maxAttempts = positiveInt('maxAttempts', options.maxAttempts, 5);
    this.initialBackoffMs = positiveInt('initialBackoffMs', options.initialBackoffMs, 250);
    this.maxBackoffMs = positiveInt('maxBackoffMs', options.maxBackoffMs, 10_000);
    this.requestTimeoutMs = positiveInt('requestTimeoutMs', options.requestTimeoutMs, 10_000);
    this.closeTimeoutMs = positiveInt('closeTimeoutMs', options.closeTimeoutMs, 5_000);
    this.queue = new BoundedQueue(positiveInt('maxBuffer', options.maxBuffer, 10_000));
    this.warn = options.onWarning ?? defaultWarning;
    if ('client' in options) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      this.client = new Client({
        node: options.url,
        ...(options.apiKey !== undefined ? { auth: { apiKey: options.apiKey } } : {}),
        // The sink retries with its own backoff; the transport's immediate retries would only add load.
        maxRetries: 0,
        requestTimeout: this.requestTimeoutMs,
      });
      this.ownsClient = true;
    }
    const interval = positiveInt('flushIntervalMs', options.flushIntervalMs, 1_000);
    this.timer = setInterval(() => {
      if (this.queue.length > 0) void this.schedule(this.seq);
    }, interval);
    this.timer.unref(); // logging must never keep the process alive
  }

  write(record: LogRecord): void {
    try {
      if (this.closed) {
        this.dropped++;
        return;
      }
      this.seq++;
      if (this.queue.push({ seq: this.seq, doc: toEcs(record, this.service) })) {
        this.dropped++;
        // Overflow has its own streak: it can happen while every bulk request succeeds.
        if (!this.overflowing) {
          this.overflowing = true;
          this.warn(
            `elasticsearch log sink: buffer full (${this.queue.capacity} records), dropping the oldest until it drains`,
          );
        }
      }
      if (this.queue.length >= this.batchSize && this.pump === null) void this.schedule(this.flushUpTo);
    } catch {
      this.dropped++; // e.g. a record with a throwing getter: lose it, not the request
    }
  }

  async flush(): Promise<void> {
    const target = this.seq;
    while (!this.shutdown.signal.aborted && this.pendingUpTo(target)) {
      const before = this.batchesTaken;
      await this.schedule(target);
      if (this.batchesTaken === before && this.pump === null) return; // no progress and nothing running: never spin
    }
  }

  close(): Promise<void> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  stats(): LogSinkStats {
    return {
      buffered: this.queue.length + this.inflight.length,
      sent: this.sent,
      dropped: this.dropped,
      failed_batches: this.failedBatches,
    };
  }

  private async closeNow(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const started = Date.now();
    if (!(await within(this.flush(), this.closeTimeoutMs))) {
      this.shutdown.abort();
      const left = this.queue.clear() + this.inflight.length;
      this.inflight = [];
      this.dropped += left;
      this.warn(
        `elasticsearch log sink: close timed out after ${this.closeTimeoutMs} ms; dropped ${left} unsent records`,
      );
    }
    if (this.ownsClient) {
      const remaining = Math.max(this.closeTimeoutMs - (Date.now() - started), 1);
      await within(this.client.close(), remaining);
    }
  }

  private pendingUpTo(target: number): boolean {
    const queued = this.queue.peek();
    const sending = this.inflight[0];
    return (queued !== undefined && queued.seq <= target) || (sending !== undefined && sending.seq <= target);
  }

  /** Starts the pump unless it runs; raises the flush mark either way. Never rejects. */
  private schedule(upTo: number): Promise<void> {
    if (upTo > this.flushUpTo) this.flushUpTo = upTo;
    this.pump ??= this.run().finally(() => {
      this.pump = null;
      // Records may have arrived between the pump's last check and now.
      const head = this.queue.peek();
      if (
        !this.shutdown.signal.aborted &&
        head !== undefined &&
        (this.queue.length >= this.batchSize || head.seq <= this.flushUpTo)
      ) {
        void this.schedule(this.flushUpTo);
      }
    });
    return this.pump;
  }

  private async run(): Promise<void> {
    await nextTurn(); // never serialize or send inside the caller's write()
    try {
      for (;;) {
        const head = this.queue.peek();
        if (this.shutdown.signal.aborted || head === undefined) return;
        if (this.queue.length < this.batchSize && head.seq > this.flushUpTo) return;
        this.inflight = this.queue.take(this.batchSize);
        this.batchesTaken++;
        if (this.queue.length === 0) this.overflowing = false;
        await this.deliver();
        this.inflight = [];
      }
    } catch (err) {
      // A bug here must not become an unhandled rejection in the host process.
      this.dropped += this.inflight.length;
      this.inflight = [];
      this.failure(`internal error: ${explain(err)}`);
    }
  }

  /** Sends `this.inflight`, retrying what is retryable with backoff, until it is sent or dropped. */
  private async deliver(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(this.inflight);
      if (this.shutdown.signal.aborted) return; // close() has counted what was in flight
      this.sent += outcome.sent;
      this.dropped += outcome.rejected;
      this.inflight = outcome.retry;
      if (outcome.problem === undefined) {
        this.failing = false;
        return;
      }
      if (outcome.retry.length === 0) {
        this.failure(outcome.problem);
        return;
      }
      if (!outcome.retryable || attempt >= this.maxAttempts) {
        this.failedBatches++;
        this.dropped += outcome.retry.length;
        this.inflight = [];
        this.failure(`${outcome.problem}; gave up on ${outcome.retry.length} records after ${attempt} attempt(s)`);
        return;
      }
      this.failure(`${outcome.problem}; retrying with backoff`);
      try {
        await sleep(this.backoff(attempt), undefined, { signal: this.shutdown.signal, ref: false });
      } catch {
        return; // aborted by close()
      }
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (attempt - 1));
    return ceiling / 2 + (Math.random() * ceiling) / 2; // jitter, so restarted instances do not retry in step
  }

  /** One bulk request. Never throws: every failure becomes an Outcome. */
  private async attempt(entries: Entry[]): Promise<Outcome> {
    const operations: (estypes.BulkOperationContainer | EcsDocument)[] = [];
    for (const e of entries) operations.push({ create: { _index: this.index } }, e.doc);
    let response: estypes.BulkResponse;
    try {
      response = await this.client.bulk<EcsDocument>(
        { operations, filter_path: FILTER_PATH },
        {
          maxRetries: 0,
          requestTimeout: this.requestTimeoutMs,
          // A per-request signal: the transport dispatches its timeout 'abort' on it, which must not reach the shared
          // one.
          signal: AbortSignal.any([this.shutdown.signal]),
        },
      );
    } catch (err) {
      return {
        sent: 0,
        rejected: 0,
        retry: entries,
        retryable: isRetryable(err),
        problem: `bulk request failed: ${explain(err)}`,
      };
    }
    if (!response.errors) return { sent: entries.length, rejected: 0, retry: [], retryable: true };
    let sent = 0;
    let rejected = 0;
    let firstRejection: string | undefined;
    let firstRetry: string | undefined;
    const retry: Entry[] = [];
    entries.forEach((entry, i) => {
      const item = response.items[i]?.create;
      if (item !== undefined && item.status >= 200 && item.status < 300) sent++;
      else if (item === undefined || isRetryableStatus(item.status)) {
        retry.push(entry); // no answer for the item counts as retryable: better a duplicate than a loss
        firstRetry ??= item === undefined ? 'missing bulk item' : `${item.status} ${item.error?.type ?? ''}`.trim();
      } else {
        rejected++;
        firstRejection ??= `${item.status} ${item.error?.type ?? ''}: ${item.error?.reason ?? ''}`;
      }
    });
    if (retry.length === 0 && rejected === 0) return { sent, rejected, retry, retryable: true };
    const problems = [
      ...(rejected > 0 ? [`${rejected} records rejected (first: ${firstRejection ?? '?'})`] : []),
      ...(retry.length > 0 ? [`${retry.length} records failed (first: ${firstRetry ?? '?'})`] : []),
    ];
    return { sent, rejected, retry, retryable: true, problem: `bulk partially failed: ${problems.join(', ')}` };
  }

  /** Warns once per failure streak; the streak ends at the next fully successful bulk request. */
  private failure(message: string): void {
    if (this.failing) return;
    this.failing = true;
    this.warn(`elasticsearch log sink: ${message} (further failures stay quiet until a batch succeeds)`);
  }
}
