import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { afterEach, describe, it } from 'node:test';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { WebSocket } from 'ws';
import type { Quote } from '../quote-book.ts';
import { FanoutHub, type HubOptions } from './fanout-hub.ts';

type Message = { type: string; seq?: number; [key: string]: unknown };

/** A socket double at the hub's port: records frames, lets a test set how much is waiting to be sent. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly frames: string[] = [];
  closed: { code: number; reason: string } | undefined;
  send(data: string): void {
    this.frames.push(data);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
    this.emit('close');
  }
  terminate(): void {
    this.close(1006, '');
  }
  ping(): void {
    this.emit('pong');
  }
  /** What the client sends. */
  say(message: unknown): void {
    this.emit('message', Buffer.from(JSON.stringify(message)), false);
  }
  get messages(): Message[] {
    return this.frames.map((f) => JSON.parse(f) as Message);
  }
  of(type: string): Message[] {
    return this.messages.filter((m) => m.type === type);
  }
}

const quote = (symbol: string, price: number): Quote => ({
  symbol,
  price,
  size: 1,
  volume: 1,
  open: price,
  change: 0,
  changePct: 0,
  ts: Date.now(),
});
const hubs: FanoutHub[] = [];
afterEach(() => {
  for (const h of hubs.splice(0)) h.stop();
});

function hub(options: Partial<HubOptions> = {}): FanoutHub {
  const h = new FanoutHub({
    snapshot: () => ({ quote: undefined, bars: {} }),
    isKnown: (s) => s !== 'NOPE',
    ...options,
  });
  hubs.push(h);
  return h;
}

function client(h: FanoutHub): FakeSocket {
  const socket = new FakeSocket();
  h.connect(socket as unknown as WebSocket, ROOT_CONTEXT);
  return socket;
}

const seqs = (socket: FakeSocket): number[] => socket.messages.flatMap((m) => (m.seq === undefined ? [] : [m.seq]));
const prices = (m: Message | undefined): number[] => ((m?.quotes ?? []) as Quote[]).map((q) => q.price);

describe('WebSocket fan-out hub', () => {
  it('sends one update per flush to each member with every quote in order, numbered without gaps', () => {
    const h = hub();
    const a = client(h);
    const b = client(h);
    a.say({ type: 'subscribe', symbols: ['aapl', 'MSFT'] });
    b.say({ type: 'subscribe', symbols: ['MSFT', 'AAPL'] });
    h.quote(quote('AAPL', 1));
    h.quote(quote('AAPL', 2));
    h.quote(quote('TSLA', 9));
    h.flush();
    for (const socket of [a, b]) {
      assert.deepEqual(
        socket.messages.map((m) => m.type),
        ['welcome', 'subscribed', 'snapshot', 'snapshot', 'update'],
      );
      assert.deepEqual(prices(socket.of('update')[0]), [1, 2]);
      assert.deepEqual(seqs(socket), [1, 2, 3, 4]);
    }
    // Same subscriptions, same group: one body shared by both.
    assert.equal(
      a.frames.at(-1)?.slice(a.frames.at(-1)?.indexOf('"quotes"')),
      b.frames.at(-1)?.slice(b.frames.at(-1)?.indexOf('"quotes"')),
    );
  });

  it('sends a new snapshot of a stream to its subscribers only when history for it is stored', () => {
    const stored: number[] = [];
    const h = hub({
      snapshot: (_symbol, intervals) => ({
        quote: undefined,
        bars: Object.fromEntries(
          intervals.map((i) => [i, stored.map((start) => ({ start, open: 1, high: 1, low: 1, close: 1, volume: 1 }))]),
        ),
      }),
    });
    const charting = client(h);
    const other = client(h);
    charting.say({ type: 'subscribe', symbols: ['AAPL'], intervals: ['1h'] });
    other.say({ type: 'subscribe', symbols: ['AAPL'], intervals: ['1m'] });
    stored.push(1_000, 2_000);
    h.history('AAPL', '1h');
    h.history('TSLA', '1h');
    const snapshots = charting.of('snapshot');
    assert.equal(snapshots.length, 2, 'the subscription snapshot, then the one after the history');
    assert.deepEqual(Object.keys(snapshots[1]?.bars ?? {}), ['1h']);
    assert.equal((snapshots[1]?.bars as { '1h': unknown[] })['1h'].length, 2);
    assert.deepEqual(seqs(charting), [1, 2, 3]);
    assert.equal(other.of('snapshot').length, 1, 'no snapshot for a stream the client does not follow');
  });

  it('refuses unknown symbols, limits and bad messages with a clear error and keeps the session', () => {
    const h = hub({ limits: { maxSymbols: 2, maxStreams: 3 } });
    const c = client(h);
    c.emit('message', Buffer.from('{oops'), false);
    c.emit('message', Buffer.from([1, 2]), true);
    c.say({ type: 'subscribe', symbols: ['NOPE', 'AAPL'] });
    c.say({ type: 'subscribe', symbols: ['A', 'B', 'C'] });
    c.say({ type: 'subscribe', symbols: ['A', 'B'], intervals: ['1m', '5m'] });
    c.say({ type: 'subscribe', symbols: ['A'], intervals: ['2m'] });
    c.say({ type: 'dance' });
    c.say({ type: 'hello' });
    const errors = c.of('error');
    assert.deepEqual(
      errors.map((e) => e.code),
      [
        'bad_json',
        'not_text',
        'unknown_symbol',
        'limit_exceeded',
        'limit_exceeded',
        'bad_message',
        'bad_message',
        'bad_resume',
      ],
    );
    assert.match(String(errors[2]?.message), /unknown symbols: NOPE/);
    assert.match(String(errors[3]?.message), /maxSymbols: at most 2/);
    assert.match(String(errors[4]?.message), /maxStreams: at most 3/);
    assert.match(String(errors[5]?.message), /intervals\.0: must be one of 1s, 1m/);
    assert.ok(
      errors.every((e) => e.seq === undefined),
      'errors are out of band',
    );
    c.say({ type: 'subscribe', symbols: ['A', 'B'], intervals: ['1m'] });
    assert.deepEqual(c.of('subscribed').at(-1)?.symbols, ['A', 'B']);
    assert.equal(c.closed, undefined);
  });

  it('sends bar streams only to their subscribers, the open bar as final:false and closes as final', () => {
    const h = hub();
    const bars = client(h);
    const quotesOnly = client(h);
    bars.say({ type: 'subscribe', symbols: ['AAPL'], intervals: ['1m'] });
    quotesOnly.say({ type: 'subscribe', symbols: ['AAPL'] });
    const bar = { start: 60_000, open: 1, high: 2, low: 1, close: 2, volume: 3 };
    h.bar({ symbol: 'AAPL', interval: '1m', bar, state: 'open' });
    h.bar({ symbol: 'AAPL', interval: '5m', bar, state: 'open' });
    h.bar({ symbol: 'AAPL', interval: '1m', bar: { ...bar, close: 3 }, state: 'final' });
    h.flush();
    assert.deepEqual(bars.of('update')[0]?.bars, [
      { symbol: 'AAPL', interval: '1m', bar: { ...bar, close: 3 }, final: true },
    ]);
    assert.equal(quotesOnly.of('update').length, 0);
  });

  it('coalesces to the latest value per symbol for a slow client, then sends one update once it drains', () => {
    const h = hub({ slowBufferBytes: 1_000 });
    const slow = client(h);
    const fast = client(h);
    for (const c of [slow, fast]) c.say({ type: 'subscribe', symbols: ['AAPL', 'MSFT'] });
    slow.bufferedAmount = 5_000;
    for (let i = 1; i <= 5; i++) {
      h.quote(quote('AAPL', i));
      h.quote(quote('MSFT', 100 + i));
      h.flush();
    }
    assert.equal(fast.of('update').length, 5);
    assert.equal(slow.of('update').length, 0, 'nothing while backed up');
    slow.bufferedAmount = 0;
    h.flush();
    const updates = slow.of('update');
    assert.equal(updates.length, 1);
    assert.equal(updates[0]?.coalesced, true);
    assert.deepEqual(
      prices(updates[0]).sort((x, y) => x - y),
      [5, 105],
      'only the latest per symbol',
    );
    assert.deepEqual(seqs(slow), [1, 2, 3, 4], 'no gap: coalesced updates are numbered when sent');
    h.quote(quote('AAPL', 6));
    h.flush();
    assert.deepEqual(prices(slow.of('update').at(-1)), [6], 'back to normal batching');
  });

  it('closes a client that stays behind with 4008 and discards its session', () => {
    const h = hub({ slowBufferBytes: 1_000, hopelessBufferBytes: 1_000_000, maxSlowMs: 40 });
    const stuck = client(h);
    const flooded = client(h);
    for (const c of [stuck, flooded]) c.say({ type: 'subscribe', symbols: ['AAPL'] });
    stuck.bufferedAmount = 5_000;
    flooded.bufferedAmount = 2_000_000;
    h.quote(quote('AAPL', 1));
    h.flush();
    assert.equal(flooded.closed?.code, 4008, 'over the hard limit: at once');
    assert.equal(stuck.closed, undefined, 'slow, not yet hopeless');
    const until = Date.now() + 60;
    while (Date.now() < until) {
      /* let maxSlowMs pass */
    }
    h.quote(quote('AAPL', 2));
    h.flush();
    const closed = stuck.closed as { code: number; reason: string } | undefined;
    assert.equal(closed?.code, 4008);
    assert.match(closed.reason, /too slow/);
    assert.equal(h.stats().sessions, 0);
    assert.equal(h.stats().hopelessClosed, 2);
  });

  it('resumes a session from the last sequence: replays what was lost, then what changed while away, no gap', () => {
    const h = hub();
    const first = client(h);
    first.say({ type: 'subscribe', symbols: ['AAPL'] });
    const session = String(first.of('welcome')[0]?.session);
    for (let i = 1; i <= 3; i++) {
      h.quote(quote('AAPL', i));
      h.flush();
    }
    // The client processed up to seq 3 (the first update); seq 4 and 5 were lost with the connection.
    first.close(1006, '');
    h.quote(quote('AAPL', 10));
    h.flush();
    h.quote(quote('AAPL', 11));
    h.flush();
    const second = client(h);
    second.say({ type: 'hello', resume: { session, lastSeq: 3 } });
    h.flush();
    const welcome = second.messages[0];
    assert.equal(welcome?.type, 'welcome');
    assert.equal(welcome.resumed, true);
    assert.deepEqual(welcome.subscriptions, { symbols: ['AAPL'], streams: [] });
    assert.deepEqual(seqs(second), [4, 5, 6]);
    const updates = second.of('update');
    assert.deepEqual(
      updates.map(prices),
      [[2], [3], [11]],
      'replayed 2 and 3, then the latest of what changed while away',
    );
    h.quote(quote('AAPL', 12));
    h.flush();
    assert.deepEqual(seqs(second).at(-1), 7);
  });

  it('starts a new session when the resume cannot be served', () => {
    const h = hub({ replayMessages: 4 });
    const first = client(h);
    first.say({ type: 'subscribe', symbols: ['AAPL'] });
    const session = String(first.of('welcome')[0]?.session);
    for (let i = 1; i <= 6; i++) {
      h.quote(quote('AAPL', i));
      h.flush();
    }
    first.close(1006, '');
    const tooOld = client(h);
    tooOld.say({ type: 'hello', resume: { session, lastSeq: 1 } });
    assert.equal(tooOld.messages[0]?.resumed, false, 'seq 2 is no longer in the 4-message ring');
    const unknown = client(h);
    unknown.say({ type: 'hello', resume: { session: 'nope', lastSeq: 1 } });
    assert.equal(unknown.messages[0]?.resumed, false);
    assert.equal(h.stats().resumeRefused, 2);
  });

  it('expires a disconnected session after its time to live and sends heartbeats to idle clients', async () => {
    const h = hub({ sessionTtlMs: 30, heartbeatMs: 50 });
    h.start();
    const idle = client(h);
    idle.say({ type: 'ping', id: 'x' });
    assert.deepEqual(
      idle.of('pong').map((m) => m.id),
      ['x'],
    );
    const gone = client(h);
    gone.say({ type: 'subscribe', symbols: ['AAPL'] });
    gone.close(1006, '');
    await new Promise((r) => setTimeout(r, 250));
    assert.ok(idle.of('heartbeat').length >= 1, 'a heartbeat after heartbeatMs of silence');
    assert.equal(h.stats().sessions, 1, 'the disconnected session expired');
  });
});
