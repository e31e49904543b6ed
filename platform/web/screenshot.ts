/**
 * Writes the README's screenshots: starts the platform (simulated market, history backfilled at first start) and,
 * signed in as the admin, captures the end user's views (markets, analytics, portfolio, price alerts) at desktop
 * (1280x800) and phone (390x844) sizes, in English and in Arabic (right to left), and the markets view in Hebrew on a
 * desktop, as small JPEGs in docs/: screenshot-<size>-<language>.jpg for the markets view,
 * screenshot-<view>-<size>-<language>.jpg for the others.
 * Usage: node platform/web/screenshot.ts [--wait-ms=N] [--out=docs]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { projectRoot, startEntrypoint, waitForOutput } from '../testing/process.ts';
import { freePort } from '../testing/peers.ts';
import { CHROMIUM, launchChromium } from './browser.ts';

/** The end user's views (operations views are for operators: not in the README's tour). */
const views = ['markets', 'analytics', 'portfolio', 'price-alerts'] as const;

const args = z
  .object({
    'wait-ms': z.coerce.number().int().min(0).max(600_000).default(5_000),
    out: z.string().default(join(projectRoot, 'docs')),
  })
  .parse(parseArgs({ options: { 'wait-ms': { type: 'string' }, out: { type: 'string' } } }).values);

const dataDir = mkdtempSync(join(tmpdir(), 'screenshot-'));
const password = randomBytes(18).toString('base64url');
const server = startEntrypoint('platform/main.ts', {
  PORT: String(await freePort()),
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  MARKET_TICK_INTERVAL_MS: '100',
  ADMIN_PASSWORD: password,
});
const browser = await launchChromium().catch((error: unknown) => {
  throw new Error(`cannot start ${CHROMIUM}: ${String(error)}`);
});
try {
  const [, url] = await waitForOutput(server, /InsiteChart is up at (http:\/\/[\d.]+:\d+)\//, 90_000);
  mkdirSync(args.out, { recursive: true });
  const signIn = await browser.newContext();
  // The admin account is created as the identity service starts: its first sign-in may come a little early.
  for (let attempt = 0; ; attempt++) {
    const signedIn = await signIn.request.post(`${String(url)}/api/identity/session`, {
      data: { name: 'admin', password },
    });
    if (signedIn.status() === 200) break;
    if (attempt >= 20) throw new Error(`sign-in answered ${String(signedIn.status())}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const storageState = await signIn.storageState();
  await signIn.close();
  const shots = [
    ...(['desktop', 'phone'] as const).flatMap((size) =>
      ['en', 'ar'].flatMap((locale) => views.map((view) => ({ view, size, locale }))),
    ),
    { view: 'markets', size: 'desktop', locale: 'he' } as const,
  ];
  for (const { view, size, locale } of shots) {
    const name = `${view === 'markets' ? '' : `${view}-`}${size}-${locale}`;
    const context = await browser.newContext({
      viewport: size === 'phone' ? { width: 390, height: 844 } : { width: 1280, height: 800 },
      locale,
      isMobile: size === 'phone',
      hasTouch: size === 'phone',
      storageState,
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        process.stderr.write(`[${name} console.${m.type()}] ${m.text()}\n`);
    });
    page.on('pageerror', (e) => {
      process.stderr.write(`[${name} uncaught] ${e.message}\n`);
    });
    await page.goto(`${String(url)}/#/${view === 'markets' ? 'markets?s=AAPL&i=5m' : view}`);
    await page.locator('.connection[data-state="connected"]').waitFor({ timeout: 15_000 });
    await page.locator(`main section.view[data-view="${view}"]`).waitFor({ timeout: 15_000 });
    await page.waitForTimeout(args['wait-ms']);
    const file = join(args.out, `screenshot-${name}.jpg`);
    await page.screenshot({ path: file, type: 'jpeg', quality: 70 });
    process.stdout.write(`${file}\n`);
    await context.close();
  }
} finally {
  await browser.close();
  server.child.kill('SIGTERM');
  await server.exited;
  rmSync(dataDir, { recursive: true, force: true });
}
