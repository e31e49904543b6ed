/** What Node's HTTP parser refuses before express sees it gets a 4xx with a JSON message; slow clients are cut. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiFetch } from '../testing/api-client.ts';
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

describe('HTTP server limits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'server-limits-'));
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform(dir, []);
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
    const res = await apiFetch(platform, '/healthz');
    assert.equal(res.status, 200, 'the server still answers');
  });

  it('bounds how long headers and requests may take to arrive', () => {
    assert.equal(platform.server.headersTimeout, serverLimits.headersTimeoutMs);
    assert.equal(platform.server.requestTimeout, serverLimits.requestTimeoutMs);
    assert.equal(platform.server.maxHeadersCount, serverLimits.maxHeadersCount);
  });
});
