import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { marketFeedService } from '../../collectors/market/feed-service.ts';
import { EmbeddedBus } from '../backbone/embedded/embedded-bus.ts';
import { waitFor } from '../backbone/conformance/bus-conformance.ts';
import { loadConfig } from '../config/config.ts';
import { startPlatform, type RunningPlatform } from '../runtime/platform.ts';
import { createLogger } from '../telemetry/logger.ts';
import { marketDataService } from './service.ts';

type Message = { type: string; [key: string]: unknown };

/** A WebSocket client that keeps every message it receives. */
async function connect(url: string): Promise<{ socket: WebSocket; messages: Message[] }> {
  const socket = new WebSocket(url);
  const messages: Message[] = [];
  socket.on('message', (data: Buffer) => { messages.push(JSON.parse(data.toString()) as Message); });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => { resolve(); });
    socket.once('error', reject);
  });
  return { socket, messages };
}

describe('live quotes over WebSocket', () => {
  let platform: RunningPlatform;
  let wsUrl: string;
  const postTick = async (symbol: string, price: number): Promise<void> => {
    const response = await fetch(`${platform.url}/api/market/ticks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticks: [{ symbol, price, size: 1, ts: Date.now() }] }),
    });
    assert.equal(response.status, 202);
  };

  before(async () => {
    platform = await startPlatform({
      config: loadConfig({ PORT: '0', HOST: '127.0.0.1', MARKET_TICK_INTERVAL_MS: '60000', MARKET_SYMBOLS: '1' }),
      logger: createLogger({ service: 'test', level: 'silent' }),
      services: [marketFeedService(), marketDataService()],
      bus: new EmbeddedBus({ partitions: 2, source: 'test' }),
    });
    wsUrl = `${platform.url.replace('http', 'ws')}/ws`;
  });
  after(async () => { await platform.stop(); });

  it('sends the latest quote on subscribe, then every update, and none after unsubscribe', async () => {
    await postTick('WSA', 10);
    const { socket, messages } = await connect(wsUrl);
    // The tick may still be on its way to market-data: wait until the REST view has it.
    for (let i = 0; i < 100 && (await fetch(`${platform.url}/api/quotes/WSA`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 10));
    socket.send(JSON.stringify({ type: 'subscribe', symbols: ['wsa', 'WSB'] }));
    await waitFor(() => messages.some((m) => m.type === 'quote'), 5_000, 'the snapshot quote');
    assert.equal(messages[0]?.type, 'subscribed');
    assert.deepEqual(messages[0].symbols, ['WSA', 'WSB']);
    assert.equal((messages[1]?.quote as { price: number }).price, 10);
    await postTick('WSB', 20);
    await waitFor(() => messages.filter((m) => m.type === 'quote').length === 2, 5_000, 'the update');
    assert.equal((messages[2]?.quote as { symbol: string }).symbol, 'WSB');
    socket.send(JSON.stringify({ type: 'unsubscribe', symbols: ['WSB'] }));
    await waitFor(() => messages.some((m) => m.type === 'unsubscribed'), 5_000, 'the unsubscribe');
    await postTick('WSB', 21);
    await postTick('WSA', 11);
    await waitFor(() => messages.filter((m) => m.type === 'quote').length === 3, 5_000, 'the WSA update');
    const last = messages.filter((m) => m.type === 'quote').at(-1)?.quote as { symbol: string; price: number };
    assert.deepEqual([last.symbol, last.price], ['WSA', 11], 'no WSB quote after unsubscribing');
    socket.close();
  });

  it('answers bad messages with an error and keeps the connection', async () => {
    const { socket, messages } = await connect(wsUrl);
    socket.send('{not json');
    socket.send(JSON.stringify({ type: 'dance' }));
    socket.send(JSON.stringify({ type: 'subscribe', symbols: [] }));
    socket.send(JSON.stringify({ type: 'subscribe', symbols: ['no spaces allowed'] }));
    socket.send(JSON.stringify({ type: 'subscribe', symbols: Array.from({ length: 201 }, (_, i) => `S${String(i)}`) }));
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    await waitFor(() => messages.length === 6, 5_000, 'six answers');
    assert.ok(messages.every((m) => m.type === 'error'), JSON.stringify(messages));
    assert.match(String(messages[0]?.message), /not valid JSON/);
    assert.match(String(messages[1]?.message), /invalid message/);
    assert.match(String(messages[3]?.message), /ticker symbols/);
    assert.match(String(messages[5]?.message), /JSON text/);
    assert.equal(socket.readyState, WebSocket.OPEN);
    socket.send(JSON.stringify({ type: 'subscribe', symbols: ['OK'] }));
    await waitFor(() => messages.some((m) => m.type === 'subscribed'), 5_000, 'a good request to work after bad ones');
    socket.close();
  });

  it('refuses upgrades on other paths with a 404', async () => {
    const socket = new WebSocket(`${platform.url.replace('http', 'ws')}/nope`);
    const status = await new Promise<number | undefined>((resolve) => {
      socket.once('unexpected-response', (_req, res) => { resolve(res.statusCode); });
      socket.once('error', () => { resolve(undefined); });
    });
    assert.equal(status, 404);
  });
});
