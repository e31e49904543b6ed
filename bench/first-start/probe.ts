/**
 * Investigation probe (not a bench): one first start with the markets chart opened, recording where the time goes.
 * Chromium's side from CDP (every request and WebSocket frame with its time), the page's navigation timing, and the
 * server's side (each HTTP request's time from arrival to finish). Times in ms after the platform is up.
 * Run: `nice -n 10 node_modules/.bin/node bench/first-start/probe.ts [--restart]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceMapConsumer, type RawSourceMap } from 'source-map';
import { launchChromium } from '../../platform/web/browser.ts';
import { fillEveryInterval, newTab, openChart, startMarkets } from '../../platform/web/first-start-walk.ts';

const dir = mkdtempSync(join(tmpdir(), 'probe-first-start-'));
const events: { at: number; what: string }[] = [];
let up = 0;
const note = (at: number, what: string) => {
  events.push({ at: Math.round(at - up), what });
};
const browser = await launchChromium();
try {
  if (process.argv.includes('--restart')) {
    const warm = await startMarkets(dir);
    await new Promise((r) => setTimeout(r, 8000));
    await warm.stop();
  }
  const tab = await newTab(browser);
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send('Network.enable');
  // CDP timestamps are monotonic seconds; requestWillBeSent's wallTime ties them to the epoch.
  let offset: number | undefined;
  const wall = (ts: number) => (offset === undefined ? Number.NaN : ts * 1000 + offset);
  const names = new Map<string, string>();
  cdp.on('Network.requestWillBeSent', (e) => {
    offset ??= e.wallTime * 1000 - e.timestamp * 1000;
    names.set(e.requestId, e.request.url.replace(/^https?:\/\/[^/]+/, ''));
    note(wall(e.timestamp), `-> ${e.request.method} ${names.get(e.requestId) ?? ''}`);
  });
  cdp.on('Network.responseReceived', (e) => {
    note(
      wall(e.timestamp),
      `<- ${String(e.response.status)} ${names.get(e.requestId) ?? ''} (${e.response.fromServiceWorker ? 'sw' : 'net'})`,
    );
  });
  cdp.on('Network.loadingFinished', (e) => {
    note(wall(e.timestamp), `done ${names.get(e.requestId) ?? ''} ${String(e.encodedDataLength)} B`);
  });
  cdp.on('Network.webSocketCreated', () => {
    note(Date.now(), 'ws created (event arrival)');
  });
  cdp.on('Network.webSocketHandshakeResponseReceived', (e) => {
    note(wall(e.timestamp), 'ws handshake done');
  });
  cdp.on('Network.webSocketFrameSent', (e) => {
    note(wall(e.timestamp), `ws >> ${e.response.payloadData.slice(0, 80)}`);
  });
  cdp.on('Network.webSocketFrameReceived', (e) => {
    const d = e.response.payloadData;
    note(wall(e.timestamp), `ws << ${String(d.length)} B ${d.slice(0, 60)}`);
  });
  const started = performance.now();
  const platform = await startMarkets(dir);
  up = Date.now();
  let tickAt = Date.now();
  let cpuAt = process.cpuUsage();
  const lag = setInterval(() => {
    const now = Date.now();
    const cpu = process.cpuUsage(cpuAt);
    if (now - tickAt > 60)
      note(
        now,
        `node event loop blocked ~${String(now - tickAt - 10)} ms (process cpu ${String(Math.round((cpu.user + cpu.system) / 1000))} ms)`,
      );
    tickAt = now;
    cpuAt = process.cpuUsage();
  }, 10);
  process.stderr.write(`platform up in ${String(Math.round(performance.now() - started))} ms\n`);
  platform.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const arrived = Date.now();
    res.on('finish', () => {
      note(
        Date.now(),
        `server finished ${req.url ?? ''} in ${String(Date.now() - arrived)} ms (arrived ${String(arrived - up)})`,
      );
    });
  });
  platform.server.prependListener('upgrade', (req: IncomingMessage, socket: Duplex) => {
    note(Date.now(), `server upgrade ${req.url ?? ''}`);
    socket.on('data', (chunk: Buffer) => {
      note(Date.now(), `server ws data in ${String(chunk.length)} B`);
    });
    const write = socket.write.bind(socket) as (...a: unknown[]) => boolean;
    (socket as unknown as { write: (...a: unknown[]) => boolean }).write = (...a: unknown[]) => {
      const first = a[0] as Buffer | string;
      note(Date.now(), `server ws write ${String(first.length)} B`);
      return write(...a);
    };
  });
  const profile = process.argv.includes('--profile');
  if (profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    await cdp.send('Profiler.start');
  }
  const trace = process.argv.includes('--trace');
  if (trace)
    await browser.startTracing(tab, {
      categories: ['devtools.timeline', 'v8', 'disabled-by-default-devtools.timeline'],
    });
  const t0 = performance.now();
  const page = await openChart(tab, platform, '1s');
  if (trace) {
    const raw = JSON.parse((await browser.stopTracing()).toString()) as {
      traceEvents: {
        name: string;
        ph: string;
        ts: number;
        dur?: number;
        tid: number;
        pid: number;
        args?: { name?: string };
      }[];
    };
    const ev = raw.traceEvents;
    const mains = new Set(
      ev
        .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
        .map((e) => `${String(e.pid)}:${String(e.tid)}`),
    );
    process.stderr.write(`renderer main threads ${String(mains.size)}\n`);
    const mine = ev.filter(
      (e) => mains.has(`${String(e.pid)}:${String(e.tid)}`) && e.ph === 'X' && e.dur !== undefined,
    );
    const fetchMark = ev.find((e) => e.name === 'ResourceSendRequest' || e.name === 'ParseHTML');
    const zero = fetchMark?.ts ?? 0;
    // Top-level tasks and what they mostly were, in 250 ms windows since the page's first request.
    const tasks = mine.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
    const windows = new Map<number, number>();
    for (const t of tasks) {
      const w = Math.floor((t.ts - zero) / 250000);
      windows.set(w, (windows.get(w) ?? 0) + (t.dur ?? 0) / 1000);
    }
    process.stderr.write(
      `main thread busy per 250 ms window since the first request: ${[...windows]
        .sort((a, b) => a[0] - b[0])
        .map(([w, ms]) => `${String(w * 250)}:${ms.toFixed(0)}`)
        .join(' ')}\n`,
    );
    const byName = new Map<string, number>();
    for (const e of mine)
      if (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask')
        byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
    for (const [n, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25))
      process.stderr.write(`${ms.toFixed(0).padStart(7)} ${n}\n`);
  }
  if (profile) {
    const { profile: p } = await cdp.send('Profiler.stop');
    const self = new Map<string, number>();
    const script = p.nodes.find((n) => n.callFrame.url.includes('/assets/main-'))?.callFrame.url;
    const map =
      script === undefined
        ? undefined
        : new SourceMapConsumer((await (await fetch(`${script}.map`)).json()) as RawSourceMap);
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const dt = p.timeDeltas ?? [];
    (p.samples ?? []).forEach((id, i) => {
      const n = byId.get(id);
      if (n === undefined) return;
      const f = n.callFrame;
      const at =
        map !== undefined && f.url === script
          ? map.originalPositionFor({ line: f.lineNumber + 1, column: f.columnNumber })
          : undefined;
      const k = at?.source
        ? `${f.functionName || '(anon)'} ${at.source.replace(/^.*node_modules\//, '')}:${String(at.line)} ${at.name ?? ''}`
        : `${f.functionName || '(anon)'} ${f.url.replace(/^.*\//, '')}`;
      self.set(k, (self.get(k) ?? 0) + (dt[i + 1] ?? 0) / 1000);
    });
    // Inclusive time of what showApp calls (its direct and second-level callees).
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const label = (id: number): string => {
      const f = byId.get(id)?.callFrame;
      if (f === undefined) return '?';
      const at =
        map !== undefined && f.url === script
          ? map.originalPositionFor({ line: f.lineNumber + 1, column: f.columnNumber })
          : undefined;
      return `${f.functionName || '(anon)'} ${at?.source ? `${at.source.replace(/^.*node_modules\//, '')}:${String(at.line)} ${at.name ?? ''}` : ''}`;
    };
    const under = new Map<string, number>();
    let inApp = 0;
    (p.samples ?? []).forEach((id, i) => {
      const chain: number[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) chain.push(at);
      const k = chain.findIndex((x) => label(x).includes('main.ts:') && label(x).includes('showApp'));
      if (k < 0) return;
      inApp += (dt[i + 1] ?? 0) / 1000;
      const below =
        chain
          .slice(Math.max(0, k - 2), k)
          .reverse()
          .map(label)
          .join(' > ') || '(self)';
      under.set(below, (under.get(below) ?? 0) + (dt[i + 1] ?? 0) / 1000);
    });
    process.stderr.write(`showApp inclusive ${inApp.toFixed(0)} ms\n`);
    for (const [k, ms] of [...under].sort((a, b) => b[1] - a[1]).slice(0, 25))
      process.stderr.write(`${ms.toFixed(1).padStart(8)} ${k}\n`);
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    process.stderr.write(`profile ${total.toFixed(0)} ms sampled\n`);
    for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40))
      process.stderr.write(`${ms.toFixed(1).padStart(8)} ${k}\n`);
  }
  note(Date.now(), `playwright saw connected (${String(Math.round(performance.now() - t0))} ms)`);
  const full = await fillEveryInterval(page, t0);
  for (const f of full)
    events.push({ at: Math.round(f.seconds * 1000), what: `full ${f.interval} (${String(f.bars)})` });
  const nav = await page.evaluate<string>(
    `JSON.stringify({origin: performance.timeOrigin, nav: performance.getEntriesByType('navigation')[0], paint: performance.getEntriesByType('paint'), marks: performance.getEntriesByType('mark')})`,
  );
  const timing = JSON.parse(nav) as {
    origin: number;
    nav: Record<string, number>;
    paint: { name: string; startTime: number }[];
    marks: { name: string; startTime: number }[];
  };
  for (const k of ['fetchStart', 'responseEnd', 'domInteractive', 'domContentLoadedEventEnd', 'loadEventEnd'])
    events.push({ at: Math.round(timing.origin + (timing.nav[k] ?? Number.NaN) - up), what: `page ${k}` });
  events.push({ at: Math.round(timing.origin - up), what: 'page timeOrigin' });
  for (const p of [...timing.paint, ...timing.marks])
    events.push({ at: Math.round(timing.origin + p.startTime - up), what: `page ${p.name}` });
  clearInterval(lag);
  await platform.stop();
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
events.sort((a, b) => a.at - b.at);
// The page's first start in short, comparable between versions of the client (none of it needs the app's own marks).
const first = (pattern: RegExp): number | undefined => events.find((e) => pattern.test(e.what))?.at;
process.stdout.write(
  `${JSON.stringify({
    html: first(/^done \/ /),
    script: first(/^-> GET \/api\/identity\/me/),
    hello: first(/^ws >> \{"type":"hello"/),
    welcome: first(/^ws << \d+ B \{"type":"welcome"/),
    chartSnapshot: first(/^ws << \d{4,} B \{"type":"snapshot"/),
    connectedSeen: first(/^playwright saw connected/),
    full: events.filter((e) => e.what.startsWith('full ')).map((e) => e.at),
    load: loadavg()[0],
  })}\n`,
);
for (const e of events) process.stdout.write(`${String(e.at).padStart(6)} ${e.what}\n`);
process.stdout.write(
  `load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}\n`,
);
