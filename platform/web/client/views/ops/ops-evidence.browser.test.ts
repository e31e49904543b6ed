import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { apiFetch } from '../../../../testing/api-client.ts';
import { everyService } from '../../../../testing/every-service.ts';
import { peerSkipReason } from '../../../../testing/peers.ts';
import { NO_HISTORY, startTestPlatform } from '../../../../testing/platform.ts';
import { CHROMIUM, launchChromium } from '../../../browser.ts';
import { axeSource, violations } from '../../../a11y-check.ts';
import { adminSession } from '../../../view-walk.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');
const dataDir = mkdtempSync(join(tmpdir(), 'web-ops-evidence-'));
// The detector tier reads its sources every second here (10 s by default): the fed series is scored at once.
process.env.DETECTOR_POLL_INTERVAL_MS = '1000';
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const SEC = 1_000;
const BASELINE = 400;

/**
 * An OTLP gauge another service would send: a checkout error ratio steady around 1% for 400 s (past the detectors'
 * 300-point warm-up), then at 40% for the last 10 s. Timestamps end a few seconds ago.
 */
function checkoutErrors(now: number): Record<string, unknown> {
  const start = now - (BASELINE + 10) * SEC;
  const dataPoints = Array.from({ length: BASELINE + 10 }, (_, i) => ({
    asDouble: i < BASELINE ? 0.01 + 0.002 * Math.sin(i / 7) : 0.4,
    timeUnixNano: `${String(start + i * SEC)}000000`,
  }));
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeMetrics: [{ metrics: [{ name: 'checkout_error_ratio', gauge: { dataPoints } }] }],
      },
    ],
  };
}

describe('the ops view shows a detection with its evidence, in headless Chromium', { skip: skip ?? false }, () => {
  it('finds the detection of an injected anomaly with its band chart, SLO budgets, and a runbook that answers', async () => {
    const platform = await startTestPlatform(dataDir, everyService(), {}, 0, NO_HISTORY);
    const browser = await launchChromium();
    const errors: string[] = [];
    try {
      const fed = await apiFetch(platform, '/v1/metrics', {
        as: 'ingest',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(checkoutErrors(Date.now() - 3 * SEC)),
      });
      assert.equal(fed.status, 200, await fed.text());

      const storageState = await adminSession(browser, platform);
      const page =
        await // bypassCSP: axe-core is injected as an inline script (every other test runs the app under its CSP).
        (
          await browser.newContext({ viewport: { width: 1280, height: 1400 }, storageState, bypassCSP: true })
        ).newPage();
      page.on('pageerror', (error) => {
        errors.push(`uncaught: ${error.message}`);
      });
      await page.goto(`${platform.url}/#/ops`);

      // Every SLO is listed with its runbook; the detector tier's own SLOs with their budget once measured.
      await page.locator('[data-panel="slos"] tr[data-slo="api-availability"]').waitFor({ timeout: 15_000 });
      assert.ok((await page.locator('[data-panel="slos"] tr[data-slo]').count()) >= 6);
      // The SLOs the detector tier does not watch are measured here from the registry, with a time to exhaustion
      // once two readings are in (10 s apart): "not burning", when the budget runs out, or "exhausted" (a few slow
      // requests while the platform warms up can spend the small budget of the first minute on a loaded machine).
      const latency = page.locator('[data-panel="slos"] tr[data-slo="api-latency"][data-measured-by="embedded"]');
      const measured = latency.locator('td[data-exhaustion]:not([data-exhaustion="no-data"])');
      await measured.waitFor({ timeout: 40_000 });
      assert.match((await measured.textContent()) ?? '', /^(not burning|exhausted|in .+ \(\d+\.\d× over \d+[hd]\))$/);
      assert.match((await latency.locator('td[data-budget]').textContent()) ?? '', /%$/);
      for (const name of ['ws-delivery-latency', 'feed-freshness', 'alert-notification-latency'])
        assert.equal(
          await page.locator(`[data-panel="slos"] tr[data-slo="${name}"]`).getAttribute('data-measured-by'),
          'embedded',
          name,
        );

      const detection = page.locator('[data-panel="detections"] li[data-detection]', { hasText: 'checkout' }).first();
      await detection.waitFor({ timeout: 30_000 });
      const band = detection.locator('figure[data-band]');
      await band.waitFor({ timeout: 15_000 });
      assert.equal(await band.locator('svg[data-chart="band"] polygon.ops-band').count(), 1);
      assert.equal(await band.locator('svg[data-chart="band"] polyline.ops-line').count(), 1);
      // The evidence: the series left its expected band around the detection.
      assert.ok(Number(await band.getAttribute('data-outside')) >= 1, 'some point outside the band');
      assert.ok(Number(await band.getAttribute('data-points')) >= 20, 'the band spans the time around the detection');
      // A forecast against actual, or why there is none.
      await detection.locator('[data-forecast], [data-forecast-none]').first().waitFor({ timeout: 15_000 });

      // No serious or critical accessibility violation with the charts drawn (axe-core, WCAG A and AA).
      await page.addScriptTag({ path: axeSource });
      const serious = (await violations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(
        serious.map((v) => `${v.id} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`),
        [],
      );

      const runbook = detection.locator('a.ops-runbook');
      const href = (await runbook.getAttribute('href')) ?? '';
      assert.equal(href, '/runbooks/anomaly-detected.md');
      const [opened] = await Promise.all([page.context().waitForEvent('page'), runbook.click()]);
      await opened.waitForLoadState();
      // The runbook page itself, on the platform's own origin (not a fixed localhost:8080).
      assert.equal(new URL(opened.url()).origin, new URL(platform.url).origin);
      assert.equal(new URL(opened.url()).pathname, '/runbooks/anomaly-detected.md');
      assert.match((await opened.locator('body').textContent()) ?? '', /# Anomaly/);
      if (process.env.OPS_SCREENSHOTS !== undefined) {
        // README screenshots (docs/screenshot-ops-*.jpg): OPS_SCREENSHOTS=docs npx node --test this file.
        await page.bringToFront();
        await page.evaluate(() => {
          window.scrollTo(0, 0);
        });
        await page.screenshot({ path: join(process.env.OPS_SCREENSHOTS, 'screenshot-ops-slos.jpg'), quality: 80 });
        await page
          .locator('[data-panel="detections"]')
          .screenshot({ path: join(process.env.OPS_SCREENSHOTS, 'screenshot-ops-detection.jpg'), quality: 85 });
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await platform.stop();
    }
  });
});
