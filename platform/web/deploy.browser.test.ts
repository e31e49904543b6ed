/**
 * A page left open across a deploy (client/new-build.ts): its lazily loaded view chunks are gone from the new server.
 * Chromium loads the app from a bare loopback server (who-am-I answered anonymous; no stream, no service worker: the
 * page's own recovery is tested, the worker's kept previous build in client-logic.test.ts), then the server switches
 * to a rebuild whose every chunk has another hash. Switching view then reloads the page once into the new build, on
 * the route asked for; a chunk missing without a deploy (the same build) is said in the view's place, with no reload.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { peerSkipReason } from '../testing/peers.ts';
import { CHROMIUM, launchChromium } from './browser.ts';
import { buildClient } from './build.ts';
import { anonymous } from './client/me.ts';

interface File {
  readonly type: string;
  readonly body: Buffer;
}
type Build = ReadonlyMap<string, File>;

/** The same app rebuilt with every chunk's content hash changed (names and the references to them), a new stamp. */
function rebuilt(app: Build, stamp: string): Build {
  const hashes = [...app.keys()].flatMap((path) => /-([A-Z0-9]{8})\.(?:js|css)$/.exec(path)?.[1] ?? []);
  const rename = (text: string): string =>
    hashes.reduce((out, hash) => out.replaceAll(`-${hash}.`, `-${hash}N.`), text.replaceAll(stamp, `next-${stamp}`));
  return new Map(
    [...app].map(([path, file]) => [
      rename(path),
      /json|javascript|html|css/.test(file.type) ? { ...file, body: Buffer.from(rename(file.body.toString())) } : file,
    ]),
  );
}

const skip = peerSkipReason(CHROMIUM, 'chromium');

describe('a page open across a deploy', { skip: skip ?? false }, () => {
  let browser: Browser;
  let url: string;
  let serving: Build;
  const navigations: string[] = [];
  const missing: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://page').pathname;
    if (path === '/api/identity/me') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(anonymous));
      return;
    }
    const found = serving.get(path);
    if (path === '/') navigations.push(req.url ?? '');
    if (found === undefined) {
      if (path.startsWith('/assets/')) missing.push(path);
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': found.type, 'cache-control': 'no-cache' }).end(found.body);
  });
  let first: Build;
  let stamp: string;

  before(async () => {
    const app = await buildClient();
    first = new Map([...app.assets].map(([path, a]) => [path, { type: a.contentType, body: a.body }]));
    stamp = (JSON.parse(first.get('/build.json')?.body.toString() ?? '{}') as { build: string }).build;
    serving = first;
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser.close();
    server.close();
  });

  it('reloads once into the new build when a view chunk of the old one is gone, on the route asked for', async () => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    try {
      const page = await context.newPage();
      await page.goto(`${url}#/markets`);
      await page.locator('nav.views a[data-view="ops"]').waitFor({ timeout: 30_000 });
      // Gone after a reload: tells a reload from a view switch.
      await page.evaluate('window.beforeDeploy = true');
      const next = rebuilt(first, stamp);
      assert.notDeepEqual([...next.keys()].sort(), [...first.keys()].sort());
      serving = next;

      await page.locator('nav.views a[data-view="ops"]').click();
      await page.locator('section[data-view="ops"]').waitFor({ timeout: 30_000 });
      assert.equal(await page.evaluate('window.beforeDeploy === undefined'), true, 'the page reloaded');
      assert.equal(navigations.length, 2, `one reload: ${navigations.join(', ')}`);
      assert.ok(
        missing.some((path) => path.startsWith('/assets/view-')),
        `the old build's view chunk was asked for: ${missing.join(', ')}`,
      );
      assert.equal(await page.evaluate('location.hash'), '#/ops', 'the route asked for');
      assert.equal(
        await page.evaluate(`document.querySelector('meta[name="insitechart-build"]').content`),
        `next-${stamp}`,
      );
      assert.equal(await page.locator('section[data-view="ops"] p.notice[role="alert"]').count(), 0);

      // Without a deploy (the same build) a missing chunk is the network's failure: said there, no reload.
      const viewChunks = [...next.keys()].filter((path) => path.startsWith('/assets/view-'));
      serving = new Map([...next].filter(([path]) => !viewChunks.includes(path)));
      await page.evaluate('window.beforeDeploy = true');
      await page.locator('nav.views a[data-view="analytics"]').click();
      const notice = page.locator('section[data-view="analytics"] p.notice[role="alert"]');
      await notice.waitFor({ timeout: 30_000 });
      assert.match((await notice.textContent()) ?? '', /could not be loaded/);
      assert.equal(await page.evaluate('window.beforeDeploy'), true, 'no reload');
      assert.equal(navigations.length, 2);
    } finally {
      await context.close();
    }
  });
});
