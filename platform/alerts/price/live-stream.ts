import type { Request, Response } from 'express';
import { HttpError } from '../../http/errors.ts';

/** What an open web session receives when one of its user's price alerts fires (SSE event `price-alert`). */
export interface PriceAlertLiveEvent {
  readonly id: string;
  readonly ruleId: string;
  readonly userId: string;
  readonly symbol: string;
  readonly kind: string;
  readonly threshold: number;
  readonly thresholdUnit: string;
  readonly observed: number;
  readonly message: string;
  /** ISO 8601: when it fired (the chart marker's time). */
  readonly at: string;
}

export interface LiveStreamLimits {
  /** Open streams per user (tabs and devices); one more is refused with 429. */
  readonly perUser: number;
  /** Open streams in all; one more is refused with 503. */
  readonly total: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  readonly heartbeatMs: number;
  /** Firing ids remembered to send each firing once (a redelivery after a rebalance or restart is dropped). */
  readonly recentIds: number;
}

const defaults: LiveStreamLimits = { perUser: 10, total: 2_000, heartbeatMs: 15_000, recentIds: 1_000 };

/** Where one open stream's frames go: the HTTP response, or a test's collector. */
export interface LiveSink {
  write(frame: string): void;
  end(): void;
}

/**
 * Server-sent events to each user's open web sessions: `GET /api/price-alerts/stream` stays open and gets one
 * `price-alert` event per firing of that user's rules (never another user's), so the app can show a toast and
 * a marker on the chart at once. Streams are bounded per user and in all; a firing id already sent is not sent
 * again (the bus delivers at least once).
 */
export class PriceAlertLiveStream {
  readonly #limits: LiveStreamLimits;
  readonly #byUser = new Map<string, Set<LiveSink>>();
  readonly #recent = new Set<string>();
  #open = 0;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(limits: Partial<LiveStreamLimits> = {}) {
    this.#limits = { ...defaults, ...limits };
  }

  get openStreams(): number {
    return this.#open;
  }

  /** Opens a stream for `userId` on this request (throws an HttpError when a bound is reached). */
  attach(userId: string, req: Request, res: Response): void {
    const close = this.open(userId, res);
    res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 5000\n\n');
    req.on('close', close);
  }

  /** Adds an open stream for `userId` (throws an HttpError when a bound is reached); returns its closer. */
  open(userId: string, sink: LiveSink): () => void {
    const mine = this.#byUser.get(userId) ?? new Set<LiveSink>();
    if (mine.size >= this.#limits.perUser)
      throw new HttpError(429, `at most ${String(this.#limits.perUser)} open alert streams per user`);
    if (this.#open >= this.#limits.total) throw new HttpError(503, 'too many open alert streams; try again later');
    this.#byUser.set(userId, mine);
    mine.add(sink);
    this.#open += 1;
    this.#heartbeat ??= setInterval(() => {
      for (const set of this.#byUser.values()) for (const s of set) s.write(': heartbeat\n\n');
    }, this.#limits.heartbeatMs).unref();
    return () => {
      if (!mine.delete(sink)) return;
      this.#open -= 1;
      if (mine.size === 0) this.#byUser.delete(userId);
    };
  }

  /** Sends a firing to its owner's open streams, once per firing id; returns how many got it. */
  publish(event: PriceAlertLiveEvent): number {
    if (this.#recent.has(event.id)) return 0;
    this.#recent.add(event.id);
    // Oldest first out: a Set iterates in insertion order.
    if (this.#recent.size > this.#limits.recentIds) this.#recent.delete(this.#recent.values().next().value ?? '');
    const streams = this.#byUser.get(event.userId);
    if (streams === undefined) return 0;
    const frame = `event: price-alert\nid: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const sink of streams) sink.write(frame);
    return streams.size;
  }

  close(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    for (const set of this.#byUser.values()) for (const sink of set) sink.end();
    this.#byUser.clear();
    this.#open = 0;
  }
}
