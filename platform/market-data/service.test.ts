import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { waitFor } from '../backbone/conformance/bus-conformance.ts';
import type { TopicData } from '../backbone/topics.ts';
import { marketDataService } from './service.ts';
import { apiFetch } from '../testing/api-client.ts';
import { announceUniverse } from '../testing/market-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';

type Message = { type: string; seq?: number; [key: string]: unknown };

/** A real WebSocket client that keeps every message it receives. */
async function connect(url: string): Promise<{ socket: WebSocket; messages: Message[] }> {
  const socket = new WebSocket(url);
  const messages: Message[] = [];
  socket.on('message', (data: Buffer) => {
    messages.push(JSON.parse(data.toString()) as Message);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => {
      resolve();
    });
    socket.once('error', reject);
  });
  return { socket, messages };
}

describe('market-data service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'market-data-'));
  let platform: TestPlatform;
  let wsUrl: string;
  const bars: TopicData<'market.bars'>[] = [];
  const tick = (symbol: string, price: number, ts = Date.now(), size = 1) =>
    platform.bus.publish('market.ticks', { key: symbol, data: { symbol, price, size, ts } });
  const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await apiFetch(platform, path, { as: 'viewer' });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  before(async () => {
    platform = await startTestPlatform(dir, [marketDataService({ stream: { flushMs: 10 } })]);
    await platform.bus.subscribe({
      group: 'test-bars',
      topic: 'market.bars',
      from: 'earliest',
      handler: (d) => {
        bars.push(d.envelope.data);
      },
    });
    wsUrl = `${platform.url.replace('http', 'ws')}/ws`;
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds bars from ticks, publishes final ones on market.bars and serves them as history', async () => {
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 10_000;
    await tick('AAPL', 10, t0 + 100, 5);
    await tick('AAPL', 12, t0 + 900, 1);
    await tick('AAPL', 11, t0 + 1_500, 2); // closes the first 1s bar
    await waitFor(
      () => bars.some((b) => b.interval === '1s' && b.start === t0),
      5_000,
      'the final 1s bar on market.bars',
    );
    assert.deepEqual(
      bars.find((b) => b.interval === '1s'),
      { symbol: 'AAPL', interval: '1s', start: t0, open: 10, high: 12, low: 10, close: 12, volume: 6 },
    );
    const { status, body } = await get(
      `/api/history/aapl?interval=1s&from=${String(t0)}&to=${new Date(t0 + 5_000).toISOString()}`,
    );
    assert.equal(status, 200);
    assert.equal(body.timeZone, 'America/New_York');
    assert.deepEqual(
      (body.bars as { start: number; close: number }[]).map((b) => [b.start - t0, b.close]),
      [
        [0, 12],
        [1_000, 11],
      ],
      'the stored bar, then the open one',
    );
  });

  it('validates history requests: bad interval, range and limit get 400, unknown symbols 404', async () => {
    const badInterval = await get('/api/history/AAPL?interval=2m');
    assert.equal(badInterval.status, 400);
    assert.match(JSON.stringify(badInterval.body.issues), /interval/);
    const backwards = await get('/api/history/AAPL?from=2000&to=1000');
    assert.equal(backwards.status, 400);
    assert.match(JSON.stringify(backwards.body.issues), /from must be before to/);
    const badTime = await get('/api/history/AAPL?from=yesterday');
    assert.equal(backwards.status, 400);
    assert.match(JSON.stringify(badTime.body.issues), /epoch milliseconds or an ISO 8601/);
    assert.equal((await get('/api/history/AAPL?limit=0')).status, 400);
    assert.equal((await get('/api/history/AAPL?bogus=1')).status, 400);
    const unknown = await get('/api/history/ZZZZ?interval=1m');
    assert.equal(unknown.status, 404);
    assert.match(String(unknown.body.error), /unknown symbol ZZZZ/);
    assert.equal((await get('/api/history/not%20a%20symbol')).status, 400);
  });

  it('serves quotes and symbol search (catalog by prefix and name, then feed symbols)', async () => {
    await tick('SYM77', 5);
    for (let i = 0; i < 200 && (await get('/api/quotes/SYM77')).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 10));
    const one = await get('/api/quotes/sym77');
    assert.equal(one.body.price, 5);
    const some = await get('/api/quotes?symbols=AAPL,SYM77,MSFT');
    assert.deepEqual(
      (some.body.quotes as { symbol: string }[]).map((q) => q.symbol),
      ['AAPL', 'SYM77'],
    );
    assert.equal((await get('/api/quotes/MSFT')).status, 404, 'known, no quote yet');
    const byPrefix = await get('/api/symbols?q=msf');
    assert.equal((byPrefix.body.results as { symbol: string }[])[0]?.symbol, 'MSFT');
    const byName = await get('/api/symbols?q=apple');
    assert.ok(
      (byName.body.results as { symbol: string; timeZone: string }[]).some(
        (r) => r.symbol === 'AAPL' && r.timeZone === 'America/New_York',
      ),
    );
    const feed = await get('/api/symbols?q=SYM7');
    assert.deepEqual(feed.body.results, [
      { symbol: 'SYM77', name: 'SYM77', kind: 'feed', timeZone: 'America/New_York', live: false },
    ]);
    // Once the feed announces its universe, search says which instruments have a live source.
    await announceUniverse(platform.bus, ['AAPL']);
    const live = async (q: string): Promise<boolean | undefined> =>
      ((await get(`/api/symbols?q=${q}`)).body.results as { symbol: string; live: boolean }[])[0]?.live;
    for (let i = 0; i < 100 && (await live('AAPL')) !== true; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual([await live('AAPL'), await live('MSFT')], [true, false]);
    assert.equal((await get('/api/symbols')).status, 400);
  });

  it('describes the API in OpenAPI 3.1 with schemas from the validators', async () => {
    const { status, body } = await get('/api/openapi.json');
    assert.equal(status, 200);
    assert.equal(body.openapi, '3.1.0');
    const paths = body.paths as Record<
      string,
      Record<string, { parameters?: { name: string; in: string; schema: { enum?: string[] } }[] }>
    >;
    assert.ok(paths['/api/quotes/{symbol}']?.get);
    const history = paths['/api/history/{symbol}']?.get;
    assert.deepEqual(
      history?.parameters?.map((p) => `${p.in}:${p.name}`),
      ['path:symbol', 'query:interval', 'query:from', 'query:to', 'query:limit'],
    );
    assert.deepEqual(history.parameters.find((p) => p.name === 'interval')?.schema.enum, [
      '1s',
      '1m',
      '5m',
      '1h',
      '1d',
    ]);
  });

  it('streams a snapshot with bars, then numbered updates over a real socket; resumes without a gap', async () => {
    const { socket, messages } = await connect(wsUrl);
    socket.send(JSON.stringify({ type: 'subscribe', symbols: ['AAPL'], intervals: ['1s'] }));
    await waitFor(() => messages.some((m) => m.type === 'snapshot'), 5_000, 'the snapshot');
    const snapshot = messages.find((m) => m.type === 'snapshot');
    assert.equal((snapshot?.quote as { symbol: string }).symbol, 'AAPL');
    assert.ok(((snapshot?.bars as Record<string, unknown[]>)['1s'] ?? []).length >= 2, 'recent 1s bars');
    await tick('AAPL', 13);
    await waitFor(() => messages.some((m) => m.type === 'update'), 5_000, 'an update');
    const update = messages.find((m) => m.type === 'update');
    assert.equal((update?.quotes as { price: number }[])[0]?.price, 13);
    assert.ok((update?.bars as { interval: string }[]).some((b) => b.interval === '1s'));
    const session = String(messages[0]?.session);
    const lastSeq = Math.max(...messages.flatMap((m) => (m.seq === undefined ? [] : [m.seq])));
    socket.terminate();
    await new Promise((r) => setTimeout(r, 50));
    await tick('AAPL', 14);
    await tick('AAPL', 15);
    const again = await connect(wsUrl);
    again.socket.send(JSON.stringify({ type: 'hello', resume: { session, lastSeq } }));
    await waitFor(() => again.messages.some((m) => m.type === 'update'), 5_000, 'the update missed while away');
    assert.equal(again.messages[0]?.resumed, true);
    const missed = again.messages.find((m) => m.type === 'update');
    assert.equal(missed?.seq, lastSeq + 1, 'numbering continues without a gap');
    assert.deepEqual(
      (missed.quotes as { price: number }[]).map((q) => q.price),
      [15],
      'the latest quote of what changed while away',
    );
    again.socket.close();
  });
});
