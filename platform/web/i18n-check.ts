/**
 * Every view in a language: no message key shown raw, the page's lang and direction set (RTL for ar, he). The
 * language comes from the browser's (a fresh context has no stored choice), as for a first visit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { peerSkipReason } from '../testing/peers.ts';
import { CHROMIUM } from './browser.ts';
import { directionOf, type Language } from './client/i18n/languages.ts';
import { openApp, rawKeys, sharedViewWalk, showView, WALK_TIMEOUT_MS, viewIds } from './view-walk.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');

/**
 * Defines one test per language, all sharing one platform and one Chromium, with a subtest per view: no raw message
 * key; the page's language and direction set; no uncaught error while its views are shown.
 */
export function checkLanguages(group: readonly Language[]): void {
  describe('the web app in every language', { skip: skip ?? false }, () => {
    const walk = sharedViewWalk('i18n');
    for (const language of group)
      it(
        `${language}: every view without a raw message key, with the language and direction set`,
        { timeout: WALK_TIMEOUT_MS },
        async (t) => {
          const { browser, platform, storageState } = walk();
          const started = Date.now();
          // The browser's language picks the app's (no stored choice in a fresh context).
          const page = await openApp(browser, platform, {
            storageState,
            locale: language,
            viewport: { width: 1280, height: 800 },
          });
          try {
            const uncaught: string[] = [];
            page.on('pageerror', (error) => uncaught.push(error.message));
            assert.equal(await page.getAttribute('html', 'lang'), language);
            assert.equal(await page.getAttribute('html', 'dir'), directionOf(language));
            const ids = await viewIds(page);
            assert.ok(ids.length >= 5, `${language}: views ${ids.join(', ')}`);
            for (const id of ids)
              await t.test(`${language} #/${id}`, async () => {
                await showView(page, id);
                assert.deepEqual(await rawKeys(page), []);
              });
            process.stdout.write(`# ${language}: ${String(ids.length)} views in ${String(Date.now() - started)} ms\n`);
            assert.deepEqual(uncaught, []);
          } finally {
            await page.context().close();
          }
        },
      );
  });
}
