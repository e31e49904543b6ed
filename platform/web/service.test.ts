import assert from 'node:assert/strict';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config/config.ts';
import { startPlatform, type RunningPlatform } from '../runtime/platform.ts';
import { createLogger } from '../telemetry/logger.ts';
import { apiFetch } from '../testing/api-client.ts';
import { webAppService } from './service.ts';

let platform: RunningPlatform;
before(async () => {
  platform = await startPlatform({
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1', BUS_DURABLE: 'false' }),
    logger: createLogger({ service: 'test', level: 'silent' }),
    services: [webAppService()],
  });
});
after(async () => {
  await platform.stop();
});

describe('web app serving', () => {
  it('serves index.html (revalidated) that links a content-hashed, minified bundle cached for a year', async () => {
    const page = await fetch(`${platform.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await page.text();
    const script = /<script type="module" src="(\/assets\/main-[A-Z0-9]{8}\.js)"><\/script>/.exec(html)?.[1];
    const style = /<link rel="stylesheet" href="(\/assets\/main-[A-Z0-9]{8}\.css)">/.exec(html)?.[1];
    assert.ok(script, `index.html names the hashed script:\n${html}`);
    assert.ok(style, 'and the hashed stylesheet');
    const noscript = /<noscript>(.*)<\/noscript>/.exec(html)?.[1] ?? '';
    assert.equal(noscript.match(/<p lang="[a-z]{2}" dir="(ltr|rtl)">[^<]+<\/p>/g)?.length, 11, 'a line per language');
    assert.match(noscript, /<p lang="ar" dir="rtl">يحتاج InsiteChart/);

    const js = await fetch(`${platform.url}${script}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const code = await js.text();
    assert.ok(code.length > 50_000, 'the bundle includes lightweight-charts');
    assert.ok(code.split('\n').length < 10, 'minified');
    assert.match(code, /sourceMappingURL=main-[A-Z0-9]{8}\.js\.map/);
    assert.equal((await fetch(`${platform.url}${style}`)).status, 200);
  });

  it('sends the pre-compressed form the client accepts, and 304 for a known ETag', async () => {
    const html = await (await fetch(`${platform.url}/index.html`)).text();
    const script = /src="([^"]+\.js)"/.exec(html)?.[1] ?? '';
    const plain = await fetch(`${platform.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    const body = Buffer.from(await plain.arrayBuffer());
    assert.equal(plain.headers.get('content-encoding'), null);

    // node's fetch would decode transparently: read the raw bytes with a bare request instead.
    const raw = (encoding: string) =>
      new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
        request(`${platform.url}${script}`, { headers: { 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            resolve({ headers: res.headers, body: Buffer.concat(chunks) });
          });
        })
          .on('error', reject)
          .end();
      });
    const br = await raw('gzip, deflate, br');
    assert.equal(br.headers['content-encoding'], 'br');
    assert.ok(br.body.length < body.length / 2);
    assert.deepEqual(brotliDecompressSync(br.body), body);
    const gz = await raw('gzip');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(gz.body), body);

    const etag = plain.headers.get('etag') ?? '';
    assert.match(etag, /^"[\w-]{22}"$/);
    assert.equal((await fetch(`${platform.url}${script}`, { headers: { 'if-none-match': etag } })).status, 304);
  });

  it('records browser reports (real-user monitoring) in its metrics, refusing a bad report with a 400', async () => {
    const post = (body: unknown) =>
      apiFetch(platform, '/api/web/client-metrics', {
        as: 'anonymous',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const report = {
      sessions: { new: 1, resumed: 2, replaced: 0 },
      problems: { server: 0, unreadable: 0, gap: 1, watchdog: 0 },
      lagMs: [12, 40, 3_000],
    };
    assert.equal((await post(report)).status, 204);
    const bad = await post({ ...report, lagMs: [-5] });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(await bad.json()), /lagMs/);
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    assert.match(metrics, /insitechart_web_client_sessions_total\{kind="resumed"\} 2/);
    assert.match(metrics, /insitechart_web_client_problems_total\{kind="gap"\} 1/);
    assert.match(metrics, /insitechart_web_client_tick_lag_seconds_bucket\{le="0.05"\} 2/);
    assert.match(metrics, /insitechart_web_client_tick_lag_seconds_count 3/);
    assert.match(metrics, /insitechart_web_bundle_bytes\{encoding="br"\} [1-9]\d{4}/);
  });

  it('answers 404 for an asset it does not have', async () => {
    const missing = await fetch(`${platform.url}/assets/main-00000000.js`);
    assert.equal(missing.status, 404);
  });
});
