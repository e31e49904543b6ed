/** Security headers, the Host allow-list, CORS and client errors, sent by a real client to a platform on loopback. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningPlatform } from '../runtime/platform.ts';
import { sentimentService } from '../sentiment/service.ts';
import { apiFetch } from '../testing/api-client.ts';
import { startTestPlatform } from '../testing/platform.ts';
import { createLogger } from '../telemetry/logger.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import { createHttpApp } from './app.ts';
import { Health } from './health.ts';
import { hostAllowed } from './security.ts';
import { loadHttpSecurityConfig } from './security-config.ts';

/** fetch forbids setting Host, so requests with a forged Host go through node:http. */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP security', () => {
  const dir = mkdtempSync(join(tmpdir(), 'http-security-'));
  let platform: RunningPlatform;
  before(async () => {
    platform = await startTestPlatform(dir, [sentimentService({ feeds: () => [] })]);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets security headers on every response, with connect-src limited to the own origin', async () => {
    for (const path of ['/healthz', '/api/quotes-that-do-not-exist', '/api/openapi.json']) {
      const res = await apiFetch(platform, path);
      const csp = res.headers.get('content-security-policy') ?? '';
      const host = new URL(platform.url).host;
      assert.match(csp, new RegExp(`connect-src 'self' ws://${host} wss://${host}(;|$)`), path);
      assert.doesNotMatch(csp, /connect-src[^;]* (ws|wss):(;| )/, 'no scheme-wide ws: source');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    }
  });

  it('answers a DNS-rebinding Host with 421 and a JSON message, and keeps localhost and IP hosts working', async () => {
    const port = new URL(platform.url).port;
    const rebound = await rawGet(platform.url, '/api/sentiment/AAPL', { host: `attacker.example:${port}` });
    assert.equal(rebound.status, 421);
    assert.match((JSON.parse(rebound.body) as { error: string }).error, /Host/);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const ok = await rawGet(platform.url, '/api/openapi.json', { host });
      assert.equal(ok.status, 200, host);
    }
    const probe = await rawGet(platform.url, '/healthz', { host: `attacker.example:${port}` });
    assert.equal(probe.status, 200, 'probes answer any Host');
    const metrics = await rawGet(platform.url, '/metrics', { host: `attacker.example:${port}` });
    assert.equal(metrics.status, 421, 'a rebinding page cannot read /metrics');
    assert.doesNotMatch(metrics.body, /insitechart_/);
    for (const host of [`127.0.0.1:${port}`, `insitechart:${port}`]) {
      const scrape = await rawGet(platform.url, '/metrics', { host });
      assert.equal(scrape.status, 200, `a scraper addressing the pod as ${host}`);
      assert.match(scrape.body, /insitechart_/);
    }
  });

  it('refuses cross-origin requests unless the origin is allow-listed', async () => {
    const foreign = await apiFetch(platform, '/api/sentiment/texts', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ texts: [] }),
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const same = await apiFetch(platform, '/api/openapi.json', { headers: { origin: platform.url } });
    assert.equal(same.status, 200);
  });

  it('answers bad percent-encoding in a path with 400 and a JSON message', async () => {
    const res = await apiFetch(platform, '/api/sentiment/%E0%A4%A');
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /percent-encoding|decode/);
  });
});

describe('CORS allow-list', () => {
  it('lets an allow-listed origin call the API (with a preflight) and still refuses others', async () => {
    const { app, api } = createHttpApp({
      metrics: createMetrics(),
      health: new Health(),
      logger: createLogger({ service: 'test', level: 'silent' }),
      security: loadHttpSecurityConfig({ CORS_ORIGINS: 'https://dashboard.example' }),
      // Access control has its own tests (platform/identity); this app lets every request through to CORS.
      access: (_req, _res, next) => {
        next();
      },
    });
    api.post('/echo', (_req, res) => {
      res.json({ ok: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const target = { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}` };
    try {
      const preflight = await apiFetch(target, '/api/echo', {
        method: 'OPTIONS',
        headers: { origin: 'https://dashboard.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://dashboard.example');
      const allowed = await apiFetch(target, '/api/echo', {
        method: 'POST',
        headers: { origin: 'https://dashboard.example' },
      });
      assert.equal(allowed.status, 200);
      assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://dashboard.example');
      const other = await apiFetch(target, '/api/echo', {
        method: 'POST',
        headers: { origin: 'https://dashboard.example.evil' },
      });
      assert.equal(other.status, 403);
    } finally {
      server.close();
    }
  });
});

describe('HTTP security configuration', () => {
  it('allows configured names and wildcards, PUBLIC_URL host, and nothing else with dots', () => {
    const config = loadHttpSecurityConfig({
      ALLOWED_HOSTS: 'app.example.com,*.corp.example',
      PUBLIC_URL: 'https://pub.example.org/x',
    });
    assert.ok(hostAllowed('app.example.com', config.allowedHosts));
    assert.ok(hostAllowed('APP.example.com:8080', config.allowedHosts));
    assert.ok(hostAllowed('a.b.corp.example', config.allowedHosts));
    assert.ok(hostAllowed('pub.example.org', config.allowedHosts));
    assert.ok(hostAllowed('insitechart:8080', config.allowedHosts), 'single-label service names');
    assert.ok(!hostAllowed('evilcorp.example', config.allowedHosts));
    assert.ok(!hostAllowed('app.example.com.evil.example', config.allowedHosts));
    assert.ok(!hostAllowed('a b', config.allowedHosts));
    assert.ok(!hostAllowed(undefined, config.allowedHosts));
  });

  it('rejects malformed settings', () => {
    assert.throws(() => loadHttpSecurityConfig({ CORS_ORIGINS: 'https://ok.example/path' }), /CORS_ORIGINS/);
    assert.throws(() => loadHttpSecurityConfig({ ALLOWED_HOSTS: 'bad host' }), /ALLOWED_HOSTS/);
  });
});
