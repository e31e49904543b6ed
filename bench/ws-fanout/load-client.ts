/**
 * A load process for the ws-fanout bench: holds many WebSocket clients, subscribes each to its symbols
 * and measures tick-to-client latency from the tick's timestamp. Driven by its parent over IPC.
 */
import { WebSocket } from 'ws';
import { z } from 'zod';
import { MsHistogram } from './histogram.ts';

const command = z.discriminatedUnion('cmd', [
  z.object({ cmd: z.literal('connect'), url: z.string(), mode: z.enum(['ours', 'bare']), subscriptions: z.array(z.array(z.string())) }),
  z.object({ cmd: z.literal('measure') }),
  z.object({ cmd: z.literal('report') }),
  z.object({ cmd: z.literal('exit') }),
]);

type Tick = { ts: number };
const sockets: WebSocket[] = [];
let histogram = new MsHistogram();
let messages = 0;
let closed = 0;
let gaps = 0;
let measuring = false;

function onMessage(mode: 'ours' | 'bare', lastSeq: { n: number }, data: Buffer): void {
  const now = Date.now();
  const message = JSON.parse(data.toString()) as { type?: string; seq?: number; quotes?: Tick[] } | Tick[];
  if (Array.isArray(message)) {
    if (!measuring) return;
    messages += 1;
    for (const t of message) histogram.add(now - t.ts);
    return;
  }
  if (message.seq !== undefined) {
    if (lastSeq.n !== 0 && message.seq !== lastSeq.n + 1) gaps += 1;
    lastSeq.n = message.seq;
  }
  if (mode === 'ours' && message.type === 'update' && measuring) {
    messages += 1;
    for (const q of message.quotes ?? []) histogram.add(now - q.ts);
  }
}

async function connect(url: string, mode: 'ours' | 'bare', subscriptions: string[][]): Promise<number> {
  let failed = 0;
  const WAVE = 100;
  for (let i = 0; i < subscriptions.length; i += WAVE) {
    await Promise.all(subscriptions.slice(i, i + WAVE).map((symbols) => new Promise<void>((resolve) => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      const lastSeq = { n: 0 };
      socket.on('message', (data: Buffer) => {
        if (mode === 'ours' && lastSeq.n === 0) resolve();
        onMessage(mode, lastSeq, data);
      });
      socket.on('close', () => { closed += 1; });
      socket.once('error', () => { failed += 1; resolve(); });
      socket.once('open', () => {
        sockets.push(socket);
        socket.send(JSON.stringify(mode === 'ours' ? { type: 'subscribe', symbols } : { subscribe: symbols }));
        if (mode === 'bare') resolve();
      });
    })));
  }
  return failed;
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
      measuring = true;
      return;
    case 'report':
      measuring = false;
      process.send?.({ ev: 'report', pairs: histogram.pairs(), messages, closed, gaps });
      return;
    case 'exit':
      for (const s of sockets) s.terminate();
      process.disconnect();
      return;
  }
});
