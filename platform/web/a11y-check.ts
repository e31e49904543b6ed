/**
 * axe-core (WCAG 2.0-2.2 A and AA rules) on every view, on a desktop and a phone viewport, in English and Arabic
 * (right to left): no serious or critical violation. The counts per view are printed for the README.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { peerSkipReason } from '../testing/peers.ts';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { CHROMIUM } from './browser.ts';
import { openApp, sharedViewWalk, showView, WALK_TIMEOUT_MS, viewIds } from './view-walk.ts';

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
 * Defines one test per setup, all sharing one platform and one Chromium, with a subtest per view the navigation offers
 * (and the sign-in page): no serious or critical violation.
 */
export function checkAccessibility(setups: readonly Setup[]): void {
  describe('accessibility (axe-core, WCAG 2.0-2.2 A and AA)', { skip: skip ?? false }, () => {
    const walk = sharedViewWalk('a11y');
    for (const { name, ...options } of setups)
      it(`${name}: no serious or critical violation on any view`, { timeout: WALK_TIMEOUT_MS }, async (t) => {
        const { browser, platform, storageState } = walk();
        // axe is injected as a script: the test bypasses the page's CSP (the app itself never needs to).
        const page = await openApp(browser, platform, { ...options, storageState, bypassCSP: true });
        try {
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
          for (const id of await viewIds(page))
            await t.test(`${name} #/${id}`, async () => {
              await showView(page, id);
              const found = await violations(page);
              const bad = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
              const rest = found.length - bad.length;
              process.stdout.write(
                `# ${name} #/${id}: ${String(bad.length)} serious/critical, ${String(rest)} other\n`,
              );
              assert.deepEqual(
                bad.map(
                  (v) => `${v.id} (${String(v.impact)}) at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`,
                ),
                [],
              );
            });
        } finally {
          await page.context().close();
        }
      });
  });
}
