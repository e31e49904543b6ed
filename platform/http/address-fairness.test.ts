/**
 * Many addresses together do not lock out the rest (issue 14): a flood from several addresses of two networks fills the
 * connection total, and a newcomer from an unrelated address (IPv6 ::1, another IPv4 /24 of 127/8) is still served
 * while the flood is refused; anonymous requests likewise, and signed-in users keep their own allowance. Real loopback
 * connections, the clients bound to 127.x.y.z source addresses (all of 127/8 is loopback on Linux).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Service } from '../runtime/service.ts';
import { startTestPlatform, TEST_ADMIN_PASSWORD, type TestPlatform } from '../testing/platform.ts';
import { capConnections } from './connection-cap.ts';
import { shareLimits, type FairShare, type ShareOutcome } from './fair-share.ts';

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One request on its own connection from `localAddress`. */
function get(
  port: number,
  host: string,
  localAddress: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, localAddress, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A connection from `localAddress` that sent half its headers: it holds its socket while the server keeps it. */
interface Held {
  readonly socket: Socket;
  readonly answer: () => string;
  readonly closed: () => boolean;
}
function hold(port: number, host: string, localAddress: string): Promise<Held> {
  return new Promise((resolve, reject) => {
    let answer = '';
    let closed = false;
    const socket = connect({ port, host, localAddress }, () => {
      socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
      resolve({ socket, answer: () => answer, closed: () => closed });
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => (closed = true));
    socket.on('error', reject);
  });
}

async function until(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 10)))
    if (check()) return;
  assert.fail(`timed out waiting for ${what}`);
}

function jsonError(answer: Answer, status: number): string {
  assert.equal(answer.status, status, answer.body);
  assert.match(String(answer.headers['content-type']), /application\/json/);
  const { error } = JSON.parse(answer.body) as { error: unknown };
  assert.equal(typeof error, 'string');
  return error as string;
}

describe('HTTP connections shared fairly among addresses (IPv4 and IPv6 loopback)', () => {
  let server: Server;
  let share: FairShare;
  let port: number;
  const outcomes: ShareOutcome[] = [];
  const open: Socket[] = [];
  before(async () => {
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    // Listening on :: takes IPv4 clients too (as ::ffff:127.x.y.z).
    await new Promise<void>((resolve) => server.listen(0, '::', resolve));
    share = capConnections(server, shareLimits(12, 4, 50), (o) => outcomes.push(o));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    for (const socket of open) socket.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves a newcomer from an unrelated address while a flood from two networks holds the total', async () => {
    // Three addresses in each of two /24s, round-robin, four tries each: every /24 gets its share (6), then the total
    // (12) is reached; the tries over a /24's share are refused.
    const flood: Held[] = [];
    for (let round = 0; round < 4; round += 1)
      for (const net of [0, 1])
        for (const host of [1, 2, 3]) {
          const held = await hold(port, '127.0.0.1', `127.0.${String(net)}.${String(host)}`);
          flood.push(held);
          open.push(held.socket);
          await until(
            'the server to judge the connection',
            () => share.held === Math.min(12, flood.length) || held.closed(),
          );
        }
    await until('the refused connections to close', () => flood.filter((h) => !h.closed()).length === 12);
    assert.equal(share.held, 12);
    const refused = flood.filter((h) => h.closed());
    assert.equal(refused.length, 12);
    for (const h of refused) assert.match(h.answer(), /^HTTP\/1\.1 429 [\s\S]*PREFIX_SHARE_PERCENT/);
    assert.deepEqual(
      outcomes.filter((o) => o !== 'prefix'),
      [],
    );

    // Newcomers from IPv6 ::1 and from another /24: each served, each taking the busiest network's oldest connection.
    const keep: Held[] = [];
    for (const [host, localAddress] of [
      ['::1', '::1'],
      ['127.0.0.1', '127.0.9.1'],
    ] as const) {
      const newcomer = await hold(port, host, localAddress);
      open.push(newcomer.socket);
      keep.push(newcomer);
      newcomer.socket.write('\r\n'); // the rest of its request: a keep-alive GET
      await until('the newcomer to be answered', () => newcomer.answer().includes('{"ok":true}'));
      assert.match(newcomer.answer(), /^HTTP\/1\.1 200 /);
    }
    await until('two flood connections to be closed', () => flood.filter((h) => !h.closed()).length === 10);
    assert.deepEqual(
      outcomes.filter((o) => o === 'evicted'),
      ['evicted', 'evicted'],
    );
    assert.ok(
      flood.filter((h) => !h.closed()).every((h) => h.answer() === ''),
      'the rest of the flood is held',
    );

    // The flood goes on: its addresses are refused with a JSON 429 naming the total; the newcomers keep theirs.
    const again = await get(port, '127.0.0.1', '127.0.0.1', '/');
    assert.match(jsonError(again, 429), /HTTP_MAX_CONNECTIONS\)/);
    assert.equal(again.headers['retry-after'], '1');
    assert.ok(
      keep.every((h) => !h.closed()),
      'the newcomers keep their connections',
    );
    assert.equal(share.held, 12);
    assert.equal(outcomes.at(-1), 'total');
  });
});

describe('anonymous requests shared fairly among addresses, signed-in users apart (platform over loopback)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'address-fairness-'));
  let platform: TestPlatform;
  let port: number;
  const symbols: Service = {
    name: 'symbols',
    start: ({ api }) => {
      api.get('/symbols', (_req, res) => {
        res.json({ symbols: ['AAPL'] });
      });
      return Promise.resolve();
    },
    stop: () => Promise.resolve(),
  };
  before(async () => {
    platform = await startTestPlatform(dir, [symbols], {
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5',
      RATE_LIMIT_ANONYMOUS_TOTAL_PER_MINUTE: '20',
      PREFIX_SHARE_PERCENT: '50',
    });
    port = Number(new URL(platform.url).port);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a newcomer and signed-in users while a flood from many addresses spends the anonymous total', async () => {
    // The anonymous windows are the clock's minutes: start early in one, so the test runs within it.
    while (Date.now() % 60_000 > 40_000) await new Promise((r) => setTimeout(r, 500));
    const symbolsFrom = (address: string, headers: Record<string, string> = {}) =>
      get(port, '127.0.0.1', address, '/api/symbols', headers);
    const flood = async (address: string): Promise<number[]> => {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i += 1) statuses.push((await symbolsFrom(address)).status);
      return statuses;
    };
    // Two /24s of the flood, two addresses each: 5 per address, 10 (half of 20) per /24, 20 in all.
    const served = (await Promise.all(['127.0.0.1', '127.0.0.2', '127.0.1.1', '127.0.1.2'].map(flood)))
      .flat()
      .filter((s) => s === 200).length;
    assert.equal(served, 20);
    const refusedByPrefix = await symbolsFrom('127.0.0.3');
    assert.match(jsonError(refusedByPrefix, 429), /PREFIX_SHARE_PERCENT/);
    assert.ok(Number(refusedByPrefix.headers['retry-after']) >= 1);

    // A newcomer from an unrelated /24 is served.
    assert.equal((await symbolsFrom('127.0.7.1')).status, 200);
    // Signed-in users, from the flood's own address: an API token and a session cookie, each its own allowance.
    const token = await symbolsFrom('127.0.0.1', { authorization: `Bearer ${platform.credentials.viewer}` });
    assert.equal(token.status, 200);
    const signIn = await new Promise<Answer>((resolve, reject) => {
      const body = JSON.stringify({ name: 'admin', password: TEST_ADMIN_PASSWORD });
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/identity/session',
          method: 'POST',
          localAddress: '127.0.0.1',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: '', headers: res.headers });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(signIn.status, 200);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
    assert.equal((await symbolsFrom('127.0.0.2', { cookie })).status, 200);

    // The flood goes on from a third /24: with the total spent it gets an equal share (20 over 4 networks), then its
    // busiest-first refusal names the total.
    const third = [
      ...(await Promise.all([1, 2, 3].map(async () => (await symbolsFrom('127.0.2.1')).status))),
      ...(await Promise.all([1, 2].map(async () => (await symbolsFrom('127.0.2.2')).status))),
    ];
    assert.deepEqual(third, [200, 200, 200, 200, 200]);
    assert.match(jsonError(await symbolsFrom('127.0.2.3'), 429), /RATE_LIMIT_ANONYMOUS_TOTAL_PER_MINUTE/);
    assert.match(jsonError(await symbolsFrom('127.0.1.3'), 429), /PREFIX_SHARE_PERCENT/);
    const metrics = (await get(port, '127.0.0.1', '127.0.0.1', '/metrics')).body;
    assert.match(metrics, /insitechart_fair_share_total\{resource="anonymous-rate",outcome="prefix"\} [1-9]/);
    assert.match(metrics, /insitechart_fair_share_total\{resource="anonymous-rate",outcome="total"\} [1-9]/);
  });
});
