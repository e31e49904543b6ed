/**
 * A load process for the ws-fanout bench: holds many WebSocket clients, subscribes each to its symbols
 * and measures, per tick of the measured window, whether it arrived and how late (client clock minus the
 * tick's scheduled time). Driven by its parent over IPC.
 */
import { WebSocket } from 'ws';
import { z } from 'zod';
import { MsHistogram } from './histogram.ts';
import { measureProcessUse } from './process-use.ts';

const counters = z.record(z.string(), z.number());
const command = z.discriminatedUnion('cmd', [
  z.object({
    cmd: z.literal('connect'),
    url: z.string(),
    mode: z.enum(['ours', 'bare']),
    subscriptions: z.array(z.array(z.string())),
  }),
  z.object({ cmd: z.literal('measure'), from: counters }),
  z.object({ cmd: z.literal('report'), to: counters }),
  z.object({ cmd: z.literal('exit') }),
]);

interface Client {
  readonly symbols: readonly string[];
  /** Number of the last tick seen per symbol. */
  readonly last: Map<string, number>;
  lastSeq: number;
}

const sockets: WebSocket[] = [];
const clients: Client[] = [];
let histogram = new MsHistogram();
let messages = 0;
let closed = 0;
let gaps = 0;
let coalesced = 0;
/** Window: ticks numbered in (from, to] per symbol; to is open (Infinity) until the report. */
let from = new Map<string, number>();
let measuring = false;
/** This process's CPU and event-loop use since the window started: is the client side keeping up? */
let use = measureProcessUse();

// Quotes (ours) and ticks (bare) both start with symbol and price; the tick number is in `size`.
const TICK = /"symbol":"([^"]+)","price":[^,]+,(?:"bid":[^,]+,)?(?:"ask":[^,]+,)?"size":(\d+),[^}]*?"ts":(\d+)/g;
const SEQ = /^\{"type":"(\w+)","seq":(\d+)/;

/**
 * Reads ticks with a regex rather than JSON.parse: on a shared machine the load processes are the
 * bottleneck, and both servers' messages are read the same way.
 */
function onMessage(mode: 'ours' | 'bare', client: Client, data: Buffer): void {
  const now = Date.now();
  const text = data.toString();
  let isCoalesced = false;
  if (mode === 'ours') {
    const head = SEQ.exec(text);
    if (head === null) return;
    const seq = Number(head[2]);
    if (client.lastSeq !== 0 && seq !== client.lastSeq + 1) gaps += 1;
    client.lastSeq = seq;
    if (head[1] !== 'update') return;
    isCoalesced = text.includes('"coalesced":true');
  }
  if (measuring) messages += 1;
  for (const match of text.matchAll(TICK)) {
    const symbol = match[1] ?? '';
    const n = Number(match[2]);
    const previous = client.last.get(symbol) ?? 0;
    if (n <= previous) continue;
    client.last.set(symbol, n);
    const start = from.get(symbol);
    if (!measuring || start === undefined || n <= start) continue;
    histogram.add(now - Number(match[3]));
    // Ticks skipped in a coalesced update were superseded by this one (never delivered, by design).
    if (isCoalesced) coalesced += n - Math.max(previous, start) - 1;
  }
}

async function connect(url: string, mode: 'ours' | 'bare', subscriptions: string[][]): Promise<number> {
  let failed = 0;
  const WAVE = 100;
  for (let i = 0; i < subscriptions.length; i += WAVE) {
    await Promise.all(
      subscriptions.slice(i, i + WAVE).map(
        (symbols) =>
          new Promise<void>((resolve) => {
            const socket = new WebSocket(url, { perMessageDeflate: false });
            const client: Client = { symbols, last: new Map(), lastSeq: 0 };
            let welcomed = false;
            socket.on('message', (data: Buffer) => {
              if (mode === 'ours' && !welcomed) {
                welcomed = true;
                resolve();
              }
              onMessage(mode, client, data);
            });
            socket.on('close', () => {
              closed += 1;
              // Closed before the welcome (refused by the server): counted as failed, the wave goes on.
              if (mode === 'ours' && !welcomed) {
                welcomed = true;
                failed += 1;
                resolve();
              }
            });
            socket.once('error', () => {
              if (welcomed) return;
              welcomed = true; // its 'close' follows: counted once
              failed += 1;
              resolve();
            });
            socket.once('open', () => {
              sockets.push(socket);
              clients.push(client);
              socket.send(JSON.stringify(mode === 'ours' ? { type: 'subscribe', symbols } : { subscribe: symbols }));
              if (mode === 'bare') resolve();
            });
          }),
      ),
    );
  }
  return failed;
}

/** Ticks of the window the clients should have got (each subscribed symbol's ticks in the window). */
function expected(to: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const client of clients)
    for (const symbol of client.symbols) total += Math.max(0, (to[symbol] ?? 0) - (from.get(symbol) ?? 0));
  return total;
}

process.on('message', (raw: unknown) => {
  const message = command.parse(raw);
  switch (message.cmd) {
    case 'connect':
      void connect(message.url, message.mode, message.subscriptions).then((failed) => {
        closed = 0;
        process.send?.({ ev: 'ready', connected: sockets.length, failed });
      });
      return;
    case 'measure':
      histogram = new MsHistogram();
      messages = 0;
      gaps = 0;
      coalesced = 0;
      from = new Map(Object.entries(message.from));
      use = measureProcessUse();
      measuring = true;
      return;
    case 'report': {
      measuring = false;
      // Ticks numbered past the window's end that arrived are not in the histogram already: only (from, to].
      const want = expected(message.to);
      process.send?.({
        ev: 'report',
        pairs: histogram.pairs(),
        messages,
        closed,
        gaps,
        expected: want,
        coalesced,
        ...use(),
      });
      return;
    }
    case 'exit':
      for (const s of sockets) s.terminate();
      process.disconnect();
      return;
  }
});
