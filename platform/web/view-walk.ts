/**
 * Test helpers for walking every view of the web app in Chromium: a platform with the services the views read,
 * a signed-in page (admin: every view is offered), the views the navigation lists, and the i18n keys left raw.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { marketFeedService } from '../../collectors/market/feed-service.ts';
import { alertsService } from '../alerts/service.ts';
import { analyticsService } from '../analytics/service.ts';
import { marketDataService } from '../market-data/service.ts';
import { sentimentService } from '../sentiment/service.ts';
import { startTestPlatform, TEST_ADMIN_PASSWORD, type TestPlatform } from '../testing/platform.ts';
import { launchChromium } from './browser.ts';
import { countRequestsIn, settled } from './page-settled.ts';
import { messages } from './client/i18n/resources.ts';
import { webAppService } from './service.ts';

/** What the views read: live market data, analytics, sentiment, alerts (price alerts, incidents), the app itself. */
export function startViewsPlatform(dir: string): Promise<TestPlatform> {
  return startTestPlatform(dir, [
    marketFeedService(),
    marketDataService(),
    alertsService(),
    analyticsService(),
    sentimentService(),
    webAppService(),
  ]);
}

/** The admin's session cookie (signing in hashes a password: done once, then shared by every context). */
export async function adminSession(
  browser: Browser,
  platform: TestPlatform,
): Promise<BrowserContextOptions['storageState']> {
  const context = await browser.newContext();
  const signedIn = await context.request.post(`${platform.url}/api/identity/session`, {
    data: { name: 'admin', password: TEST_ADMIN_PASSWORD },
  });
  if (signedIn.status() !== 200) throw new Error(`sign-in answered ${String(signedIn.status())}`);
  const state = await context.storageState();
  await context.close();
  return state;
}

/**
 * The guard for a whole walk (a setup's or a language's views) and for the shared start, above the suite's 120 s: at a
 * load average of 22-27 on 2 cores one setup's walk has taken 97 s, and a platform start hit a 150 s guard.
 */
export const WALK_TIMEOUT_MS = 240_000;

export interface ViewWalk {
  readonly platform: TestPlatform;
  readonly browser: Browser;
  /** The admin's session (adminSession). */
  readonly storageState: BrowserContextOptions['storageState'];
}

/**
 * One views platform, one Chromium and one admin session for every test of the enclosing suite (before/after hooks):
 * starting them costs more CPU than walking a whole viewport or language. Call inside `describe`; the returned
 * function gives them to the tests.
 */
export function sharedViewWalk(name: string): () => ViewWalk {
  let dir: string | undefined;
  let platform: TestPlatform | undefined;
  let browser: Browser | undefined;
  let walk: ViewWalk | undefined;
  before(
    async () => {
      dir = mkdtempSync(join(tmpdir(), `web-${name}-`));
      // Side by side; whichever started is stopped by `after` even if the other failed.
      const [started, launched] = await Promise.allSettled([startViewsPlatform(dir), launchChromium()]);
      if (started.status === 'fulfilled') platform = started.value;
      if (launched.status === 'fulfilled') browser = launched.value;
      if (started.status === 'rejected') throw started.reason;
      if (launched.status === 'rejected') throw launched.reason;
      const storageState = await adminSession(launched.value, started.value);
      walk = { platform: started.value, browser: launched.value, storageState };
    },
    { timeout: WALK_TIMEOUT_MS },
  );
  after(async () => {
    await browser?.close();
    await platform?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (walk === undefined) throw new Error('the shared platform and browser did not start');
    return walk;
  };
}

/**
 * A page with the given session and options, at `#/markets` once the navigation is drawn and the live connection is
 * up (the views show what it brings).
 */
export async function openApp(browser: Browser, platform: TestPlatform, options: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext(options);
  await countRequestsIn(context);
  const page = await context.newPage();
  await page.goto(`${platform.url}/#/markets`);
  await page.locator('nav.views a[data-view]').first().waitFor({ timeout: 20_000 });
  await page.locator('.connection[data-state="connected"]').waitFor({ timeout: 20_000 });
  return page;
}

/** The views the navigation offers, plus the sign-in page (reachable by its route). */
export async function viewIds(page: Page): Promise<string[]> {
  const links = page.locator('nav.views a[data-view]');
  const ids: string[] = [];
  for (let n = 0; n < (await links.count()); n++) ids.push((await links.nth(n).getAttribute('data-view')) ?? '');
  return [...ids, 'sign-in'];
}

/** Shows a view and waits until it is mounted and its first answers are drawn (settled). */
export async function showView(page: Page, id: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(`#/${id}`)}`);
  await settled(page, `main section.view[data-view="${id}"]`);
}

const groups = Object.keys(messages.en).join('|');
const keyPattern = `\\b(?:${groups})\\.[A-Za-z_][\\w.]*`;

/** Message keys shown instead of text: in text nodes and in the attributes people and screen readers meet. */
export async function rawKeys(page: Page): Promise<string[]> {
  // Runs in the page (a string: this module is type-checked without the DOM lib).
  const found: unknown = await page.evaluate(`(() => {
    const re = new RegExp(${JSON.stringify(keyPattern)}, 'g');
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode())
      for (const m of (node.textContent ?? '').matchAll(re)) found.push(m[0]);
    for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]'))
      for (const name of ['aria-label', 'title', 'placeholder', 'alt'])
        for (const m of (element.getAttribute(name) ?? '').matchAll(re)) found.push(name + ': ' + m[0]);
    for (const m of document.title.matchAll(re)) found.push('title: ' + m[0]);
    return found;
  })()`);
  return Array.isArray(found) ? found.map(String) : [String(found)];
}

/** Waits until an expression is truthy in the page (page.waitForFunction would need eval, which the CSP refuses). */
export async function waitForExpression(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(`Boolean(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`${expression} still false after ${String(timeoutMs)} ms`);
    await page.waitForTimeout(200);
  }
}
