/**
 * Investigation probe (not a bench): the page's first load in Chromium for this checkout's web client and another's
 * (e.g. main's), alternating, each in a fresh context (empty cache): the JS and CSS bytes fetched before the first
 * render, when the script ran (mark `insitechart:script`: every module of the first load fetched, parsed and the
 * imports evaluated) and rendered (`insitechart:rendered`) after the last of those scripts arrived, and the main
 * thread's script time until then (CDP `Performance.getMetrics`: ScriptDuration). Each build is served from memory
 * by a bare loopback server (who-am-I answered anonymous with public market data; no stream, no service worker), so
 * the figures are the page's own, not the platform's.
 * Run: `nice -n 10 npx node platform/web/build-probe.ts OTHER_CHECKOUT [rounds] [languages: en,ar] [cpu slowdown]`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';
import type { Asset, BuiltApp } from './build.ts';
import { anonymous } from './client/me.ts';

interface Variant {
  readonly name: string;
  readonly url: string;
  readonly server: Server;
}

interface Round {
  readonly variant: string;
  readonly language: string;
  readonly files: number;
  readonly bytes: number;
  readonly scriptAfterJsMs: number;
  readonly renderedMs: number;
  readonly scriptDurationMs: number;
  readonly navText: string;
  readonly load: number;
}

async function serve(name: string, checkout: string): Promise<Variant> {
  const { buildClient } = (await import(resolve(checkout, 'platform/web/build.ts'))) as {
    buildClient: () => Promise<BuiltApp>;
  };
  const built = await buildClient();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://probe').pathname;
    if (path === '/api/identity/me') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(anonymous));
      return;
    }
    const found: Asset | undefined = path === '/sw.js' ? undefined : built.assets.get(path);
    if (found === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': found.contentType, 'content-encoding': 'br' }).end(found.brotli);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { name, url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/`, server };
}

async function round(browser: Browser, variant: Variant, language: string, slowdown: number): Promise<Round> {
  const context = await browser.newContext({ locale: language, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    if (slowdown > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: slowdown });
    await page.goto(variant.url);
    await page.waitForFunction(() => performance.getEntriesByName('insitechart:rendered').length > 0, undefined, {
      timeout: 60_000,
    });
    const metrics = await cdp.send('Performance.getMetrics');
    const scriptDuration = metrics.metrics.find((m) => m.name === 'ScriptDuration')?.value ?? Number.NaN;
    // Runs in the page (a string: this module is type-checked without the DOM lib).
    const timing = pageTiming(
      await page.evaluate(`(() => {
        const mark = (name) => performance.getEntriesByName('insitechart:' + name)[0]?.startTime ?? NaN;
        const rendered = mark('rendered');
        const code = performance
          .getEntriesByType('resource')
          .filter((e) => /[.](js|css)$/.test(e.name) && e.responseEnd <= rendered);
        const js = code.filter((e) => e.name.endsWith('.js') && e.responseEnd <= mark('script'));
        return {
          files: code.length,
          bytes: code.reduce((sum, e) => sum + e.encodedBodySize, 0),
          jsIn: Math.max(...js.map((e) => e.responseEnd)),
          script: mark('script'),
          rendered,
          navText: document.querySelector('nav.views a')?.textContent ?? '',
        };
      })()`),
    );
    return {
      variant: variant.name,
      language,
      files: timing.files,
      bytes: timing.bytes,
      scriptAfterJsMs: Math.round(timing.script - timing.jsIn),
      renderedMs: Math.round(timing.rendered),
      scriptDurationMs: Math.round(scriptDuration * 1000),
      navText: timing.navText,
      load: Number((loadavg()[0] ?? 0).toFixed(1)),
    };
  } finally {
    await context.close();
  }
}

interface PageTiming {
  readonly files: number;
  readonly bytes: number;
  readonly jsIn: number;
  readonly script: number;
  readonly rendered: number;
  readonly navText: string;
}

function pageTiming(value: unknown): PageTiming {
  const v = value as Partial<Record<keyof PageTiming, unknown>>;
  const numbers = [v.files, v.bytes, v.jsIn, v.script, v.rendered];
  if (!numbers.every((n) => typeof n === 'number') || typeof v.navText !== 'string')
    throw new Error(`the page's timing is not what was asked: ${JSON.stringify(value)}`);
  return value as PageTiming;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const [other, roundsArg = '5', languagesArg = 'en,ar', slowdownArg = '1'] = process.argv.slice(2);
if (other === undefined) throw new Error('usage: build-probe.ts OTHER_CHECKOUT [rounds] [languages] [cpu slowdown]');
const variants = [await serve('other', other), await serve('this', resolve(import.meta.dirname, '../..'))];
const browser = await launchChromium();
const rounds: Round[] = [];
try {
  for (let i = 0; i < Number(roundsArg); i++)
    for (const language of languagesArg.split(','))
      for (const variant of i % 2 === 0 ? variants : [...variants].reverse()) {
        const r = await round(browser, variant, language, Number(slowdownArg));
        rounds.push(r);
        process.stdout.write(`${JSON.stringify(r)}\n`);
      }
} finally {
  await browser.close();
  for (const v of variants) v.server.close();
}
const summary: Record<string, Record<string, number>> = {};
for (const variant of variants)
  for (const language of languagesArg.split(',')) {
    const mine = rounds.filter((r) => r.variant === variant.name && r.language === language);
    summary[`${variant.name}:${language}`] = {
      bytes: median(mine.map((r) => r.bytes)),
      scriptAfterJsMs: median(mine.map((r) => r.scriptAfterJsMs)),
      renderedMs: median(mine.map((r) => r.renderedMs)),
      scriptDurationMs: median(mine.map((r) => r.scriptDurationMs)),
    };
  }
process.stdout.write(`${JSON.stringify({ slowdown: Number(slowdownArg), medians: summary })}\n`);
