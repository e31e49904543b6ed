/**
 * Every view in a language: no message key shown raw, the page's lang and direction set (RTL for ar, he). The
 * language comes from the browser's (a fresh context has no stored choice), as for a first visit.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { peerSkipReason } from '../testing/peers.ts';
import { CHROMIUM, launchChromium } from './browser.ts';
import { directionOf, type Language } from './client/i18n/languages.ts';
import { adminSession, openApp, rawKeys, showView, startViewsPlatform, viewIds } from './view-walk.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');

/** Defines the test for some of the languages (the eleven are split over files to keep each short). */
export function checkLanguages(group: readonly Language[]): void {
  describe(`the web app in ${group.join(', ')}`, { skip: skip ?? false }, () => {
    it('renders every view without a raw message key, with the language and direction set', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'web-i18n-'));
      const platform = await startViewsPlatform(dir);
      const browser = await launchChromium();
      try {
        const problems: string[] = [];
        let checked = 0;
        const storageState = await adminSession(browser, platform);
        for (const language of group) {
          const started = Date.now();
          // The browser's language picks the app's (no stored choice in a fresh context).
          const page = await openApp(browser, platform, {
            storageState,
            locale: language,
            viewport: { width: 1280, height: 800 },
          });
          page.on('pageerror', (error) => problems.push(`${language}: uncaught ${error.message}`));
          assert.equal(await page.getAttribute('html', 'lang'), language);
          assert.equal(await page.getAttribute('html', 'dir'), directionOf(language));
          const ids = await viewIds(page);
          assert.ok(ids.length >= 5, `${language}: views ${ids.join(', ')}`);
          for (const id of ids) {
            await showView(page, id);
            for (const key of await rawKeys(page)) problems.push(`${language} #/${id}: ${key}`);
            checked += 1;
          }
          await page.context().close();
          process.stdout.write(`# ${language}: ${String(ids.length)} views in ${String(Date.now() - started)} ms\n`);
        }
        process.stdout.write(`# ${String(checked)} view renderings checked\n`);
        assert.deepEqual(problems, []);
      } finally {
        await browser.close();
        await platform.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
