import { randomUUID } from 'node:crypto';
import { context, propagation, SpanKind, trace, type Context, type Link } from '@opentelemetry/api';
import type { RawData, WebSocket } from 'ws';
import { traceReceive } from '../../telemetry/ws-tracing.ts';
import type { Bar, BarEvent } from '../bars/aggregator.ts';
import type { Interval } from '../bars/buckets.ts';
import type { Quote } from '../quote-book.ts';
import { parseClientMessage, ProtocolError, type ClientMessage } from './protocol.ts';
import { frame, ReplayRing, restOf } from './replay-ring.ts';

export interface StreamLimits {
  readonly maxSymbols: number;
  readonly maxStreams: number;
}

export interface Snapshot {
  readonly quote: Quote | undefined;
  readonly bars: Partial<Record<Interval, Bar[]>>;
}

export interface HubOptions {
  readonly path?: string;
  /** Delta batching period per client (PROTOCOL.md promises at most 50 ms). */
  readonly flushMs?: number;
  /**
   * Above this many connected clients the batching period widens to 50 ms (still within the protocol's
   * promise): it halves the socket writes, which are what a big fan-out spends its time on.
   */
  readonly wideFlushAbove?: number;
  readonly heartbeatMs?: number;
  /** How long a disconnected session can be resumed. */
  readonly sessionTtlMs?: number;
  /** Messages kept per session for replay. */
  readonly replayMessages?: number;
  readonly limits?: Partial<StreamLimits>;
  /** Above this many bytes waiting in a socket, the client is slow: it gets coalesced updates. */
  readonly slowBufferBytes?: number;
  /** Above this, or slow for longer than maxSlowMs, the client is hopeless: closed with 4008. */
  readonly hopelessBufferBytes?: number;
  readonly maxSlowMs?: number;
  /** Coalesced bar states a slow or disconnected session may accumulate before it is given up. */
  readonly maxPendingBars?: number;
  readonly snapshot: (symbol: string, intervals: readonly Interval[]) => Snapshot;
  readonly isKnown: (symbol: string) => boolean;
  /** Unexpected errors while handling a client message (the client gets an `internal` error). */
  readonly onError?: (error: unknown) => void;
}

export interface HubStats {
  readonly sessions: number;
  readonly connected: number;
  readonly slow: number;
  readonly messages: number;
  readonly coalescedUpdates: number;
  readonly hopelessClosed: number;
  readonly resumed: number;
  readonly resumeRefused: number;
}

const tracer = trace.getTracer('insitechart.market-data');
const SLOW_CLOSE_CODE = 4008;
/** The longest batching period PROTOCOL.md promises. */
const MAX_FLUSH_MS = 50;
/** Links to tick traces kept per flush span beyond its parent. */
const MAX_LINKS = 16;

type StreamKey = string;
const streamKey = (symbol: string, interval: Interval): StreamKey => `${symbol} ${interval}`;

class Group {
  readonly key: string;
  readonly symbols: readonly string[];
  readonly streams: readonly StreamKey[];
  readonly members = new Set<Session>();
  constructor(key: string, symbols: readonly string[], streams: readonly StreamKey[]) {
    this.key = key;
    this.symbols = symbols;
    this.streams = streams;
  }
}

/** The changes of one flush: every quote in order per symbol, the latest state per stream and bar start. */
interface Flush {
  readonly quotes: ReadonlyMap<string, readonly string[]>;
  readonly bars: ReadonlyMap<StreamKey, ReadonlyMap<number, string>>;
  /** `,"traceparent":"..."` or empty. */
  readonly traceparent: string;
}

/**
 * The rest of a group's update for a flush (undefined: nothing for the group). Deterministic: replay renders it again.
 */
function renderUpdate(flush: Flush, group: Group): string | undefined {
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

class Session {
  readonly id = randomUUID();
  readonly ring: ReplayRing<Flush, Group>;
  seq = 0;
  socket: WebSocket | undefined;
  alive = true;
  lastSentAt = 0;
  detachedAt = 0;
  slowSince = 0;
  readonly symbols = new Set<string>();
  readonly streams = new Set<StreamKey>();
  group: Group | undefined;
  /** Latest quote and bar states not yet sent (slow or disconnected client), by symbol and by stream + bar start. */
  readonly pendingQuotes = new Map<string, string>();
  readonly pendingBars = new Map<string, string>();
  constructor(replayMessages: number) {
    this.ring = new ReplayRing<Flush, Group>(replayMessages, (flush, group) => renderUpdate(flush, group) ?? '}');
  }
}

/**
 * The /ws fan-out (PROTOCOL.md). Sessions with the same subscriptions form a group; each flush builds an
 * update's JSON once per group that has changes and sends it to every member behind a per-session
 * `{"type":"update","seq":N,` head, so the cost per client is a string join and a socket write. A client
 * whose socket backs up is switched to coalescing (latest quote per symbol, latest state per bar) until it
 * drains; one that stays behind is closed with 4008. Disconnected sessions keep coalescing for
 * `sessionTtlMs` and resume with a replay of the messages after the client's last sequence number.
 */
export class FanoutHub {
  readonly #path: string;
  readonly #flushMs: number;
  readonly #heartbeatMs: number;
  readonly #sessionTtlMs: number;
  readonly #replayMessages: number;
  readonly #limits: StreamLimits;
  readonly #slowBytes: number;
  readonly #hopelessBytes: number;
  readonly #maxSlowMs: number;
  readonly #maxPendingBars: number;
  readonly #snapshot: HubOptions['snapshot'];
  readonly #isKnown: HubOptions['isKnown'];
  readonly #onError: (error: unknown) => void;

  readonly #sessions = new Map<string, Session>();
  readonly #groups = new Map<string, Group>();
  readonly #groupsBySymbol = new Map<string, Set<Group>>();
  readonly #subscribedStreams = new Map<StreamKey, number>();
  readonly #slow = new Set<Session>();

  /** Changes since the last flush: every quote in order per symbol, the latest state per stream and bar start. */
  #quotes = new Map<string, string[]>();
  #bars = new Map<StreamKey, Map<number, string>>();
  #parent: Context | undefined;
  #links: Link[] = [];

  #flushTimer: NodeJS.Timeout | undefined;
  #houseTimer: NodeJS.Timeout | undefined;
  readonly #wideFlushAbove: number;
  #connected = 0;
  #lastPing = Date.now();
  #messages = 0;
  #coalescedUpdates = 0;
  #hopelessClosed = 0;
  #resumed = 0;
  #resumeRefused = 0;

  constructor(options: HubOptions) {
    this.#path = options.path ?? '/ws';
    this.#flushMs = Math.min(MAX_FLUSH_MS, options.flushMs ?? 25);
    this.#wideFlushAbove = options.wideFlushAbove ?? 2_000;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#sessionTtlMs = options.sessionTtlMs ?? 60_000;
    this.#replayMessages = options.replayMessages ?? 256;
    this.#limits = { maxSymbols: options.limits?.maxSymbols ?? 100, maxStreams: options.limits?.maxStreams ?? 200 };
    this.#slowBytes = options.slowBufferBytes ?? 256 * 1024;
    this.#hopelessBytes = options.hopelessBufferBytes ?? 8 * 1024 * 1024;
    this.#maxSlowMs = options.maxSlowMs ?? 10_000;
    this.#maxPendingBars = options.maxPendingBars ?? 10_000;
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
      slow: this.#slow.size,
      messages: this.#messages,
      coalescedUpdates: this.#coalescedUpdates,
      hopelessClosed: this.#hopelessClosed,
      resumed: this.#resumed,
      resumeRefused: this.#resumeRefused,
    };
  }

  /** A new quote; call it in the context of the tick's delivery so the update continues its trace. */
  quote(quote: Quote): void {
    if (!this.#groupsBySymbol.has(quote.symbol)) return;
    let list = this.#quotes.get(quote.symbol);
    if (list === undefined) {
      list = [];
      this.#quotes.set(quote.symbol, list);
    }
    list.push(JSON.stringify(quote));
    this.#noteContext();
  }

  /** A bar change; only streams someone subscribes to are serialised. */
  bar(event: BarEvent): void {
    const key = streamKey(event.symbol, event.interval);
    if (!this.#subscribedStreams.has(key)) return;
    let byStart = this.#bars.get(key);
    if (byStart === undefined) {
      byStart = new Map();
      this.#bars.set(key, byStart);
    }
    const update = {
      symbol: event.symbol,
      interval: event.interval,
      bar: event.bar,
      final: event.state !== 'open',
      ...(event.state === 'corrected' ? { corrected: true } : {}),
    };
    byStart.set(event.bar.start, JSON.stringify(update));
    this.#noteContext();
  }

  connect(socket: WebSocket, connection: Context): void {
    let session: Session | undefined;
    socket.on('message', (data, isBinary) => {
      traceReceive(connection, this.#path, 'message', () => {
        try {
          const message = parseClientMessage(isBinary ? undefined : text(data));
          if (session === undefined) {
            session = this.#open(socket, message);
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
      if (session !== undefined && session.socket === socket) {
        session.socket = undefined;
        session.detachedAt = Date.now();
        this.#slow.add(session);
      }
    });
  }

  /** Sends what changed since the last flush. Called on a timer; public for tests and shutdown. */
  flush(): void {
    if (this.#quotes.size === 0 && this.#bars.size === 0) {
      if (this.#slow.size > 0) this.#serveSlow(undefined);
      return;
    }
    const quotes = this.#quotes;
    const bars = this.#bars;
    this.#quotes = new Map();
    this.#bars = new Map();
    const parent = this.#parent ?? context.active();
    const span = tracer.startSpan(
      'WS send update',
      { kind: SpanKind.PRODUCER, links: this.#links, attributes: { 'url.path': this.#path } },
      parent,
    );
    this.#parent = undefined;
    this.#links = [];
    const carrier: { traceparent?: string } = {};
    propagation.inject(trace.setSpan(parent, span), carrier);
    const traceparent = carrier.traceparent === undefined ? '' : `,"traceparent":"${carrier.traceparent}"`;

    const flush: Flush = { quotes, bars, traceparent };
    const groups = new Set<Group>();
    for (const symbol of quotes.keys()) for (const g of this.#groupsBySymbol.get(symbol) ?? []) groups.add(g);
    for (const key of bars.keys())
      for (const g of this.#groupsBySymbol.get(key.slice(0, key.indexOf(' '))) ?? []) groups.add(g);
    let sent = 0;
    for (const group of groups) {
      const rest = renderUpdate(flush, group);
      if (rest === undefined) continue;
      for (const session of group.members) {
        const socket = session.socket;
        if (socket === undefined || this.#slow.has(session) || socket.bufferedAmount > this.#slowBytes) {
          this.#coalesce(session, group, quotes, bars);
          continue;
        }
        session.seq += 1;
        session.ring.pushShared(session.seq, 'update', flush, group);
        this.#transmit(session, frame('update', session.seq, rest));
        sent += 1;
      }
    }
    if (this.#slow.size > 0) this.#serveSlow(traceparent);
    span.setAttribute('websocket.groups', groups.size);
    span.setAttribute('websocket.messages', sent);
    span.end();
  }

  #noteContext(): void {
    const active = context.active();
    if (this.#parent === undefined) {
      this.#parent = active;
      return;
    }
    const spanContext = trace.getSpanContext(active);
    if (
      spanContext !== undefined &&
      this.#links.length < MAX_LINKS &&
      spanContext.traceId !== trace.getSpanContext(this.#parent)?.traceId
    ) {
      this.#links.push({ context: spanContext });
    }
  }

  #coalesce(
    session: Session,
    group: Group,
    quotes: ReadonlyMap<string, string[]>,
    bars: ReadonlyMap<StreamKey, Map<number, string>>,
  ): void {
    for (const symbol of group.symbols) {
      const latest = quotes.get(symbol)?.at(-1);
      if (latest !== undefined) session.pendingQuotes.set(symbol, latest);
    }
    for (const key of group.streams) {
      const byStart = bars.get(key);
      if (byStart !== undefined)
        for (const [start, item] of byStart) session.pendingBars.set(`${key} ${String(start)}`, item);
    }
    if (session.slowSince === 0) session.slowSince = Date.now();
    this.#slow.add(session);
  }

  /** Sends slow clients that drained one coalesced update; closes the hopeless ones. */
  #serveSlow(traceparent: string | undefined): void {
    const now = Date.now();
    for (const session of this.#slow) {
      const socket = session.socket;
      if (session.pendingBars.size > this.#maxPendingBars) {
        this.#giveUp(session, 'too many updates waiting');
        continue;
      }
      if (socket === undefined) continue;
      const buffered = socket.bufferedAmount;
      if (buffered > this.#hopelessBytes || (buffered > this.#slowBytes && now - session.slowSince > this.#maxSlowMs)) {
        this.#giveUp(session, `client too slow: ${String(buffered)} bytes waiting`);
        continue;
      }
      if (buffered > this.#slowBytes) continue;
      this.#slow.delete(session);
      session.slowSince = 0;
      if (session.pendingQuotes.size === 0 && session.pendingBars.size === 0) continue;
      let tp = traceparent;
      if (tp === undefined) {
        const carrier: { traceparent?: string } = {};
        propagation.inject(context.active(), carrier);
        tp = carrier.traceparent === undefined ? '' : `,"traceparent":"${carrier.traceparent}"`;
      }
      const rest = `"quotes":[${[...session.pendingQuotes.values()].join(',')}],"bars":[${[...session.pendingBars.values()].join(',')}],"coalesced":true${tp}}`;
      session.pendingQuotes.clear();
      session.pendingBars.clear();
      this.#coalescedUpdates += 1;
      this.#send(session, 'update', rest);
    }
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
    session.lastSentAt = Date.now();
    this.#messages += 1;
    session.socket?.send(message);
  }

  /** Sends a message carrying the active context's traceparent (a reply to the client's request). */
  #reply(session: Session, type: string, members: Record<string, unknown>): void {
    const carrier: { traceparent?: string } = {};
    propagation.inject(context.active(), carrier);
    this.#send(
      session,
      type,
      restOf(carrier.traceparent === undefined ? members : { ...members, traceparent: carrier.traceparent }),
    );
  }

  #open(socket: WebSocket, message: ClientMessage): Session {
    const resume = message.type === 'hello' ? message.resume : undefined;
    if (resume !== undefined) {
      const old = this.#sessions.get(resume.session);
      if (old !== undefined && old.ring.covers(resume.lastSeq)) {
        if (old.socket !== undefined && old.socket !== socket)
          old.socket.close(4000, 'session resumed on another connection');
        old.socket = socket;
        old.alive = true;
        old.detachedAt = 0;
        this.#resumed += 1;
        sendDirect(socket, this.#welcome(old, true));
        for (const replay of old.ring.after(resume.lastSeq)) socket.send(replay);
        // What changed while away follows as one coalesced update once the socket is writable.
        this.#slow.add(old);
        old.slowSince = Date.now();
        return old;
      }
      this.#resumeRefused += 1;
    }
    const session = new Session(this.#replayMessages);
    session.socket = socket;
    session.lastSentAt = Date.now();
    this.#sessions.set(session.id, session);
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
      subscriptions: this.#subscriptions(session),
    };
  }

  #subscriptions(session: Session): { symbols: string[]; streams: { symbol: string; interval: string }[] } {
    return {
      symbols: [...session.symbols].sort(),
      streams: [...session.streams].sort().map((key) => {
        const [symbol = '', interval = ''] = key.split(' ');
        return { symbol, interval };
      }),
    };
  }

  #handle(session: Session, socket: WebSocket, message: ClientMessage): void {
    switch (message.type) {
      case 'hello':
        return;
      case 'ping':
        sendDirect(socket, { type: 'pong', ...(message.id === undefined ? {} : { id: message.id }), ts: Date.now() });
        return;
      case 'subscribe':
        this.#subscribe(
          session,
          message.symbols.map((s) => s.toUpperCase()),
          message.intervals ?? [],
        );
        return;
      case 'unsubscribe':
        this.#unsubscribe(
          session,
          message.symbols.map((s) => s.toUpperCase()),
          message.intervals,
        );
        return;
    }
  }

  #subscribe(session: Session, symbols: readonly string[], intervals: readonly Interval[]): void {
    const unknown = symbols.filter((s) => !session.symbols.has(s) && !this.#isKnown(s));
    if (unknown.length > 0)
      throw new ProtocolError('unknown_symbol', `unknown symbols: ${[...new Set(unknown)].join(', ')}`);
    const newSymbols = [...new Set(symbols)].filter((s) => !session.symbols.has(s));
    const newStreams = new Map<string, Interval[]>();
    let streamCount = session.streams.size;
    for (const symbol of new Set(symbols)) {
      for (const interval of new Set(intervals)) {
        if (session.streams.has(streamKey(symbol, interval))) continue;
        newStreams.set(symbol, [...(newStreams.get(symbol) ?? []), interval]);
        streamCount += 1;
      }
    }
    if (session.symbols.size + newSymbols.length > this.#limits.maxSymbols) {
      throw new ProtocolError(
        'limit_exceeded',
        `maxSymbols: at most ${String(this.#limits.maxSymbols)} symbols per session (${String(session.symbols.size)} subscribed, ${String(newSymbols.length)} more asked)`,
      );
    }
    if (streamCount > this.#limits.maxStreams) {
      throw new ProtocolError(
        'limit_exceeded',
        `maxStreams: at most ${String(this.#limits.maxStreams)} symbol x interval bar streams per session (${String(session.streams.size)} subscribed, ${String(streamCount - session.streams.size)} more asked)`,
      );
    }
    for (const symbol of newSymbols) session.symbols.add(symbol);
    for (const [symbol, list] of newStreams)
      for (const interval of list) session.streams.add(streamKey(symbol, interval));
    this.#regroup(session);
    this.#reply(session, 'subscribed', this.#subscriptions(session));
    for (const symbol of new Set([...newSymbols, ...newStreams.keys()])) {
      const snapshot = this.#snapshot(symbol, newStreams.get(symbol) ?? []);
      this.#reply(session, 'snapshot', { symbol, quote: snapshot.quote ?? null, bars: snapshot.bars });
    }
  }

  #unsubscribe(session: Session, symbols: readonly string[], intervals: readonly Interval[] | undefined): void {
    for (const symbol of symbols) {
      if (intervals === undefined) {
        session.symbols.delete(symbol);
        for (const key of [...session.streams]) if (key.startsWith(`${symbol} `)) session.streams.delete(key);
        session.pendingQuotes.delete(symbol);
      } else for (const interval of intervals) session.streams.delete(streamKey(symbol, interval));
    }
    for (const key of [...session.pendingBars.keys()])
      if (!session.streams.has(key.slice(0, key.lastIndexOf(' ')))) session.pendingBars.delete(key);
    this.#regroup(session);
    this.#reply(session, 'unsubscribed', this.#subscriptions(session));
  }

  /** Moves a session to the group of its current subscriptions. */
  #regroup(session: Session): void {
    this.#leaveGroup(session);
    if (session.symbols.size === 0) return;
    const symbols = [...session.symbols].sort();
    const streams = [...session.streams].sort();
    const key = `${symbols.join(',')}|${streams.join(',')}`;
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = new Group(key, symbols, streams);
      this.#groups.set(key, group);
      for (const symbol of symbols) {
        let set = this.#groupsBySymbol.get(symbol);
        if (set === undefined) {
          set = new Set();
          this.#groupsBySymbol.set(symbol, set);
        }
        set.add(group);
      }
      for (const stream of streams) this.#subscribedStreams.set(stream, (this.#subscribedStreams.get(stream) ?? 0) + 1);
    }
    group.members.add(session);
    session.group = group;
  }

  #leaveGroup(session: Session): void {
    const group = session.group;
    if (group === undefined) return;
    session.group = undefined;
    group.members.delete(session);
    if (group.members.size > 0) return;
    this.#groups.delete(group.key);
    for (const symbol of group.symbols) {
      const set = this.#groupsBySymbol.get(symbol);
      set?.delete(group);
      if (set?.size === 0) this.#groupsBySymbol.delete(symbol);
    }
    for (const stream of group.streams) {
      const n = (this.#subscribedStreams.get(stream) ?? 1) - 1;
      if (n === 0) this.#subscribedStreams.delete(stream);
      else this.#subscribedStreams.set(stream, n);
    }
  }

  #discard(session: Session): void {
    this.#leaveGroup(session);
    this.#slow.delete(session);
    this.#sessions.delete(session.id);
    session.socket = undefined;
  }

  /** Heartbeats to idle clients, liveness pings, expiry of disconnected sessions. */
  #housekeeping(now: number): void {
    const ping = now - this.#lastPing >= this.#heartbeatMs;
    if (ping) this.#lastPing = now;
    let connected = 0;
    for (const session of this.#sessions.values()) {
      const socket = session.socket;
      if (socket === undefined) {
        if (now - session.detachedAt > this.#sessionTtlMs) this.#discard(session);
        continue;
      }
      connected += 1;
      if (now - session.lastSentAt >= this.#heartbeatMs && !this.#slow.has(session))
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

function sendDirect(socket: WebSocket, message: Readonly<Record<string, unknown>>): void {
  const carrier: { traceparent?: string } = {};
  propagation.inject(context.active(), carrier);
  socket.send(
    JSON.stringify(carrier.traceparent === undefined ? message : { ...message, traceparent: carrier.traceparent }),
  );
}

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
}
