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
}

const defaults: LiveStreamLimits = { perUser: 10, total: 2_000, heartbeatMs: 15_000 };

/**
 * Server-sent events to each user's open web sessions: `GET /api/price-alerts/stream` stays open and gets one
 * `price-alert` event per firing of that user's rules (never another user's), so the app can show a toast and
 * a marker on the chart at once. Streams are bounded per user and in all.
 */
export class PriceAlertLiveStream {
  readonly #limits: LiveStreamLimits;
  readonly #byUser = new Map<string, Set<Response>>();
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
    const mine = this.#byUser.get(userId) ?? new Set<Response>();
    if (mine.size >= this.#limits.perUser)
      throw new HttpError(429, `at most ${String(this.#limits.perUser)} open alert streams per user`);
    if (this.#open >= this.#limits.total) throw new HttpError(503, 'too many open alert streams; try again later');
    this.#byUser.set(userId, mine);
    mine.add(res);
    this.#open += 1;
    res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 5000\n\n');
    this.#heartbeat ??= setInterval(() => {
      for (const set of this.#byUser.values()) for (const r of set) r.write(': heartbeat\n\n');
    }, this.#limits.heartbeatMs).unref();
    req.on('close', () => {
      if (!mine.delete(res)) return;
      this.#open -= 1;
      if (mine.size === 0) this.#byUser.delete(userId);
    });
  }

  /** Sends a firing to its owner's open streams; returns how many got it. */
  publish(event: PriceAlertLiveEvent): number {
    const streams = this.#byUser.get(event.userId);
    if (streams === undefined) return 0;
    const frame = `event: price-alert\nid: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const res of streams) res.write(frame);
    return streams.size;
  }

  close(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    for (const set of this.#byUser.values()) for (const res of set) res.end();
    this.#byUser.clear();
    this.#open = 0;
  }
}
