import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClientOptions, WebSocket } from 'ws';
import type { RunningPlatform } from '../../runtime/platform.ts';
import { startTestPlatform } from '../../testing/platform.ts';
import { openWsClient, type WsClient } from '../../testing/ws-client.ts';
import { marketDataService } from '../service.ts';

type Client = WsClient;
const open = openWsClient;

async function until(check: () => boolean, what: string, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Pings and waits for the pong: the connection (and the process) still serves. */
async function serves(client: Client, id: string): Promise<void> {
  client.socket.send(JSON.stringify({ type: 'ping', id }));
  await until(() => client.messages.some((m) => m.type === 'pong' && m.id === id), `pong ${id}`);
}

const refusal = (error: unknown): number | undefined => (error as { status?: number }).status;

describe('/ws against hostile clients (real sockets on loopback)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ws-hostile-'));
  let platform: RunningPlatform;
  let url: string;
  const held: WebSocket[] = [];

  before(async () => {
    platform = await startTestPlatform(dir, [
      marketDataService({
        admission: { maxConnections: 6, maxConnectionsPerAddress: 3, allowedOrigins: ['https://app.example.com'] },
        stream: { maxMessagesPerSecond: 20 },
      }),
    ]);
    url = `${platform.url.replace('http', 'ws')}/ws`;
  });
  after(async () => {
    for (const s of held) s.terminate();
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = async (options: ClientOptions = {}): Promise<Client> => {
    const client = await open(url, options);
    held.push(client.socket);
    return client;
  };
  const hangUp = async (client: Client): Promise<void> => {
    client.socket.close();
    await client.closed;
    await new Promise((r) => setTimeout(r, 20)); // the server sees the close and releases the slot
  };

  it('closes only the socket that sent invalid UTF-8 or an oversized frame; the others go on', async () => {
    const bystander = await connect();
    const badText = await connect();
    // 8 bytes that are not UTF-8, sent as a text frame.
    badText.socket.send(Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xff]), { binary: false });
    assert.equal(await badText.closed, 1007);
    await serves(bystander, 'after-utf8');
    await new Promise((r) => setTimeout(r, 20));
    const big = await connect();
    big.socket.send(`{"type":"ping","id":"${'x'.repeat(70 * 1024)}"}`);
    assert.equal(await big.closed, 1009);
    await serves(bystander, 'after-oversize');
    await hangUp(bystander);
  });

  it('refuses a cross-site upgrade; accepts its own origin, the allow-list and non-browser clients', async () => {
    const host = new URL(platform.url).host;
    await assert.rejects(connect({ origin: 'https://evil.example' }), (e) => refusal(e) === 403);
    await assert.rejects(connect({ origin: 'null' }), (e) => refusal(e) === 403);
    await assert.rejects(connect({ origin: `http://${host}.evil.example` }), (e) => refusal(e) === 403);
    for (const origin of [`http://${host}`, 'https://app.example.com', undefined]) {
      const client = await connect(origin === undefined ? {} : { origin });
      await serves(client, String(origin));
      await hangUp(client);
    }
  });

  it('caps connections per address and in total; a closed connection frees its slot', async () => {
    const mine = [await connect(), await connect(), await connect()];
    await assert.rejects(connect(), (e) => refusal(e) === 429);
    await hangUp(mine.pop() as Client);
    mine.push(await connect());
    // Other loopback addresses fill the total (6).
    const others = [
      await connect({ localAddress: '127.0.0.2' }),
      await connect({ localAddress: '127.0.0.2' }),
      await connect({ localAddress: '127.0.0.3' }),
    ];
    await assert.rejects(connect({ localAddress: '127.0.0.4' }), (e) => refusal(e) === 503);
    for (const c of mine) await serves(c, 'still');
    for (const c of [...mine, ...others]) await hangUp(c);
    await serves(await connect(), 'fresh');
  });

  it('closes a connection that floods messages with 4029; others are not affected', async () => {
    const bystander = await connect({ localAddress: '127.0.0.5' });
    const flooder = await connect({ localAddress: '127.0.0.6' });
    for (let i = 0; i < 200; i++) flooder.socket.send(JSON.stringify({ type: 'ping', id: String(i) }));
    assert.equal(await flooder.closed, 4029);
    assert.ok(flooder.messages.filter((m) => m.type === 'pong').length <= 20, 'at most the allowance was served');
    await serves(bystander, 'after-flood');
  });
});
