import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { fromDetection } from '../alerts/ingest/detections.ts';
import { PlatformControls } from '../runtime/controls.ts';
import { RuntimeSettings } from '../runtime/runtime-settings.ts';
import { apiFetch } from '../testing/api-client.ts';
import { everyService } from '../testing/every-service.ts';
import { peerSkipReason } from '../testing/peers.ts';
import { NO_HISTORY, startTestPlatform } from '../testing/platform.ts';
import { createPerson, publishDetection, stalledFeedDetection } from '../../detectors/remediation/testing.ts';
import { CHROMIUM, launchChromium } from './browser.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');
const dataDir = mkdtempSync(join(tmpdir(), 'incident-page-'));
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(page: Page, url: string, name: string, password: string): Promise<void> {
  await page.goto(`${url}/#/sign-in`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('.user-menu .user-name', { hasText: name }).waitFor({ timeout: 15_000 });
}

describe('the incident page in headless Chromium', { skip: skip ?? false }, () => {
  it('a stalled feed becomes an incident whose restart waits for approval; an sre approves it and the timeline shows action, verification and recovery', async () => {
    process.env.REMEDIATION_VERIFY_INTERVAL_MS = '500';
    process.env.REMEDIATION_WARMUP_MS = '0';
    const controls = new PlatformControls(new RuntimeSettings());
    const [platform, browser] = await Promise.all([
      startTestPlatform(dataDir, everyService(controls), {}, 0, NO_HISTORY),
      launchChromium(),
    ]);
    const errors: string[] = [];
    try {
      const feed = controls.feeds.get('market-feed');
      assert.ok(feed);
      // The fault: the feed stops producing. Its detection is published as the detector tier would publish it.
      await feed.pause();
      const detection = stalledFeedDetection();
      await publishDetection(platform.bus, detection);
      const fingerprint = fromDetection({ ...detection, related: [] }).fingerprint;
      let incidentId: string | undefined;
      for (let i = 0; i < 100 && incidentId === undefined; i++) {
        const list = (await (await apiFetch(platform, '/api/incidents?status=open')).json()) as {
          incidents: { id: string; alerts: { fingerprint: string }[] }[];
        };
        incidentId = list.incidents.find((x) => x.alerts.some((a) => a.fingerprint === fingerprint))?.id;
        if (incidentId === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(incidentId, 'the detection became an incident');
      await createPerson(platform, 'sam', 'sre', 'sam-the-sre-password');

      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error' && !/status of (422|401)/.test(message.text())) errors.push(message.text());
      });
      page.on('pageerror', (error) => {
        errors.push(`uncaught: ${error.message}`);
      });
      const incidentUrl = `${platform.url}/#/incidents/${encodeURIComponent(incidentId)}`;

      assert.equal(feed.state().paused, true, 'nothing was done without approval');

      await signIn(page, platform.url, 'sam', 'sam-the-sre-password');
      await page.goto(incidentUrl);
      const pending = page.locator('.pending-action', { hasText: 'restart market-feed' });
      await pending.locator('button[data-decision="approve"]').click();
      const timeline = page.locator('.incident-timeline');
      for (const kind of ['alert', 'planned', 'pending_approval', 'approved', 'applied', 'verified'])
        await timeline.locator(`li[data-kind="${kind}"]`).first().waitFor({ timeout: 30_000 });
      assert.match((await timeline.locator('li[data-kind="approved"]').textContent()) ?? '', /user:sam/);
      assert.match(
        (await timeline.locator('li[data-kind="verified"]').textContent()) ?? '',
        /Verified: the signal recovered.*after [\d.]+ s/s,
      );
      await page.locator('.incident-pending .empty').waitFor({ timeout: 10_000 });
      assert.equal(feed.state().paused, false, 'the feed runs again');
      assert.deepEqual(errors, [], 'no console errors on the incident page');
    } finally {
      await browser.close();
      await platform.stop();
    }
  });
});
