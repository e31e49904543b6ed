import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { apiFetch } from '../../../../testing/api-client.ts';
import { everyService } from '../../../../testing/every-service.ts';
import { peerSkipReason } from '../../../../testing/peers.ts';
import { NO_HISTORY, startTestPlatform, TEST_ADMIN_PASSWORD } from '../../../../testing/platform.ts';
import { CHROMIUM, launchChromium } from '../../../browser.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');
const dataDir = mkdtempSync(join(tmpdir(), 'web-ops-'));
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the ops view in headless Chromium', { skip: skip ?? false }, () => {
  it('is for operators; shows an injected fault, the degraded service, its incident and detectors warming up', async () => {
    const platform = await startTestPlatform(dataDir, everyService(), {}, 0, NO_HISTORY);
    const browser = await launchChromium();
    const errors: string[] = [];
    let traffic: NodeJS.Timeout | undefined;
    try {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      page.on('pageerror', (error) => {
        errors.push(`uncaught: ${error.message}`);
      });
      await page.goto(`${platform.url}/#/ops`);
      await page.locator('.ops-role a[href="#/sign-in"]').waitFor({ timeout: 15_000 });

      await page.goto(`${platform.url}/#/sign-in`);
      await page.getByLabel('Name', { exact: true }).fill('admin');
      await page.getByLabel('Password', { exact: true }).fill(TEST_ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.locator('.user-menu .user-name', { hasText: 'admin' }).waitFor({ timeout: 15_000 });
      await page.goto(`${platform.url}/#/ops`);
      await page
        .locator('.ops-health tr[data-service="market-data"][data-state="healthy"]')
        .waitFor({ timeout: 15_000 });
      // Right after start the learned baselines are still being collected: the view says which.
      await page.locator('[data-panel="warmup"] [data-warming="check:latency"]').waitFor({ timeout: 10_000 });

      const injected = await apiFetch(platform, '/api/faults', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'error-rate', service: 'market-data', intensity: 1, duration: '2m' }),
        as: 'sre',
      });
      assert.equal(injected.status, 201);
      traffic = setInterval(() => {
        void apiFetch(platform, '/api/quotes', { as: 'viewer' }).then(
          (r) => r.arrayBuffer(),
          () => undefined,
        );
      }, 100);
      await page.locator('[data-panel="faults"] li[data-fault="error-rate"]', { hasText: 'market-data' }).waitFor({
        timeout: 10_000,
      });
      await page
        .locator('.ops-health tr[data-service="market-data"][data-state="degraded"]')
        .waitFor({ timeout: 20_000 });
      // The fault's first incident: market-data's error ratio, or the API availability SLO burning from the same 5xx
      // (which one the correlator opens first depends on timing on a loaded machine).
      const incident = page
        .locator('[data-panel="incidents"] li[data-incident] a', { hasText: /market-data|api-availability/ })
        .first();
      await incident.waitFor({ timeout: 45_000 });
      assert.match((await incident.getAttribute('href')) ?? '', /^#\/incidents\/[^/]+$/);
      // Remediation approvals have their own panel: a list, or why it is unavailable.
      assert.ok(((await page.locator('[data-panel="remediations"]').textContent()) ?? '').length > 0);

      await apiFetch(platform, '/api/faults', { method: 'DELETE', as: 'sre' });
      await page.locator('[data-panel="faults"] .ops-empty').waitFor({ timeout: 10_000 });
      await page
        .locator('.ops-health tr[data-service="market-data"][data-state="healthy"]')
        .waitFor({ timeout: 20_000 });
      assert.deepEqual(errors, []);
    } finally {
      clearInterval(traffic);
      await browser.close();
      await platform.stop();
    }
  });
});
