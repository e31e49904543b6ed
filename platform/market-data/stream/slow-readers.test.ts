import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { WebSocket, WebSocketServer } from 'ws';
import type { Bar } from '../bars/aggregator.ts';
import { FanoutHub, type HubOptions } from './fanout-hub.ts';

/** 500 bars per interval asked: a snapshot of about 40 KB per interval, as a real chart's is. */
const bars: Bar[] = Array.from({ length: 500 }, (_, i) => ({
  start: 1_700_000_000_000 + i * 60_000,
  open: 100.25,
  high: 101.5,
  low: 99.75,
  close: 100.5,
  volume: 123_456,
}));

const running: { hub: FanoutHub; server: WebSocketServer; clients: WebSocket[] }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    for (const c of r.clients) c.terminate();
    r.hub.stop();
    await new Promise((resolve) => {
      r.server.close(resolve);
    });
  }
});

/** A hub behind a real ws server on loopback; `server` sees the server side of every socket. */
async function serve(options: Partial<HubOptions>): Promise<{
  hub: FanoutHub;
  url: string;
  serverSockets: WebSocket[];
  client: () => Promise<WebSocket>;
}> {
  const hub = new FanoutHub({
    snapshot: (_symbol, intervals) => ({
      quote: undefined,
      bars: Object.fromEntries(intervals.map((i) => [i, bars])),
    }),
    isKnown: () => true,
    ...options,
  });
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const serverSockets: WebSocket[] = [];
  server.on('connection', (socket, request) => {
    serverSockets.push(socket);
    hub.connect(socket, ROOT_CONTEXT, request.socket.remoteAddress);
  });
  const clients: WebSocket[] = [];
  running.push({ hub, server, clients });
  const url = `ws://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    hub,
    url,
    serverSockets,
    client: async () => {
      const socket = new WebSocket(url);
      clients.push(socket);
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      return socket;
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('/ws hub with slow readers and churn (real sockets on loopback)', () => {
  it('sends no snapshots to a client that never reads while it alternates subscribe and unsubscribe', async () => {
    const slowBufferBytes = 64 * 1024;
    const hopelessBufferBytes = 1024 * 1024;
    const { hub, serverSockets, client } = await serve({
      slowBufferBytes,
      hopelessBufferBytes,
      maxMessagesPerSecond: 100_000,
    });
    const reader = await client();
    reader.pause(); // reads nothing from now on: everything the server sends piles up
    await sleep(20);
    const [serverSide] = serverSockets;
    assert.ok(serverSide !== undefined);
    let maxBuffered = 0;
    let requests = 0;
    // Well over what the kernel's socket buffers absorb: 1,500 snapshots of 40 KB would be 60 MB.
    for (let round = 0; round < 30 && serverSide.readyState === WebSocket.OPEN; round++) {
      for (let i = 0; i < 50; i++) {
        reader.send(JSON.stringify({ type: 'subscribe', symbols: ['AAPL'], intervals: ['1m'] }));
        reader.send(JSON.stringify({ type: 'unsubscribe', symbols: ['AAPL'] }));
        requests += 1;
      }
      await sleep(5);
      maxBuffered = Math.max(maxBuffered, serverSide.bufferedAmount);
    }
    // Each subscribe answered in full is three numbered messages (subscribed, snapshot, unsubscribed).
    const messages = hub.stats().messages;
    assert.ok(requests >= 100, `the attack ran (${String(requests)} subscribes)`);
    assert.ok(
      maxBuffered <= hopelessBufferBytes + 100 * 1024,
      `server-side buffer stayed bounded: ${String(maxBuffered)} bytes`,
    );
    assert.ok(
      messages < 1.5 * requests,
      `snapshots refused once backed up: ${String(messages)} messages for ${String(requests)} subscribes`,
    );
  });

  it('keeps a bounded number of disconnected sessions through connect/subscribe/drop churn', async () => {
    const { hub, client } = await serve({ maxRetainedSessions: 40, maxRetainedPerAddress: 25 });
    for (let i = 0; i < 300; i++) {
      const socket = await client();
      socket.send(JSON.stringify({ type: 'subscribe', symbols: ['AAPL'] }));
      if (i % 2 === 0) socket.send(JSON.stringify({ type: 'ping' })); // some say more, some less
      await new Promise((resolve) => {
        socket.once('message', resolve);
      });
      socket.terminate();
    }
    await sleep(50);
    const stats = hub.stats();
    assert.equal(stats.connected, 0);
    assert.ok(stats.retained <= 25, `retained ${String(stats.retained)} <= 25 per address`);
    assert.equal(stats.sessions, stats.retained);

    // Connections that never subscribe leave nothing to resume: nothing is kept for them.
    for (let i = 0; i < 50; i++) {
      const socket = await client();
      socket.send(JSON.stringify({ type: 'hello' }));
      await new Promise((resolve) => {
        socket.once('message', resolve);
      });
      socket.terminate();
    }
    await sleep(50);
    assert.equal(hub.stats().sessions, stats.sessions, 'bare connections retained nothing');
  });

  it('still resumes the most recently dropped session after the churn', async () => {
    const { client } = await serve({ maxRetainedSessions: 5, maxRetainedPerAddress: 5 });
    const welcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      const socket = await client();
      socket.send(JSON.stringify({ type: 'subscribe', symbols: ['AAPL'] }));
      const welcome = await new Promise<{ session: string }>((resolve) => {
        socket.once('message', (data: Buffer) => {
          resolve(JSON.parse(data.toString()) as { session: string });
        });
      });
      welcomes.push(welcome.session);
      await sleep(5);
      socket.terminate();
    }
    await sleep(50);
    const resume = async (session: string | undefined): Promise<boolean> => {
      const socket = await client();
      socket.send(JSON.stringify({ type: 'hello', resume: { session, lastSeq: 0 } }));
      return new Promise((resolve) => {
        socket.once('message', (data: Buffer) => {
          resolve((JSON.parse(data.toString()) as { resumed: boolean }).resumed);
        });
      });
    };
    assert.equal(await resume(welcomes.at(-1)), true, 'the newest is kept');
    assert.equal(await resume(welcomes[0]), false, 'the oldest was evicted');
  });
});
