import { context, type Context } from '@opentelemetry/api';
import type { WebSocket } from 'ws';
import { traceReceive } from '../../telemetry/ws-tracing.ts';
import type { BarEvent } from '../bars/aggregator.ts';
import type { Quote } from '../quote-book.ts';
import { Backpressure } from './backpressure.ts';
import { ChangeBuffer, traceparentMember } from './changes.ts';
import { GroupIndex, renderUpdate, streamKey } from './groups.ts';
import { parseClientMessage, ProtocolError, type ClientMessage } from './protocol.ts';
import { frame, restOf } from './replay-ring.ts';
import { Session, SessionRegistry } from './session.ts';
import { listSubscriptions, subscribe, unsubscribe, type StreamLimits } from './subscriptions.ts';
import type { HubOptions, HubStats, Snapshot } from './hub-options.ts';
import type { Interval } from '../bars/buckets.ts';
import { MessageRate, sendDirect, text } from './wire.ts';

export type { HubOptions, HubStats, Snapshot, StreamLimits } from './hub-options.ts';

const SLOW_CLOSE_CODE = 4008;
const RATE_CLOSE_CODE = 4029;
/** The longest batching period PROTOCOL.md promises. */
const MAX_FLUSH_MS = 50;

/**
 * The /ws fan-out (PROTOCOL.md). Sessions with the same subscriptions form a group; each flush builds an
 * update's JSON once per group that has changes and sends it to every member behind a per-session
 * `{"type":"update","seq":N,` head, so the cost per client is a string join and a socket write. Slow
 * clients are coalesced (backpressure.ts); disconnected sessions are kept, bounded, for a resume that
 * replays the messages after the client's last sequence number (session.ts, replay-ring.ts).
 */
export class FanoutHub {
  readonly #path: string;
  readonly #flushMs: number;
  readonly #heartbeatMs: number;
  readonly #replayMessages: number;
  readonly #limits: StreamLimits;
  readonly #maxMessagesPerSecond: number;
  readonly #snapshot: HubOptions['snapshot'];
  readonly #isKnown: HubOptions['isKnown'];
  readonly #onError: (error: unknown) => void;
  readonly #wideFlushAbove: number;

  readonly #sessions: SessionRegistry;
  readonly #groups = new GroupIndex<Session>();
  readonly #backpressure: Backpressure;
  readonly #changes = new ChangeBuffer();

  #flushTimer: NodeJS.Timeout | undefined;
  #houseTimer: NodeJS.Timeout | undefined;
  #connected = 0;
  #lastPing = Date.now();
  #messages = 0;
  #hopelessClosed = 0;
  #rateClosed = 0;
  #resumed = 0;
  #resumeRefused = 0;

  constructor(options: HubOptions) {
    this.#path = options.path ?? '/ws';
    this.#flushMs = Math.min(MAX_FLUSH_MS, options.flushMs ?? 25);
    this.#wideFlushAbove = options.wideFlushAbove ?? 2_000;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#replayMessages = options.replayMessages ?? 256;
    this.#limits = { maxSymbols: options.limits?.maxSymbols ?? 100, maxStreams: options.limits?.maxStreams ?? 200 };
    this.#maxMessagesPerSecond = options.maxMessagesPerSecond ?? 50;
    this.#sessions = new SessionRegistry({
      ttlMs: options.sessionTtlMs ?? 60_000,
      maxRetained: options.maxRetainedSessions ?? 10_000,
      maxRetainedPerAddress: options.maxRetainedPerAddress ?? 100,
    });
    this.#backpressure = new Backpressure({
      slowBytes: options.slowBufferBytes ?? 256 * 1024,
      hopelessBytes: options.hopelessBufferBytes ?? 8 * 1024 * 1024,
      maxSlowMs: options.maxSlowMs ?? 10_000,
      maxPendingBars: options.maxPendingBars ?? 10_000,
    });
    this.#snapshot = options.snapshot;
    this.#isKnown = options.isKnown;
    this.#onError = options.onError ?? (() => undefined);
  }

  start(): void {
    // A timeout chain rather than an interval: a flush that overruns its period is not followed at once by
    // another, so ticks keep being consumed between flushes.
    const next = (): void => {
      this.#flushTimer = setTimeout(
        () => {
          this.flush();
          next();
        },
        this.#connected > this.#wideFlushAbove ? MAX_FLUSH_MS : this.#flushMs,
      );
    };
    next();
    this.#houseTimer = setInterval(
      () => {
        this.#housekeeping(Date.now());
      },
      Math.min(1_000, this.#heartbeatMs),
    );
  }

  stop(): void {
    clearTimeout(this.#flushTimer);
    clearInterval(this.#houseTimer);
    this.flush();
  }

  stats(): HubStats {
    let connected = 0;
    for (const s of this.#sessions.values()) if (s.socket !== undefined) connected += 1;
    return {
      sessions: this.#sessions.size,
      connected,
      retained: this.#sessions.retained,
      slow: this.#backpressure.size,
      messages: this.#messages,
      coalescedUpdates: this.#backpressure.coalescedUpdates,
      hopelessClosed: this.#hopelessClosed,
      rateClosed: this.#rateClosed,
      resumed: this.#resumed,
      resumeRefused: this.#resumeRefused,
    };
  }

  /** A new quote; call it in the context of the tick's delivery so the update continues its trace. */
  quote(quote: Quote): void {
    if (this.#groups.hasSymbol(quote.symbol)) this.#changes.quote(quote.symbol, JSON.stringify(quote));
  }

  /** A bar change; only streams someone subscribes to are serialised. */
  bar(event: BarEvent): void {
    const key = streamKey(event.symbol, event.interval);
    if (!this.#groups.hasStream(key)) return;
    const update = {
      symbol: event.symbol,
      interval: event.interval,
      bar: event.bar,
      final: event.state !== 'open',
      ...(event.state === 'corrected' ? { corrected: true } : {}),
    };
    this.#changes.bar(key, event.bar.start, JSON.stringify(update));
  }

  /**
   * Bars of a stream were loaded from a feed's history (a first start's backfill lands after charts opened): its
   * subscribers get a new snapshot of that interval, so an open chart fills as soon as its symbol's history is stored.
   * A slow client is skipped (snapshots are the largest messages); its chart fills on its next subscription.
   */
  history(symbol: string, interval: Interval): void {
    const key = streamKey(symbol, interval);
    if (!this.#groups.hasStream(key)) return;
    let snapshot: Snapshot | undefined;
    for (const session of this.#sessions.values()) {
      if (session.socket === undefined || !session.streams.has(key) || this.#backpressure.mustCoalesce(session))
        continue;
      snapshot ??= this.#snapshot(symbol, [interval]);
      this.#reply(session, 'snapshot', { symbol, quote: snapshot.quote ?? null, bars: snapshot.bars });
    }
  }

  /** Serves one connection; `address` is the peer's (retained sessions are bounded per address). */
  connect(socket: WebSocket, connection: Context, address = 'unknown'): void {
    let session: Session | undefined;
    const rate = new MessageRate(this.#maxMessagesPerSecond);
    socket.on('message', (data, isBinary) => {
      if (!rate.allow(Date.now())) {
        if (socket.readyState === socket.OPEN) {
          this.#rateClosed += 1;
          socket.close(RATE_CLOSE_CODE, `more than ${String(this.#maxMessagesPerSecond)} messages per second`);
        }
        return;
      }
      traceReceive(connection, this.#path, 'message', () => {
        try {
          const message = parseClientMessage(isBinary ? undefined : text(data));
          if (session === undefined) {
            session = this.#open(socket, message, address);
            if (message.type === 'hello') return;
          } else if (message.type === 'hello')
            throw new ProtocolError('bad_resume', 'hello must be the first message of a connection');
          this.#handle(session, socket, message);
        } catch (error) {
          if (error instanceof ProtocolError)
            sendDirect(socket, { type: 'error', code: error.code, message: error.message });
          else {
            // A bug must not take the process down from a socket listener: report it, tell the client.
            this.#onError(error);
            sendDirect(socket, { type: 'error', code: 'internal', message: 'internal error' });
          }
        }
      });
    });
    socket.on('pong', () => {
      if (session !== undefined && session.socket === socket) session.alive = true;
    });
    socket.on('close', () => {
      if (session === undefined || session.socket !== socket) return;
      const now = Date.now();
      this.#backpressure.markSlow(session, now);
      for (const gone of this.#sessions.detach(session, now)) this.#discard(gone);
    });
  }

  /** Sends what changed since the last flush. Called on a timer; public for tests and shutdown. */
  flush(): void {
    const now = Date.now();
    if (this.#changes.empty) {
      if (this.#backpressure.size > 0) this.#serveSlow(now, undefined);
      return;
    }
    const { flush, span } = this.#changes.take(this.#path);
    const groups = this.#groups.affected(flush);
    let sent = 0;
    for (const group of groups) {
      const rest = renderUpdate(flush, group);
      if (rest === undefined) continue;
      for (const session of group.members) {
        if (this.#backpressure.mustCoalesce(session)) {
          this.#backpressure.coalesce(session, group, flush, now);
          continue;
        }
        session.seq += 1;
        session.ring.pushShared(session.seq, 'update', flush, group);
        this.#transmit(session, frame('update', session.seq, rest));
        sent += 1;
      }
    }
    if (this.#backpressure.size > 0) this.#serveSlow(now, flush.traceparent);
    span.setAttribute('websocket.groups', groups.size);
    span.setAttribute('websocket.messages', sent);
    span.end();
  }

  #serveSlow(now: number, traceparent: string | undefined): void {
    this.#backpressure.serve(
      now,
      traceparent,
      (session, rest) => {
        this.#send(session, 'update', rest);
      },
      (session, reason) => {
        this.#giveUp(session, reason);
      },
    );
  }

  #giveUp(session: Session, reason: string): void {
    this.#hopelessClosed += 1;
    session.socket?.close(SLOW_CLOSE_CODE, reason.slice(0, 120));
    this.#discard(session);
  }

  #send(session: Session, type: string, rest: string): void {
    session.seq += 1;
    session.ring.push(session.seq, type, rest);
    this.#transmit(session, frame(type, session.seq, rest));
  }

  #transmit(session: Session, message: string): void {
    const socket = session.socket;
    if (socket === undefined) return;
    // A client that reads nothing must not make us hold its messages without end: give it up instead.
    if (this.#backpressure.hopeless(socket)) {
      this.#giveUp(session, `client too slow: ${String(socket.bufferedAmount)} bytes waiting`);
      return;
    }
    session.lastSentAt = Date.now();
    this.#messages += 1;
    socket.send(message);
  }

  /** Sends a message carrying the active context's traceparent (a reply to the client's request). */
  #reply(session: Session, type: string, members: Record<string, unknown>): void {
    this.#send(session, type, `${restOf(members).slice(0, -1)}${traceparentMember(context.active())}}`);
  }

  #open(socket: WebSocket, message: ClientMessage, address: string): Session {
    const resume = message.type === 'hello' ? message.resume : undefined;
    if (resume !== undefined) {
      const old = this.#sessions.get(resume.session);
      if (old !== undefined && old.ring.covers(resume.lastSeq)) {
        if (old.socket !== undefined && old.socket !== socket)
          old.socket.close(4000, 'session resumed on another connection');
        old.socket = socket;
        old.alive = true;
        this.#sessions.reattach(old);
        this.#resumed += 1;
        sendDirect(socket, this.#welcome(old, true));
        for (const replay of old.ring.after(resume.lastSeq)) socket.send(replay);
        // What changed while away follows as one coalesced update once the socket is writable.
        old.slowSince = 0;
        this.#backpressure.markSlow(old, Date.now());
        return old;
      }
      this.#resumeRefused += 1;
    }
    const session = new Session(this.#replayMessages, address);
    session.socket = socket;
    session.lastSentAt = Date.now();
    this.#sessions.add(session);
    sendDirect(socket, this.#welcome(session, false));
    return session;
  }

  #welcome(session: Session, resumed: boolean): Record<string, unknown> {
    return {
      type: 'welcome',
      session: session.id,
      resumed,
      heartbeatMs: this.#heartbeatMs,
      limits: this.#limits,
      subscriptions: listSubscriptions(session),
    };
  }

  #handle(session: Session, socket: WebSocket, message: ClientMessage): void {
    switch (message.type) {
      case 'hello':
        return;
      case 'ping':
        sendDirect(socket, { type: 'pong', ...(message.id === undefined ? {} : { id: message.id }), ts: Date.now() });
        return;
      case 'subscribe': {
        // Snapshots are the largest messages: none for a client that is not reading what it was sent.
        if (this.#backpressure.backedUp(socket)) {
          this.#backpressure.markSlow(session, Date.now());
          throw new ProtocolError('slow_down', 'subscribe refused: read the messages already sent first');
        }
        const snapshots = subscribe(
          session,
          message.symbols.map((s) => s.toUpperCase()),
          message.intervals ?? [],
          this.#limits,
          this.#isKnown,
        );
        this.#groups.regroup(session, session.symbols, session.streams);
        this.#reply(session, 'subscribed', listSubscriptions(session));
        for (const [symbol, intervals] of snapshots) {
          const snapshot = this.#snapshot(symbol, intervals);
          this.#reply(session, 'snapshot', { symbol, quote: snapshot.quote ?? null, bars: snapshot.bars });
        }
        return;
      }
      case 'unsubscribe':
        unsubscribe(
          session,
          message.symbols.map((s) => s.toUpperCase()),
          message.intervals,
        );
        this.#groups.regroup(session, session.symbols, session.streams);
        this.#reply(session, 'unsubscribed', listSubscriptions(session));
        return;
    }
  }

  #discard(session: Session): void {
    this.#groups.leave(session);
    this.#backpressure.remove(session);
    this.#sessions.delete(session);
    session.socket = undefined;
  }

  /** Heartbeats to idle clients, liveness pings, expiry of disconnected sessions. */
  #housekeeping(now: number): void {
    const ping = now - this.#lastPing >= this.#heartbeatMs;
    if (ping) this.#lastPing = now;
    for (const expired of this.#sessions.expired(now)) this.#discard(expired);
    let connected = 0;
    for (const session of this.#sessions.values()) {
      const socket = session.socket;
      if (socket === undefined) continue;
      connected += 1;
      if (now - session.lastSentAt >= this.#heartbeatMs && !this.#backpressure.mustCoalesce(session))
        this.#send(session, 'heartbeat', `"ts":${String(now)}}`);
      if (ping) {
        // A peer that did not answer the last ping is gone without a close: free its socket, keep the session.
        if (!session.alive) socket.terminate();
        else {
          session.alive = false;
          socket.ping();
        }
      }
    }
    this.#connected = connected;
  }
}
