/**
 * Investigation probe (not a bench, not a test): how soon an interval switch draws, from the page's own marks
 * (client/milestones.ts `insitechart-switch:asked|drawn|server`). Starts the markets platform in a temp directory (a
 * first start: the simulated feed's backfill), opens AAPL at 1m in Chromium, waits for a full chart, then clicks
 * through a fixed cycle of intervals `rounds` times; per switch: what drew first (`held`: the page's series of an
 * earlier showing; `derived`: made from a finer one; `server`: nothing held) and the times from the click to the
 * first bars drawn and to the server's snapshot (when the code before this change first drew).
 * Run: `nice -n 10 npx node platform/web/switch-probe.ts [rounds]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './browser.ts';
import { chartReaches, newTab, openChart, startMarkets } from './first-start-walk.ts';

const cycle = ['5m', '1m', '1s', '1m', '1h', '5m', '1d', '1m'] as const;
const rounds = Number(process.argv[2] ?? '3');

interface Switch {
  readonly to: string;
  readonly drawnMs: number;
  readonly serverMs: number;
}

const dir = mkdtempSync(join(tmpdir(), 'switch-probe-'));
const browser = await launchChromium();
const platform = await startMarkets(dir);
try {
  const page = await openChart(await newTab(browser), platform, '1m');
  await chartReaches(page, 'bars', 100, 60_000);
  const switches: Switch[] = [];
  for (let r = 0; r < rounds; r++)
    for (const to of cycle) {
      await page.locator(`.intervals button[data-interval="${to}"]`).click();
      // The server's snapshot ends a switch (polled: the CSP forbids waitForFunction's eval).
      for (let tries = 0; ; tries++) {
        const json = await page.evaluate<string>(`JSON.stringify(Object.fromEntries(['asked', 'drawn', 'server'].map(
          (s) => [s, performance.getEntriesByName('insitechart-switch:' + s).at(-1)?.startTime ?? -1])))`);
        const t = JSON.parse(json) as { asked: number; drawn: number; server: number };
        if (t.server > t.asked && t.drawn > t.asked) {
          switches.push({ to, drawnMs: t.drawn - t.asked, serverMs: t.server - t.asked });
          break;
        }
        if (tries > 400) throw new Error(`switch to ${to}: no snapshot within 20 s`);
        await page.waitForTimeout(50);
      }
    }
  const quantiles = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN);
    return `median ${String(at(0.5))} ms (${String(at(0))}-${String(at(1))}), n=${String(s.length)}`;
  };
  const early = switches.filter((s) => s.drawnMs < s.serverMs - 1);
  process.stdout.write(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n` +
      `drawn before the snapshot: ${String(early.length)} of ${String(switches.length)} switches\n` +
      `  click -> first bars drawn: ${quantiles(early.map((s) => s.drawnMs))}\n` +
      `  click -> server's snapshot (the old first draw), same switches: ${quantiles(early.map((s) => s.serverMs))}\n` +
      `  by target: ${[...new Set(early.map((s) => s.to))].join(', ')}\n` +
      `others (drawn at the snapshot): ${quantiles(switches.filter((s) => !early.includes(s)).map((s) => s.serverMs))}\n`,
  );
} finally {
  await browser.close();
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
}
