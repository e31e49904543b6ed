import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.ts';
import { parseServerMessage, type ClientMessage, type Interval, type ServerMessage, type Welcome } from './protocol.ts';
import { barKey, noSubscriptions, planSubscriptions, union, type Subscriptions } from './subscriptions.ts';

function fromServer(s: {
  symbols: readonly string[];
  streams: readonly { symbol: string; interval: Interval }[];
}): Subscriptions {
  return { quotes: new Set(s.symbols), bars: new Set(s.streams.map((x) => barKey(x.symbol, x.interval))) };
}

export type SessionKind = 'new' | 'resumed' | 'replaced';
export type ProblemKind = 'server' | 'unreadable' | 'gap' | 'watchdog';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ConnectionListener {
  state?(state: ConnectionState): void;
  /** A new server session: live data held so far is stale; snapshots follow the re-subscription. */
  reset?(welcome: Welcome): void;
  message?(message: ServerMessage): void;
  /** Every welcome: a first session, a resumed one, or a new one replacing a lost session. */
  welcome?(kind: SessionKind): void;
  /**
   * The server rejected a request (bad subscription, a limit), sent something unreadable, skipped a sequence number or
   * fell silent.
   */
  problem?(text: string, kind: ProblemKind): void;
}

/** The socket the connection needs: the browser's WebSocket fits it. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
}

/** Everything the connection takes from its surroundings (browser-environment.ts in the app; fakes in tests). */
export interface ConnectionEnvironment {
  openSocket(url: string): SocketLike;
  isOnline(): boolean;
  /** Calls back when the device goes on- or offline; returns the unsubscribe. */
  onOnlineChange(listener: (online: boolean) => void): () => void;
  setTimer(fn: () => void, ms: number): () => void;
}

export interface ConnectionOptions {
  readonly url: string;
  readonly environment: ConnectionEnvironment;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
}

/** WebSocket readyState values. */
const OPEN = 1;
const CLOSING = 2;
const noTimer = (): void => undefined;

/** Silence longer than this many heartbeat periods means the link is dead even if TCP has not noticed. */
const HEARTBEAT_MISSES = 2;
/** Until the server announces its heartbeat period. */
const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * The `/ws` client: connects, resumes the previous session from the last sequence number after a drop,
 * reconnects with exponential backoff and jitter, and keeps the server's subscriptions equal to the wanted
 * ones (re-subscribing on a fresh session).
 */
export class MarketConnection {
  readonly #options: ConnectionOptions;
  readonly #listeners = new Set<ConnectionListener>();
  #socket: SocketLike | undefined;
  #state: ConnectionState = 'connecting';
  #session: string | undefined;
  #lastSeq = 0;
  #attempt = 0;
  #heartbeatMs = DEFAULT_HEARTBEAT_MS;
  #cancelWatchdog = noTimer;
  #cancelRetry = noTimer;
  #offOnline = noTimer;
  #stopped = true;
  readonly #wants = new Map<string, Subscriptions>();
  /** What this session's server holds, as far as we have asked. */
  #held: Subscriptions = noSubscriptions;
  #welcomed = false;
  #welcomeSeq: number | undefined;
  #lastResumed = false;

  constructor(options: ConnectionOptions) {
    this.#options = options;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get session(): string | undefined {
    return this.#session;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  get resumed(): boolean {
    return this.#lastResumed;
  }

  listen(listener: ConnectionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#offOnline = this.#options.environment.onOnlineChange((online) => {
      if (online) this.#online();
      else this.#offline();
    });
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    this.#offOnline();
    this.#cancelRetry();
    this.#cancelWatchdog();
    this.#socket?.close(1000, 'client stopped');
    this.#socket = undefined;
    this.#setState('offline');
  }

  /** Skips the backoff wait (the user asked to retry): connects now if no connection is under way. */
  retryNow(): void {
    this.#online();
  }

  /**
   * Sets what one part of the app (`owner`) wants; the server is asked for the union of all owners' wants,
   * at once when connected or after the next welcome. An empty set withdraws the owner's wants.
   */
  want(owner: string, subscriptions: Subscriptions): void {
    this.#wants.set(owner, subscriptions);
    this.#sync();
  }

  #connect(): void {
    this.#cancelRetry();
    this.#welcomed = false;
    const socket = this.#options.environment.openSocket(this.#options.url);
    this.#socket = socket;
    socket.addEventListener('open', () => {
      if (socket !== this.#socket) return;
      if (this.#session === undefined) {
        // A first session: the server takes the subscriptions in order after the hello, so they go with it and the
        // snapshots follow the welcome without a round trip through the page (busy rendering itself at first start).
        this.#send({ type: 'hello' });
        this.#held = noSubscriptions;
        this.#subscribe();
      } else this.#send({ type: 'hello', resume: { session: this.#session, lastSeq: this.#lastSeq } });
      this.#armWatchdog();
    });
    socket.addEventListener('message', (event) => {
      if (socket !== this.#socket) return;
      this.#armWatchdog();
      if (typeof event.data !== 'string') {
        this.#emitProblem('unreadable', 'the server sent a binary frame');
        return;
      }
      const { message, problem } = parseServerMessage(event.data);
      if (problem !== undefined) this.#emitProblem('unreadable', `unreadable message from the server: ${problem}`);
      if (message !== undefined) this.#receive(message);
    });
    socket.addEventListener('close', () => {
      if (socket === this.#socket) this.#dropped();
    });
  }

  #receive(message: ServerMessage): void {
    if (message.type === 'welcome') {
      this.#welcome(message);
      return;
    }
    if (message.type === 'error') {
      this.#emitProblem('server', message.code === undefined ? message.message : `${message.code}: ${message.message}`);
      return;
    }
    if (message.type === 'pong') return;
    if (message.seq <= this.#lastSeq) return; // already seen (replayed twice)
    if (message.seq !== this.#lastSeq + 1) {
      // A gap breaks the protocol's promise: reconnect and resume from the last message processed, so the
      // server replays what was skipped (or starts a fresh session with snapshots if it cannot).
      this.#emitProblem('gap', `sequence gap: expected ${this.#lastSeq + 1}, got ${message.seq}; resuming`);
      this.#dropped(4000, 'sequence gap');
      return;
    }
    this.#lastSeq = message.seq;
    this.#countWelcome();
    for (const l of this.#listeners) l.message?.(message);
  }

  #welcome(message: Welcome): void {
    this.#heartbeatMs = message.heartbeatMs > 0 ? message.heartbeatMs : DEFAULT_HEARTBEAT_MS;
    this.#attempt = 0;
    this.#welcomed = true;
    this.#lastResumed = message.resumed;
    const kind: SessionKind =
      message.resumed && message.session === this.#session
        ? 'resumed'
        : this.#session === undefined
          ? 'new'
          : 'replaced';
    for (const l of this.#listeners) l.welcome?.(kind);
    if (kind === 'resumed') {
      // The welcome continues the numbering; the missed messages are replayed after it. Whether it takes
      // lastSeq + 1 (replay numbered after it) or the number after the last message sent (replay numbered
      // before it), it is counted once the count reaches it.
      this.#welcomeSeq = message.seq;
      if (message.seq !== undefined) this.#countWelcome();
      if (message.subscriptions !== undefined) this.#held = fromServer(message.subscriptions);
    } else {
      this.#welcomeSeq = undefined;
      this.#session = message.session;
      this.#lastSeq = message.seq ?? 0;
      // A first session already holds what went with its hello; one replacing a lost session holds nothing.
      if (kind === 'replaced') this.#held = noSubscriptions;
      for (const l of this.#listeners) l.reset?.(message);
    }
    this.#setState('connected');
    this.#armWatchdog();
    this.#sync();
  }

  #countWelcome(): void {
    if (this.#welcomeSeq === this.#lastSeq + 1) {
      this.#lastSeq = this.#welcomeSeq;
      this.#welcomeSeq = undefined;
    }
  }

  #sync(): void {
    if (this.#welcomed && this.#socket?.readyState === OPEN) this.#subscribe();
  }

  /** Asks the server for what is wanted and not yet held. */
  #subscribe(): void {
    const wanted = union([...this.#wants.values()]);
    for (const message of planSubscriptions(this.#held, wanted)) this.#send(message);
    this.#held = wanted;
  }

  #send(message: ClientMessage): void {
    this.#socket?.send(JSON.stringify(message));
  }

  /** The link is gone (or given up on: then closed with `code`); reconnects unless stopped or offline. */
  #dropped(code?: number, reason?: string): void {
    this.#cancelWatchdog();
    const socket = this.#socket;
    this.#socket = undefined;
    this.#welcomed = false;
    if (socket !== undefined && socket.readyState < CLOSING) socket.close(code, reason);
    if (this.#stopped) return;
    if (!this.#options.environment.isOnline()) {
      this.#setState('offline');
      return; // the 'online' event reconnects
    }
    this.#setState('reconnecting');
    const delay = backoffDelay(
      this.#attempt,
      this.#options.backoff ?? defaultBackoff,
      this.#options.random ?? Math.random,
    );
    this.#attempt += 1;
    this.#cancelRetry();
    this.#cancelRetry = this.#options.environment.setTimer(() => {
      this.#connect();
    }, delay);
  }

  #armWatchdog(): void {
    this.#cancelWatchdog();
    this.#cancelWatchdog = this.#options.environment.setTimer(() => {
      this.#emitProblem(
        'watchdog',
        `no message from the server for ${HEARTBEAT_MISSES * this.#heartbeatMs} ms; reconnecting`,
      );
      this.#dropped(4002, 'heartbeat timeout');
    }, HEARTBEAT_MISSES * this.#heartbeatMs);
  }

  #online(): void {
    if (this.#stopped || this.#socket !== undefined || !this.#options.environment.isOnline()) return;
    this.#attempt = 0;
    this.#setState('reconnecting');
    this.#connect();
  }

  #offline(): void {
    if (this.#stopped) return;
    this.#dropped(4001, 'browser offline');
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const l of this.#listeners) l.state?.(state);
  }

  #emitProblem(kind: ProblemKind, text: string): void {
    for (const l of this.#listeners) l.problem?.(text, kind);
  }
}
