/**
 * Passkeys in headless Chromium with its virtual authenticator (CDP WebAuthn domain): a person signs in with their
 * password, adds a passkey, signs out, signs in with the passkey, acknowledges an incident in the alerts view and
 * signs out.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createPerson } from '../../detectors/remediation/testing.ts';
import { apiFetch } from '../testing/api-client.ts';
import { peerSkipReason } from '../testing/peers.ts';
import { NO_HISTORY, startTestPlatform } from '../testing/platform.ts';
import { atLocalhost } from '../testing/soft-authenticator.ts';
import { CHROMIUM, launchChromium } from '../web/browser.ts';
import { signInTestServices } from './browser-testing.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');
const dataDir = mkdtempSync(join(tmpdir(), 'passkey-browser-'));
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const NAME = 'olive';
const PASSWORD = 'olive-the-oncall-password';
const FINGERPRINT = 'passkey-browser-1';

/** What the alerts view shows of an incident: its status, from the API the view reads. */
interface Listed {
  id: string;
  status: string;
  acknowledgedBy: string | null;
  alerts: { fingerprint: string }[];
}

/** Waits for the header to show `name` signed in; a timeout names what the sign-in page's status said. */
async function signedInAs(page: Page, name: string): Promise<void> {
  await page
    .locator('.user-menu .user-name', { hasText: name })
    .waitFor({ timeout: 15_000 })
    .catch(async (error: unknown) => {
      const status = await page
        .locator('.sign-in-status')
        .textContent({ timeout: 1_000 })
        .catch(() => null);
      throw new Error(`not signed in as ${name}; the status says "${status ?? ''}"`, { cause: error });
    });
}

/** Waits for the sign-in page's status line to say `text`; a timeout names what it said instead. */
async function statusSays(page: Page, text: string): Promise<void> {
  const status = page.locator('.sign-in-status');
  await status
    .filter({ hasText: text })
    .waitFor({ timeout: 15_000 })
    .catch(async (error: unknown) => {
      throw new Error(`the status says "${(await status.textContent()) ?? ''}"`, { cause: error });
    });
}

async function signOut(page: Page): Promise<void> {
  await page.locator('.user-menu .sign-out').click();
  await page.locator('.user-menu.sign-in-link').waitFor({ timeout: 15_000 });
}

describe('passkeys in headless Chromium (virtual authenticator)', { skip: skip ?? false }, () => {
  it('password, then a passkey added, sign-out, sign-in with the passkey, an incident acknowledged, sign-out', async () => {
    const [platform, browser] = await Promise.all([
      startTestPlatform(dataDir, signInTestServices(), {}, 0, NO_HISTORY),
      launchChromium(),
    ]);
    const errors: string[] = [];
    try {
      await createPerson(platform, NAME, 'oncall', PASSWORD);
      // An operational alert as the ingest routes publish it.
      await platform.bus.publish('alerts.ops', {
        key: FINGERPRINT,
        data: {
          fingerprint: FINGERPRINT,
          status: 'firing',
          labels: { alertname: 'QuoteFeedStale', service: 'market-feed', severity: 'critical' },
          annotations: { summary: 'quotes stopped' },
          startsAt: new Date(Date.now() - 60_000).toISOString(),
          source: 'passkey-browser-test',
        },
      });
      const incidentId = await waitForIncident(platform, FINGERPRINT);

      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error' && !/status of 401/.test(message.text())) errors.push(message.text());
      });
      page.on('pageerror', (error) => {
        errors.push(`uncaught: ${error.message}`);
      });
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
      const url = atLocalhost(platform.url);

      // 1. Password.
      await page.goto(`${url}/#/sign-in`);
      await page.getByLabel('Name', { exact: true }).fill(NAME);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await signedInAs(page, NAME);

      // 2. A passkey on this device, held by the virtual authenticator.
      await page.goto(`${url}/#/sign-in`);
      await page.getByRole('button', { name: 'Add a passkey on this device' }).click();
      await statusSays(page, 'Passkey added');
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      assert.equal(credentials.length, 1, 'the authenticator holds one credential');
      assert.equal(credentials[0]?.isResidentCredential, true, 'a discoverable credential (a passkey)');

      // 3. Signed out, then back in with the passkey alone.
      await signOut(page);
      await page.goto(`${url}/#/sign-in`);
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await signedInAs(page, NAME);
      const after1 = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      assert.ok((after1.credentials[0]?.signCount ?? 0) >= 1, 'the authenticator signed');

      // 4. Acting as that person in the alerts view.
      await page.goto(`${url}/#/alerts`);
      const card = page.locator(`article.incident[data-incident="${incidentId}"]`);
      await card.locator('button[data-action="acknowledge"]').click();
      await page
        .locator(`article.incident[data-incident="${incidentId}"][data-status="acknowledged"]`)
        .waitFor({ timeout: 15_000 });
      const incident = await incidentById(platform, incidentId);
      assert.equal(incident?.status, 'acknowledged');
      assert.equal(incident.acknowledgedBy, `user:${NAME}`, 'acknowledged as the passkey user');

      // 5. Signed out: the session is gone on the server too.
      await signOut(page);
      const me = (await (await page.request.get(`${url}/api/identity/me`)).json()) as { kind?: string; actor?: string };
      assert.notEqual(me.actor, `user:${NAME}`);
      assert.deepEqual(errors, [], 'no console errors');
    } finally {
      await browser.close();
      await platform.stop();
    }
  });
});

async function incidentById(platform: Parameters<typeof apiFetch>[0], id: string): Promise<Listed | undefined> {
  for (const status of ['open', 'resolved']) {
    const res = await apiFetch(platform, `/api/incidents?status=${status}`, { as: 'oncall' });
    const found = ((await res.json()) as { incidents: Listed[] }).incidents.find((i) => i.id === id);
    if (found !== undefined) return found;
  }
  return undefined;
}

async function waitForIncident(platform: Parameters<typeof apiFetch>[0], fingerprint: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const res = await apiFetch(platform, '/api/incidents?status=open', { as: 'oncall' });
    const found = ((await res.json()) as { incidents: Listed[] }).incidents.find((x) =>
      x.alerts.some((a) => a.fingerprint === fingerprint),
    );
    if (found !== undefined) return found.id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no incident for ${fingerprint}`);
}
