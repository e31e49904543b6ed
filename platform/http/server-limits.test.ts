/**
 * What Node's HTTP parser refuses before express sees it gets a 4xx with a JSON message; slow clients are cut; one
 * address holds at most HTTP_MAX_CONNECTIONS_PER_ADDRESS connections; refused peers that never close are cut.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';
import { serverLimits } from './server-limits.ts';

/** Sends raw bytes (fetch would refuse to send them) and reads what comes back until the server closes. */
function raw(url: string, request: string): Promise<{ status: number; contentType: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', rest = ''] = text.split('\r\n\r\n', 2);
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? rest.length);
      const body = rest.slice(0, length);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        contentType: /content-type: ([^\r]+)/i.exec(head)?.[1] ?? '',
        body,
      });
    });
  });
}

/** One request on its own connection, closed after the answer (no pooled keep-alive socket left open). */
const get = (url: string, path: string) =>
  raw(url, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);

/** A connection that sent half its headers and waits: it holds its socket (and says whether it got an answer). */
function hold(url: string): Promise<{ socket: Socket; answered: () => boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const socket = connect(Number(port), hostname, () => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      resolve({ socket, answered: () => answered });
    });
    socket.on('data', () => (answered = true));
    socket.on('error', reject);
  });
}

async function until(what: string, check: () => Promise<boolean>, ms = 2_000): Promise<void> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20)))
    if (await check()) return;
  assert.fail(`timed out waiting for ${what}`);
}

/** Sockets the server holds, refused ones and upgraded ones included. */
function openConnections(platform: TestPlatform): Promise<number> {
  return new Promise((resolve, reject) => {
    platform.server.getConnections((error, n) => {
      if (error) reject(error);
      else resolve(n);
    });
  });
}

const MAX_CONNECTIONS = 4;

describe('HTTP server limits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'server-limits-'));
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform(dir, [], { HTTP_MAX_CONNECTIONS_PER_ADDRESS: String(MAX_CONNECTIONS) });
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const jsonRefusal = (r: { status: number; contentType: string; body: string }, status?: number): void => {
    if (status === undefined) assert.ok(r.status >= 400 && r.status < 500, `a 4xx, not ${String(r.status)}`);
    else assert.equal(r.status, status);
    assert.match(r.contentType, /application\/json/);
    assert.equal(typeof (JSON.parse(r.body) as { error?: unknown }).error, 'string');
  };

  it('answers oversized headers with 431 and a JSON message', async () => {
    const big = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`;
    jsonRefusal(await raw(platform.url, big), 431);
  });

  it('answers malformed requests (request smuggling shapes, junk) with a 4xx and a JSON message', async () => {
    for (const request of [
      'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      'POST /api/alerts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n',
      'POST /api/alerts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nnot-hex\r\n\r\n',
      '\u0000\u0001\u0002 / HTTP/1.1\r\n\r\n',
      'GET /\u0007 HTTP/1.1\r\nHost: x\r\n\r\n',
    ])
      jsonRefusal(await raw(platform.url, request));
    assert.equal((await get(platform.url, '/healthz')).status, 200, 'the server still answers');
  });

  it('refuses a connection over the per-address cap with 429 and a JSON message before any route sees it', async () => {
    const held = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => hold(platform.url)));
    try {
      await until(
        'the server to accept the held connections',
        async () => (await openConnections(platform)) >= MAX_CONNECTIONS,
      );
      const over = await get(platform.url, '/healthz');
      assert.equal(held.filter((h) => h.answered()).length, 0, 'the held connections were admitted');
      jsonRefusal(over, 429);
      assert.match(over.body, /at most 4 at once/);
      held[0]?.socket.destroy();
      // Retried until the server has seen the close (a try before that is refused, and counted, too).
      await until('a freed slot', async () => (await get(platform.url, '/healthz')).status === 200);
      const metrics = (await get(platform.url, '/metrics')).body;
      const refused = /insitechart_http_refused_total\{status="429",kind="connection",token=""\} (\d+)/.exec(metrics);
      assert.ok(Number(refused?.[1] ?? 0) >= 1, 'refused connections are counted');
    } finally {
      for (const h of held) h.socket.destroy();
      await until('every connection closed', async () => (await openConnections(platform)) === 0);
    }
  });

  it('cuts a refused peer that never closes its side (a refused WebSocket upgrade held half-open)', async () => {
    const before = await openConnections(platform);
    const { hostname, port } = new URL(platform.url);
    // A hostile peer keeps its side open after the server's FIN (Node's own sockets would close theirs).
    const socket = connect({ port: Number(port), host: hostname, allowHalfOpen: true });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.write(
      'GET /no-such-socket HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    try {
      await until('the answer', () => Promise.resolve(answer.includes('}')));
      assert.match(answer, /^HTTP\/1\.1 404 /);
      assert.match(answer, /application\/json/);
      // The server's side goes within its grace period although the peer never closes.
      await until('the server to drop the socket', async () => (await openConnections(platform)) <= before, 6_000);
    } finally {
      socket.destroy();
    }
  });

  it('bounds how long headers and requests may take to arrive', () => {
    assert.equal(platform.server.headersTimeout, serverLimits.headersTimeoutMs);
    assert.equal(platform.server.requestTimeout, serverLimits.requestTimeoutMs);
    assert.equal(platform.server.maxHeadersCount, serverLimits.maxHeadersCount);
  });
});
