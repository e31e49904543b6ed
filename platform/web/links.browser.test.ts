/** Links from alert annotations become hrefs only for http(s): a `javascript:` runbook_url is not rendered as one. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { alertsService } from '../alerts/service.ts';
import { apiFetch } from '../testing/api-client.ts';
import { peerSkipReason } from '../testing/peers.ts';
import { startTestPlatform, TEST_ADMIN_PASSWORD } from '../testing/platform.ts';
import { CHROMIUM, launchChromium } from './browser.ts';
import { webAppService } from './service.ts';

const skip = peerSkipReason(CHROMIUM, 'chromium');
const dir = mkdtempSync(join(tmpdir(), 'web-links-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('alert links in the web app', { skip: skip ?? false }, () => {
  it('renders an https runbook as a link and a javascript: one as no link at all', async () => {
    const platform = await startTestPlatform(dir, [
      alertsService({ config: { route: { receiver: 'ops', group_wait: '0s' }, receivers: [{ name: 'ops' }] } }),
      webAppService(),
    ]);
    const browser = await launchChromium();
    try {
      const alert = (service: string, runbook: string) => ({
        labels: { alertname: 'LinkProbe', service, severity: 'critical' },
        annotations: { runbook_url: runbook },
      });
      const posted = await apiFetch(platform, '/api/alerts', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          source: 'test',
          alerts: [alert('evil', 'javascript:alert(document.domain)'), alert('good', 'https://runbooks.example/x')],
        }),
      });
      assert.equal(posted.status, 202);
      const page = await browser.newPage();
      // Incidents need a signed-in user: the page's context keeps the session cookie.
      const signedIn = await page.request.post(`${platform.url}/api/identity/session`, {
        data: { name: 'admin', password: TEST_ADMIN_PASSWORD },
      });
      assert.equal(signedIn.status(), 200);
      await page.goto(`${platform.url}/#/alerts`);
      await page.locator('article.incident', { hasText: 'service=good' }).first().waitFor({ timeout: 20_000 });
      await page.locator('article.incident', { hasText: 'service=evil' }).first().waitFor({ timeout: 20_000 });
      const links = page.locator('ul.alerts-labels a');
      const hrefs: (string | null)[] = [];
      for (let n = 0; n < (await links.count()); n++) hrefs.push(await links.nth(n).getAttribute('href'));
      assert.deepEqual(hrefs, ['https://runbooks.example/x']);
    } finally {
      await browser.close();
      await platform.stop();
    }
  });
});
