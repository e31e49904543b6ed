/**
 * Test helpers for walking every view of the web app in Chromium: a platform with the services the views read,
 * a signed-in page (admin: every view is offered), the views the navigation lists, and the i18n keys left raw.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { marketFeedService } from '../../collectors/market/feed-service.ts';
import { alertsService } from '../alerts/service.ts';
import { analyticsService } from '../analytics/service.ts';
import { marketDataService } from '../market-data/service.ts';
import { sentimentService } from '../sentiment/service.ts';
import { startTestPlatform, TEST_ADMIN_PASSWORD, type TestPlatform } from '../testing/platform.ts';
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

/** A page with the given session and options, at `#/markets` once the navigation is drawn. */
export async function openApp(browser: Browser, platform: TestPlatform, options: BrowserContextOptions): Promise<Page> {
  const page = await (await browser.newContext(options)).newPage();
  await page.goto(`${platform.url}/#/markets`);
  await page.locator('nav.views a[data-view]').first().waitFor({ timeout: 20_000 });
  return page;
}

/** The views the navigation offers, plus the sign-in page (reachable by its route). */
export async function viewIds(page: Page): Promise<string[]> {
  const links = page.locator('nav.views a[data-view]');
  const ids: string[] = [];
  for (let n = 0; n < (await links.count()); n++) ids.push((await links.nth(n).getAttribute('data-view')) ?? '');
  return [...ids, 'sign-in'];
}

/** Shows a view and waits until it is mounted and its first answers are drawn. */
export async function showView(page: Page, id: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(`#/${id}`)}`);
  await page.locator(`main section.view[data-view="${id}"]`).waitFor({ timeout: 10_000 });
  await page.waitForTimeout(250);
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
