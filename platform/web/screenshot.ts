/**
 * Writes the README's screenshots: starts the platform (simulated market, history backfilled at first start) and
 * captures the markets view at desktop (1280x800) and phone (390x844) sizes, in English and in Arabic (right to
 * left), as small JPEGs in docs/ (screenshot-<size>-<language>.jpg).
 * Usage: node platform/web/screenshot.ts [--wait-ms=N] [--out=docs]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { projectRoot, startEntrypoint, waitForOutput } from '../testing/process.ts';
import { freePort } from '../testing/peers.ts';
import { CHROMIUM, launchChromium } from './browser.ts';

const args = z
  .object({
    'wait-ms': z.coerce.number().int().min(0).max(600_000).default(5_000),
    out: z.string().default(join(projectRoot, 'docs')),
  })
  .parse(parseArgs({ options: { 'wait-ms': { type: 'string' }, out: { type: 'string' } } }).values);

const dataDir = mkdtempSync(join(tmpdir(), 'screenshot-'));
const server = startEntrypoint('platform/main.ts', {
  PORT: String(await freePort()),
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  MARKET_TICK_INTERVAL_MS: '100',
});
const browser = await launchChromium().catch((error: unknown) => {
  throw new Error(`cannot start ${CHROMIUM}: ${String(error)}`);
});
try {
  const [, url] = await waitForOutput(server, /InsiteChart is up at (http:\/\/[\d.]+:\d+)\//, 90_000);
  mkdirSync(args.out, { recursive: true });
  for (const [size, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    for (const locale of ['en', 'ar']) {
      const name = `${size}-${locale}`;
      const page = await browser.newPage({ viewport, locale, isMobile: size === 'phone', hasTouch: size === 'phone' });
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning')
          process.stderr.write(`[${name} console.${m.type()}] ${m.text()}\n`);
      });
      page.on('pageerror', (e) => {
        process.stderr.write(`[${name} uncaught] ${e.message}\n`);
      });
      await page.goto(`${String(url)}/#/markets?s=AAPL&i=5m`);
      await page.locator('.connection[data-state="connected"]').waitFor({ timeout: 15_000 });
      await page.waitForTimeout(args['wait-ms']);
      const file = join(args.out, `screenshot-${name}.jpg`);
      await page.screenshot({ path: file, type: 'jpeg', quality: 70 });
      process.stdout.write(`${file}\n`);
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.child.kill('SIGTERM');
  await server.exited;
  rmSync(dataDir, { recursive: true, force: true });
}
