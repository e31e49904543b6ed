/** The WebSocket boundary against hostile clients over loopback: Host allow-list, message limits per identity. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket, type ClientOptions } from 'ws';
import { marketDataService } from '../market-data/service.ts';
import { apiFetch } from '../testing/api-client.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';
import { IdentityMessageRate } from './ws-identity-rate.ts';

interface Client {
  readonly socket: WebSocket;
  readonly pongs: string[];
  readonly closed: Promise<number>;
}

/** Opens a real client; resolves once open, or rejects with the refusal's status and body. */
function open(url: string, options: ClientOptions = {}): Promise<Client> {
  const socket = new WebSocket(url, options);
  const pongs: string[] = [];
  socket.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString()) as { type: string; id?: string };
    if (m.type === 'pong') pongs.push(m.id ?? '');
  });
  const closed = new Promise<number>((resolve) => socket.once('close', resolve));
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      resolve({ socket, pongs, closed });
    });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        reject(Object.assign(new Error(body), { status: response.statusCode, body }));
      });
    });
    socket.once('error', reject);
  });
}

async function serves(client: Client, id: string): Promise<void> {
  client.socket.send(JSON.stringify({ type: 'ping', id }));
  const deadline = Date.now() + 3_000;
  while (!client.pongs.includes(id)) {
    if (Date.now() > deadline) throw new Error(`no pong ${id}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const PER_IDENTITY = 30;

describe('WebSocket boundary (real sockets on loopback)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ws-boundary-'));
  let platform: TestPlatform;
  let url: string;
  const held: WebSocket[] = [];
  const connect = async (options: ClientOptions = {}): Promise<Client> => {
    const client = await open(url, options);
    held.push(client.socket);
    return client;
  };
  const as = (role: 'viewer' | 'trader'): ClientOptions => ({
    headers: { authorization: `Bearer ${platform.credentials[role]}` },
  });
  const refusals = async (reason: string): Promise<number> => {
    const text = await (await apiFetch(platform, '/metrics')).text();
    const line = text.split('\n').find((l) => l.startsWith(`insitechart_ws_refused_total{reason="${reason}"}`));
    return line === undefined ? 0 : Number(line.split(' ').pop());
  };

  before(async () => {
    platform = await startTestPlatform(
      dir,
      [
        marketDataService({
          admission: { maxConnections: 50, maxConnectionsPerAddress: 20, allowedOrigins: [] },
          stream: { maxMessagesPerSecond: 25 },
        }),
      ],
      { WS_MESSAGES_PER_SECOND: String(PER_IDENTITY) },
    );
    url = `${platform.url.replace('http', 'ws')}/ws`;
  });
  after(async () => {
    for (const s of held) s.terminate();
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an upgrade whose Host is not allowed (DNS rebinding) with 421 and a JSON message', async () => {
    const port = new URL(platform.url).port;
    const before = await refusals('host');
    await assert.rejects(open(url, { headers: { host: `attacker.example:${port}` } }), (e: unknown) => {
      const { status, body } = e as { status?: number; body?: string };
      return status === 421 && /Host/.test((JSON.parse(body ?? '{}') as { error?: string }).error ?? '');
    });
    assert.equal(await refusals('host'), before + 1);
    const ok = await connect({ headers: { host: `localhost:${port}` } });
    await serves(ok, 'localhost');
    ok.socket.close();
  });

  it('limits messages per identity across its connections; another identity is not affected', async () => {
    const before = await refusals('identity-rate');
    const bystander = await connect(as('trader'));
    const mine = [await connect(as('viewer')), await connect(as('viewer')), await connect(as('viewer'))];
    // 20 each: under the per-connection limit (25), but 60 in all for one identity allowed 30 per second.
    for (const c of mine) for (let i = 0; i < 20; i++) c.socket.send(JSON.stringify({ type: 'ping', id: String(i) }));
    const codes = await Promise.race([
      Promise.all(mine.map((c) => c.closed)),
      new Promise<number[]>((r) => {
        setTimeout(() => {
          r([]);
        }, 3_000);
      }),
    ]);
    const served = mine.reduce((n, c) => n + c.pongs.length, 0);
    assert.ok(served <= PER_IDENTITY + mine.length, `at most the identity's allowance was served (${String(served)})`);
    assert.ok(codes.includes(4029) || mine.some((c) => c.socket.readyState !== WebSocket.OPEN), 'closed with 4029');
    assert.ok((await refusals('identity-rate')) > before);
    await serves(bystander, 'trader-still-served');
  });

  it('counts anonymous clients by address: two sockets from one address share one allowance', async () => {
    const a = await connect({ localAddress: '127.0.0.9' });
    const b = await connect({ localAddress: '127.0.0.9' });
    const other = await connect({ localAddress: '127.0.0.10' });
    for (const c of [a, b]) for (let i = 0; i < 20; i++) c.socket.send(JSON.stringify({ type: 'ping', id: String(i) }));
    const first = await Promise.race([a.closed, b.closed]);
    assert.equal(first, 4029);
    await serves(other, 'other-address');
  });
});

describe('IdentityMessageRate', () => {
  it('shares one allowance per key, forgets a key with its last connection, and refuses keys beyond the bound', () => {
    const rate = new IdentityMessageRate({ perSecond: 3, maxKeys: 2 });
    const a1 = rate.open('a');
    const a2 = rate.open('a');
    assert.ok(a1 !== undefined && a2 !== undefined);
    assert.deepEqual([a1.allow(1_000), a2.allow(1_000), a1.allow(1_500), a2.allow(1_999)], [true, true, true, false]);
    assert.equal(a1.allow(2_000), true, 'a new second, a new allowance');
    const b = rate.open('b');
    assert.equal(rate.open('c'), undefined, 'beyond maxKeys a new identity is refused');
    a1.release();
    a1.release();
    assert.equal(rate.size, 2, 'a2 is still open (a double release counts once)');
    a2.release();
    b?.release();
    assert.equal(rate.size, 0);
    assert.ok(rate.open('c') !== undefined);
  });
});
