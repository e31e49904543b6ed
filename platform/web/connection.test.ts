import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MarketConnection, type ConnectionEnvironment, type SocketLike } from './client/connection.ts';
import type { ClientMessage } from './client/protocol.ts';
import { barKey } from './client/subscriptions.ts';

/** A socket the test drives: open it, feed it messages, drop it; it records what the client sent. */
class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: ClientMessage[] = [];
  closedWith: number | undefined;
  readonly #listeners = new Map<string, ((event: { data: unknown }) => void)[]>();
  addEventListener(type: string, listener: (event: { data: unknown }) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientMessage);
  }
  close(code?: number): void {
    this.closedWith = code;
    this.drop();
  }
  open(): void {
    this.readyState = 1;
    this.#emit('open', undefined);
  }
  receive(message: object): void {
    this.#emit('message', JSON.stringify(message));
  }
  drop(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.#emit('close', undefined);
  }
  #emit(type: string, data: unknown): void {
    for (const l of this.#listeners.get(type) ?? []) l({ data });
  }
}

/** Manual clock, sockets and network state. */
function fakeEnvironment() {
  const sockets: FakeSocket[] = [];
  let timers: { at: number; fn: () => void; ms: number; live: boolean }[] = [];
  let now = 0;
  let online = true;
  let onlineListener: ((online: boolean) => void) | undefined;
  const environment: ConnectionEnvironment = {
    openSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    isOnline: () => online,
    onOnlineChange: (listener) => {
      onlineListener = listener;
      return () => {
        onlineListener = undefined;
      };
    },
    setTimer: (fn, ms) => {
      const timer = { at: now + ms, fn, ms, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
  };
  return {
    environment,
    sockets,
    last: () => sockets.at(-1)!,
    /** Delays of the live timers, soonest first. */
    pending: () => timers.filter((t) => t.live).map((t) => t.ms),
    advance(ms: number) {
      now += ms;
      for (;;) {
        const due = timers.filter((t) => t.live && t.at <= now).sort((a, b) => a.at - b.at)[0];
        if (due === undefined) break;
        due.live = false;
        due.fn();
      }
      timers = timers.filter((t) => t.live);
    },
    setOnline(value: boolean) {
      online = value;
      onlineListener?.(value);
    },
  };
}

function started(options: { random?: () => number } = {}) {
  const env = fakeEnvironment();
  const connection = new MarketConnection({
    url: 'ws://test/ws',
    environment: env.environment,
    backoff: { baseMs: 500, maxMs: 8_000 },
    random: options.random ?? (() => 1),
  });
  const seen: string[] = [];
  connection.listen({
    state: (s) => seen.push(`state ${s}`),
    welcome: (k) => seen.push(`welcome ${k}`),
    problem: (_t, k) => seen.push(`problem ${k}`),
    message: (m) => seen.push(`message ${'seq' in m ? String(m.seq) : m.type}`),
    reset: () => seen.push('reset'),
  });
  connection.want('watchlist', { quotes: new Set(['AAPL', 'MSFT']), bars: new Set() });
  connection.want('chart', { quotes: new Set(['AAPL']), bars: new Set([barKey('AAPL', '1m')]) });
  connection.start();
  return { env, connection, seen };
}

const welcome = (session: string, resumed: boolean, extra: object = {}) => ({
  type: 'welcome',
  session,
  resumed,
  heartbeatMs: 1_000,
  limits: { maxSymbols: 100 },
  subscriptions: { symbols: [], streams: [] },
  ...extra,
});
const heartbeat = (seq: number) => ({ type: 'heartbeat', seq, ts: seq });

describe('market connection', () => {
  it("says hello with the union of every owner's wants on a first session, without waiting for the welcome", () => {
    const { env, connection, seen } = started();
    env.last().open();
    const first = [
      { type: 'hello' },
      { type: 'subscribe', symbols: ['AAPL'] },
      { type: 'subscribe', symbols: ['MSFT'] },
      { type: 'subscribe', symbols: ['AAPL'], intervals: ['1m'] },
    ];
    assert.deepEqual(env.last().sent, first);
    // What changes before the welcome goes out after it, as the difference from what went with the hello.
    connection.want('chart', { quotes: new Set(['AAPL']), bars: new Set([barKey('AAPL', '5m')]) });
    assert.deepEqual(env.last().sent, first, 'nothing but the hello and its subscriptions before the welcome');
    env.last().receive(welcome('s1', false));
    assert.deepEqual(env.last().sent.slice(first.length), [
      { type: 'unsubscribe', symbols: ['AAPL'], intervals: ['1m'] },
      { type: 'subscribe', symbols: ['AAPL'], intervals: ['5m'] },
    ]);
    assert.equal(connection.state, 'connected');
    assert.deepEqual(seen, ['welcome new', 'reset', 'state connected']);
  });

  it('says hello with its subscriptions again when the first socket closed before any welcome', () => {
    const { env } = started();
    env.last().open();
    env.last().drop();
    env.advance(500);
    env.last().open();
    assert.deepEqual(
      env.last().sent.map((m) => m.type),
      ['hello', 'subscribe', 'subscribe', 'subscribe'],
    );
    env.last().receive(welcome('s1', false));
    assert.equal(env.last().sent.length, 4, 'the welcome re-sends nothing');
  });

  it('delivers messages in sequence, drops duplicates, and on a gap reconnects and resumes from the last one', () => {
    const { env, connection, seen } = started();
    env.last().open();
    env.last().receive(welcome('s1', false));
    for (const seq of [1, 2, 2, 3]) env.last().receive(heartbeat(seq));
    env.last().receive(heartbeat(5));
    assert.equal(env.last().closedWith, 4000);
    assert.equal(connection.state, 'reconnecting');
    assert.deepEqual(seen.slice(3), ['message 1', 'message 2', 'message 3', 'problem gap', 'state reconnecting']);
    assert.deepEqual(env.pending(), [500], 'first retry after the base delay (random = 1)');
    env.advance(500);
    assert.equal(env.sockets.length, 2);
    env.last().open();
    assert.deepEqual(env.last().sent, [{ type: 'hello', resume: { session: 's1', lastSeq: 3 } }]);
  });

  it('a resumed session keeps its subscriptions (no re-subscribe) and continues the numbering', () => {
    const { env, connection, seen } = started();
    env.last().open();
    env.last().receive(welcome('s1', false));
    env.last().receive(heartbeat(1));
    env.last().drop();
    env.advance(500);
    env.last().open();
    env.last().receive(
      welcome('s1', true, {
        subscriptions: { symbols: ['AAPL', 'MSFT'], streams: [{ symbol: 'AAPL', interval: '1m' }] },
      }),
    );
    env.last().receive(heartbeat(2));
    assert.deepEqual(
      env.last().sent,
      [{ type: 'hello', resume: { session: 's1', lastSeq: 1 } }],
      'nothing re-subscribed',
    );
    assert.equal(connection.resumed, true);
    assert.equal(connection.lastSeq, 2);
    assert.ok(seen.includes('welcome resumed'));
    assert.equal(seen.filter((s) => s === 'reset').length, 1, 'no reset on resume');
    connection.want('chart', { quotes: new Set(['AAPL']), bars: new Set([barKey('AAPL', '5m')]) });
    assert.deepEqual(env.last().sent.slice(1), [
      { type: 'unsubscribe', symbols: ['AAPL'], intervals: ['1m'] },
      { type: 'subscribe', symbols: ['AAPL'], intervals: ['5m'] },
    ]);
  });

  it('after a server restart (new session) resets, re-subscribes everything and restarts the count', () => {
    const { env, connection, seen } = started();
    env.last().open();
    env.last().receive(welcome('s1', false));
    for (const seq of [1, 2, 3]) env.last().receive(heartbeat(seq));
    env.last().drop();
    env.advance(500);
    env.last().open();
    env.last().receive(welcome('s2', false));
    assert.equal(env.last().sent.filter((m) => m.type === 'subscribe').length, 3);
    env.last().receive(heartbeat(1));
    assert.equal(connection.lastSeq, 1);
    assert.equal(connection.session, 's2');
    assert.ok(seen.includes('welcome replaced'));
    assert.equal(seen.filter((s) => s === 'reset').length, 2);
  });

  it('backs off exponentially while the server stays away, and starts over after a welcome', () => {
    const { env } = started();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      env.last().drop();
      delays.push(...env.pending());
      env.advance(env.pending()[0] ?? 0);
    }
    assert.deepEqual(delays, [500, 1_000, 2_000, 4_000, 8_000, 8_000]);
    env.last().open();
    env.last().receive(welcome('s1', false));
    env.last().drop();
    assert.deepEqual(env.pending(), [500]);
  });

  it('retries at once when asked, instead of waiting out the backoff', () => {
    const { env, connection } = started();
    for (let i = 0; i < 4; i++) {
      env.last().drop();
      env.advance(env.pending()[0] ?? 0);
    }
    env.last().drop();
    assert.deepEqual(env.pending(), [8_000]);
    const { length } = env.sockets;
    connection.retryNow();
    assert.equal(env.sockets.length, length + 1);
    assert.deepEqual(env.pending(), [], 'the scheduled attempt is cancelled');
  });

  it('reconnects when the server falls silent for two heartbeat periods', () => {
    const { env, seen } = started();
    env.last().open();
    env.last().receive(welcome('s1', false));
    env.advance(1_900);
    env.last().receive(heartbeat(1));
    env.advance(1_900);
    assert.equal(env.sockets.length, 1, 'a heartbeat within the window keeps the link');
    env.advance(200);
    assert.ok(seen.includes('problem watchdog'));
    assert.equal(env.sockets[0]?.closedWith, 4002);
  });

  it('goes offline with the device, without retrying, and reconnects at once when it is back', () => {
    const { env, connection } = started();
    env.last().open();
    env.last().receive(welcome('s1', false));
    env.setOnline(false);
    assert.equal(connection.state, 'offline');
    assert.deepEqual(env.pending(), [], 'no retry timer while offline');
    env.setOnline(true);
    assert.equal(connection.state, 'reconnecting');
    assert.equal(env.sockets.length, 2);
  });
});
