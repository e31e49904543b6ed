import { context } from '@opentelemetry/api';
import type { WebSocket } from 'ws';
import { traceparentMember } from './changes.ts';
import type { Flush, Group } from './groups.ts';
import type { Session } from './session.ts';

export interface BackpressureLimits {
  /** Above this many bytes waiting in a socket, the client is slow: it gets coalesced updates. */
  readonly slowBytes: number;
  /** Above this, or slow for longer than maxSlowMs, the client is hopeless: closed with 4008. */
  readonly hopelessBytes: number;
  readonly maxSlowMs: number;
  /** Coalesced bar states a slow or disconnected session may accumulate before it is given up. */
  readonly maxPendingBars: number;
}

/**
 * Slow clients: a session whose socket backs up (or that is disconnected, or just resumed) is sent nothing
 * while it is behind and keeps only the latest quote per symbol and latest state per bar; once its socket
 * drains it gets them as one coalesced update. One that stays behind is given up.
 */
export class Backpressure {
  readonly #limits: BackpressureLimits;
  readonly #slow = new Set<Session>();
  #coalescedUpdates = 0;

  constructor(limits: BackpressureLimits) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#slow.size;
  }

  get coalescedUpdates(): number {
    return this.#coalescedUpdates;
  }

  /** More waiting in the socket than a client that keeps up would have. */
  backedUp(socket: WebSocket): boolean {
    return socket.bufferedAmount > this.#limits.slowBytes;
  }

  /** So much waiting that the client is closed rather than sent more. */
  hopeless(socket: WebSocket): boolean {
    return socket.bufferedAmount > this.#limits.hopelessBytes;
  }

  /** The session must not be sent this flush's update directly. */
  mustCoalesce(session: Session): boolean {
    const socket = session.socket;
    return socket === undefined || this.#slow.has(session) || this.backedUp(socket);
  }

  markSlow(session: Session, now: number): void {
    if (session.slowSince === 0) session.slowSince = now;
    this.#slow.add(session);
  }

  remove(session: Session): void {
    this.#slow.delete(session);
  }

  /** Keeps the latest of the flush's changes the session's group wants. */
  coalesce(session: Session, group: Group<Session>, flush: Flush, now: number): void {
    for (const symbol of group.symbols) {
      const latest = flush.quotes.get(symbol)?.at(-1);
      if (latest !== undefined) session.pendingQuotes.set(symbol, latest);
    }
    for (const key of group.streams) {
      const byStart = flush.bars.get(key);
      if (byStart !== undefined)
        for (const [start, item] of byStart) session.pendingBars.set(`${key} ${String(start)}`, item);
    }
    this.markSlow(session, now);
  }

  /**
   * Sends slow clients that drained one coalesced update (`send` gets its rest); gives up the hopeless.
   * `traceparent`: the flush's member, or undefined outside a flush (the active context's then).
   */
  serve(
    now: number,
    traceparent: string | undefined,
    send: (session: Session, rest: string) => void,
    giveUp: (session: Session, reason: string) => void,
  ): void {
    for (const session of this.#slow) {
      const socket = session.socket;
      if (session.pendingBars.size > this.#limits.maxPendingBars) {
        giveUp(session, 'too many updates waiting');
        continue;
      }
      if (socket === undefined) continue;
      const buffered = socket.bufferedAmount;
      if (this.hopeless(socket) || (this.backedUp(socket) && now - session.slowSince > this.#limits.maxSlowMs)) {
        giveUp(session, `client too slow: ${String(buffered)} bytes waiting`);
        continue;
      }
      if (this.backedUp(socket)) continue;
      this.#slow.delete(session);
      session.slowSince = 0;
      if (session.pendingQuotes.size === 0 && session.pendingBars.size === 0) continue;
      const tp = traceparent ?? traceparentMember(context.active());
      const quotes = [...session.pendingQuotes.values()].join(',');
      const bars = [...session.pendingBars.values()].join(',');
      session.pendingQuotes.clear();
      session.pendingBars.clear();
      this.#coalescedUpdates += 1;
      send(session, `"quotes":[${quotes}],"bars":[${bars}],"coalesced":true${tp}}`);
    }
  }
}
