/**
 * The link crawler: every link the app's views show and every link its notifications carry (incident pages,
 * runbooks, Grafana dashboards) is followed, and none ends in a 404 or on a view other than the one it names.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { alertsService } from '../alerts/service.ts';
import { captureServer } from '../alerts/notify/capture-server.ts';
import { loopbackAllowed } from '../net/config.ts';
import { apiFetch } from '../testing/api-client.ts';
import { everyService } from '../testing/every-service.ts';
import { freePort, peerSkipReason } from '../testing/peers.ts';
import { projectRoot } from '../testing/process.ts';
import { startTestPlatform } from '../testing/platform.ts';
import { CHROMIUM, launchChromium } from './browser.ts';
import { countRequestsIn, settled } from './page-settled.ts';
import { adminSession } from './view-walk.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');
const dir = mkdtempSync(join(tmpdir(), 'web-link-crawler-'));
process.env.DETECTOR_POLL_INTERVAL_MS = '1000';
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Links out of the platform the app shows on purpose; not followed (tests reach loopback only). */
const EXTERNAL = new Set(['https://www.tradingview.com/']); // lightweight-charts' attribution, which its licence asks for

/** Pages visited at most (every view, incident pages, query variants are one page each). */
const MAX_PAGES = 40;
const SEC = 1_000;

/** A stand-in Grafana: a dashboard link answers 200 only for a dashboard `npm run dashboards` generates. */
async function provisionedGrafana(): Promise<{ url: string; close: () => void }> {
  const generated = join(projectRoot, 'dashboards/generated');
  const uids = new Set(
    readdirSync(generated).map((f) => (JSON.parse(readFileSync(join(generated, f), 'utf8')) as { uid: string }).uid),
  );
  const server = createServer((req, res) => {
    const uid = /^\/d\/([^/?]+)/.exec(req.url ?? '')?.[1];
    res.statusCode = uid !== undefined && uids.has(uid) ? 200 : 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`, close: () => server.close() };
}

/** An OTLP gauge steady for 400 s then ten times higher: the detector tier's symptom, detected at once. */
function anomaly(now: number): string {
  const dataPoints = Array.from({ length: 410 }, (_, i) => ({
    asDouble: i < 400 ? 0.01 + 0.002 * Math.sin(i / 7) : 0.4,
    timeUnixNano: `${String(now - (410 - i) * SEC)}000000`,
  }));
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeMetrics: [{ metrics: [{ name: 'checkout_error_ratio', gauge: { dataPoints } }] }],
      },
    ],
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The hrefs of a page's links, resolved (a.href), once its view has drawn its first answers. */
async function hrefsOf(page: Page): Promise<string[]> {
  await settled(page, 'main section.view');
  // A string: this module is type-checked without the DOM lib.
  return page.evaluate<string[]>('[...document.querySelectorAll("a[href]")].map((a) => a.href)');
}

describe('the link crawler', { skip: skip ?? false }, () => {
  it('finds no dead link in the views or in the notifications', { timeout: 120_000 }, async () => {
    const receiver = await captureServer();
    const grafana = await provisionedGrafana();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${String(port)}`;
    process.env.PUBLIC_URL = publicUrl;
    process.env.GRAFANA_URL = grafana.url;
    const alerts = alertsService({
      config: {
        route: { receiver: 'ops', group_wait: '0s', group_interval: '1h' },
        receivers: [{ name: 'ops', escalation_policy: 'p' }],
        users: [
          {
            id: 'alice',
            name: 'Alice',
            contacts: [
              { type: 'webhook', url: `${receiver.url}/webhook` },
              { type: 'slack', url: `${receiver.url}/slack` },
            ],
          },
        ],
        escalation_policies: [{ id: 'p', name: 'P', steps: [{ timeout: '1h', targets: [{ user: 'alice' }] }] }],
      },
      outbound: loopbackAllowed(),
    });
    const platform = await startTestPlatform(
      dir,
      everyService().map((s) => (s.name === 'alerts' ? alerts : s)),
      {},
      port,
    );
    const browser = await launchChromium();
    try {
      // A platform alert (runbook and dashboard links) and a detection from the detector tier (its runbook).
      const posted = await apiFetch(platform, '/api/alerts', {
        as: 'ingest',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ labels: { alertname: 'HighErrorRate', service: 'market-data', severity: 'critical' } }),
      });
      assert.equal(posted.status, 202);
      const fed = await apiFetch(platform, '/v1/metrics', {
        as: 'ingest',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: anomaly(Date.now() - 3 * SEC),
      });
      assert.equal(fed.status, 200);
      await until('the page on both channels', () =>
        Promise.resolve(new Set(receiver.requests.map((r) => r.path)).size >= 2),
      );
      await until('the detection', async () => {
        const res = await apiFetch(platform, '/api/detectors/detections', { as: 'viewer' });
        return ((await res.json()) as { detections: unknown[] }).detections.length > 0;
      });

      // Links in the notifications: every one on PUBLIC_URL or Grafana.
      const sent = receiver.requests.flatMap((r) =>
        [...r.body.toString().matchAll(/https?:\/\/[^\s"<>|\\]+/g)].map((m) => m[0]),
      );
      const notified = [...new Set(sent)];
      assert.ok(
        notified.some((u) => u.startsWith(`${publicUrl}/incidents/`)),
        `an incident link in ${notified.join(' ')}`,
      );
      assert.ok(
        notified.some((u) => u.startsWith(`${publicUrl}/runbooks/`)),
        'a runbook link',
      );
      assert.ok(
        notified.some((u) => u.startsWith(`${grafana.url}/d/`)),
        'a dashboard link',
      );
      assert.deepEqual(
        notified.filter((u) => !u.startsWith(publicUrl) && !u.startsWith(grafana.url)),
        [],
        'links built from PUBLIC_URL (or the configured Grafana)',
      );

      const context = await browser.newContext({ storageState: await adminSession(browser, platform) });
      await countRequestsIn(context);
      const page = await context.newPage();
      const dead: string[] = [];
      const checked = new Map<string, number>();
      const pages: string[] = [];
      const queue: string[] = [];
      const enqueue = (url: string): void => {
        const u = new URL(url);
        if (u.origin !== publicUrl) return;
        const key = `${u.pathname}${u.hash.split('?')[0] ?? ''}`;
        if (pages.includes(key) || queue.some((q) => q === url)) return;
        pages.push(key);
        queue.push(url);
      };
      const check = async (url: string, from: string): Promise<void> => {
        if (checked.has(url)) return;
        const res = await context.request.get(url, { maxRedirects: 0 });
        checked.set(url, res.status());
        if (res.status() >= 400) dead.push(`${url} (${String(res.status())}, linked from ${from})`);
      };

      for (const url of notified) {
        await check(url, 'a notification');
        // The incident link opens the app (a redirect to its incident page); the others are documents.
        if (url.startsWith(`${publicUrl}/incidents/`)) enqueue(url);
      }
      enqueue(`${publicUrl}/#/markets`);
      for (const id of ['analytics', 'portfolio', 'price-alerts', 'alerts', 'ops', 'sign-in'])
        enqueue(`${publicUrl}/#/${id}`);
      let visited = 0;
      while (queue.length > 0 && visited < MAX_PAGES) {
        const url = queue.shift() ?? '';
        visited++;
        await page.goto(url);
        // A hash route the app does not know falls back to the first view: a dead link inside the app.
        const expected = /#\/([a-z0-9-]+)/.exec(page.url())?.[1];
        // Views other than the first load their code on demand: the previous view stays until it arrives. A dead
        // link never shows the expected view, so the wait runs out and what is shown then is reported.
        if (expected !== undefined)
          await page
            .locator(`main section.view[data-view="${expected}"]`)
            .waitFor({ timeout: 15_000 })
            .catch(() => undefined);
        const shown = await page.locator('main section.view').first().getAttribute('data-view', { timeout: 15_000 });
        if (expected !== undefined && shown !== expected) dead.push(`${url} shows view ${String(shown)}`);
        for (const href of await hrefsOf(page)) {
          const u = new URL(href);
          if (u.protocol !== 'http:' && u.protocol !== 'https:') continue;
          if (u.origin === publicUrl && u.pathname === '/' && u.hash.startsWith('#/')) enqueue(href);
          else if (u.origin === publicUrl && u.pathname === '/' && u.hash !== '') {
            // An in-page anchor (the skip link): its target must be on the page.
            const target = decodeURIComponent(u.hash.slice(1));
            if ((await page.locator(`[id="${target}"]`).count()) === 0) dead.push(`${href}: no #${target} on ${url}`);
          } else if (u.origin === publicUrl || u.origin === grafana.url) await check(href, url);
          else if (!EXTERNAL.has(href)) dead.push(`${href}: outside the platform and its Grafana (linked from ${url})`);
        }
      }
      assert.deepEqual(dead, []);
      // The crawl reached the views, an incident page from a notification, and runbooks from the views.
      assert.ok(pages.some((p) => p.startsWith('/incidents/')));
      assert.ok([...checked.keys()].some((u) => u.startsWith(`${publicUrl}/runbooks/`)));
      assert.ok(checked.has(`${grafana.url}/d/insitechart-detectors/`), "the ops view's dashboard links");
      assert.ok(visited >= 8, `${String(visited)} pages visited`);
      assert.ok(queue.length === 0, `more than ${String(MAX_PAGES)} pages: raise the bound or find the loop`);
    } finally {
      await browser.close();
      await platform.stop();
      await receiver.close();
      grafana.close();
    }
  });
});
