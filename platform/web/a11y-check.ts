/**
 * axe-core (WCAG 2.0-2.2 A and AA rules) on every view, on a desktop and a phone viewport, in English and Arabic
 * (right to left): no serious or critical violation. The counts per view are printed for the README.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { peerSkipReason } from '../testing/peers.ts';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './browser.ts';
import { adminSession, openApp, showView, startViewsPlatform, viewIds } from './view-walk.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');
export const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface Violation {
  readonly id: string;
  readonly impact: string | null;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}

export interface Setup extends BrowserContextOptions {
  readonly name: string;
}
export const desktop = { viewport: { width: 1280, height: 800 } } as const;
export const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as const;

/** Runs axe-core's rules in the page; the page must have axe injected. */
export async function violations(page: Page): Promise<Violation[]> {
  const result: unknown = await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(tags)} } }).then((r) => r.violations)`,
  );
  return result as Violation[];
}

/**
 * Defines the test for some setups and half of the views (`half` 0: the 1st, 3rd... view the navigation offers; 1:
 * the others): the views are split over files to keep each short.
 */
export function checkAccessibility(setups: readonly Setup[], half: 0 | 1): void {
  const name = `${setups.map((s) => s.name).join(', ')}, views ${half === 0 ? '1, 3, 5...' : '2, 4, 6...'}`;
  describe(`accessibility: ${name}`, { skip: skip ?? false }, () => {
    it('axe-core finds no serious or critical violation', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'web-a11y-'));
      const platform = await startViewsPlatform(dir);
      const browser = await launchChromium();
      try {
        const storageState = await adminSession(browser, platform);
        const serious: string[] = [];
        for (const { name, ...options } of setups) {
          // axe is injected as a script: the test bypasses the page's CSP (the app itself never needs to).
          const page = await openApp(browser, platform, { ...options, storageState, bypassCSP: true });
          await page.addScriptTag({ path: axeSource });
          // axe itself is checked: an input without a label must be found.
          await page.evaluate(
            `document.body.append(Object.assign(document.createElement('input'), { id: 'axe-probe' }))`,
          );
          assert.ok(
            (await violations(page)).some((v) => v.id === 'label'),
            'axe finds an unlabelled input',
          );
          await page.evaluate(`document.getElementById('axe-probe').remove()`);
          for (const id of (await viewIds(page)).filter((_, n) => n % 2 === half)) {
            await showView(page, id);
            const found = await violations(page);
            const bad = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
            const rest = found.length - bad.length;
            process.stdout.write(`# ${name} #/${id}: ${String(bad.length)} serious/critical, ${String(rest)} other\n`);
            for (const v of bad)
              serious.push(
                `${name} #/${id}: ${v.id} (${String(v.impact)}) at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`,
              );
          }
          await page.context().close();
        }
        assert.deepEqual(serious, []);
      } finally {
        await browser.close();
        await platform.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
