/**
 * OpenID Connect sign-in in headless Chromium against a real OpenID provider (oidc-provider) on loopback: the
 * browser follows the app's button to the provider, fills in its login page, consents, and lands signed in; a
 * callback whose state the app did not issue (forged, or the provider's real answer replayed) leaves the browser
 * signed out, on the sign-in page, with a notice.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TestOidcProvider } from '../testing/openid-provider.ts';
import { peerSkipReason } from '../testing/peers.ts';
import { NO_HISTORY, startTestPlatform, type TestPlatform } from '../testing/platform.ts';
import { CHROMIUM, launchChromium } from '../web/browser.ts';
import { signInTestServices } from './browser-testing.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');

/** Opens the sign-in page, follows "Sign in with your organisation" and signs in at the provider as `login`. */
async function throughProvider(page: Page, app: string, issuer: string, login: string): Promise<void> {
  await page.goto(`${app}/#/sign-in`);
  await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password: the provider is in development mode');
  await page.locator('button[type="submit"]').click();
  // The provider asks for consent to share the claims with the app.
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function whoAmI(page: Page, app: string): Promise<string> {
  const me = (await (await page.request.get(`${app}/api/identity/me`)).json()) as { actor?: string };
  return me.actor ?? '';
}

describe('OpenID Connect sign-in in headless Chromium (oidc-provider on loopback)', { skip: skip ?? false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-browser-'));
  let idp: TestOidcProvider;
  let platform: TestPlatform;
  let browser: Browser;
  /** The provider's real answer (code and state) from the first sign-in, as it came back to the app. */
  let answered: string | undefined;

  before(async () => {
    idp = await TestOidcProvider.listen();
    [platform, browser] = await Promise.all([
      startTestPlatform(dir, signInTestServices(), idp.env(), 0, NO_HISTORY),
      launchChromium(),
    ]);
    idp.serve(platform.url, { alice: ['ic-sre', 'staff'] });
  });
  after(async () => {
    await browser.close();
    await platform.stop();
    await idp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("signs in through the provider's login page and lands in the app signed in with the mapped role", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => {
      errors.push(error.message);
    });
    page.on('request', (request) => {
      if (request.url().startsWith(`${platform.url}/api/identity/oidc/callback?`)) answered = request.url();
    });
    await throughProvider(page, platform.url, idp.issuer, 'alice');
    await page.waitForURL((url) => url.origin === platform.url && url.hash.startsWith('#/'));
    const menu = page.locator('.user-menu');
    await menu.locator('.user-name', { hasText: 'alice' }).waitFor({ timeout: 15_000 });
    assert.match((await menu.locator('.user-role').textContent()) ?? '', /sre/, 'the role the groups claim maps to');
    assert.equal(await whoAmI(page, platform.url), 'user:alice');

    await menu.locator('.sign-out').click();
    await page.locator('.user-menu.sign-in-link').waitFor({ timeout: 15_000 });
    assert.notEqual(await whoAmI(page, platform.url), 'user:alice', 'signed out on the server too');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('refuses a callback whose state the app did not issue, or issued and used: signed out, told so', async () => {
    assert.ok(answered !== undefined, 'the first sign-in came back through the callback');
    const forged = new URL(answered);
    forged.searchParams.set('state', 'a-state-this-app-never-issued');
    for (const callback of [forged.href, answered]) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(callback);
      await page.waitForURL((url) => url.hash.startsWith('#/sign-in'));
      await page
        .locator('.sign-in-status', { hasText: 'Signing in with your organisation did not work' })
        .waitFor({ timeout: 15_000 });
      await page.locator('.user-menu.sign-in-link').waitFor();
      assert.equal(await whoAmI(page, platform.url), 'anonymous');
      const cookies = await context.cookies(platform.url);
      assert.deepEqual(
        cookies.filter((c) => c.name.includes('session')),
        [],
        'no session cookie was set',
      );
      await context.close();
    }
  });
});
