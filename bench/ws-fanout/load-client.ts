/**
 * A load process for the ws-fanout bench: holds many WebSocket clients, subscribes each to its symbols
 * and measures tick-to-client latency from the tick's timestamp. Driven by its parent over IPC.
 */
import { WebSocket } from 'ws';
import { z } from 'zod';
import { MsHistogram } from './histogram.ts';

const command = z.discriminatedUnion('cmd', [
  z.object({
    cmd: z.literal('connect'),
    url: z.string(),
    mode: z.enum(['ours', 'bare']),
    subscriptions: z.array(z.array(z.string())),
  }),
  z.object({ cmd: z.literal('measure') }),
  z.object({ cmd: z.literal('report') }),
  z.object({ cmd: z.literal('exit') }),
]);

const sockets: WebSocket[] = [];
let histogram = new MsHistogram();
let messages = 0;
let closed = 0;
let gaps = 0;
let measuring = false;

const TS = /"ts":(\d+)/g;
const SEQ = /^\{"type":"(\w+)","seq":(\d+)/;

/**
 * Reads tick timestamps with a regex rather than JSON.parse: on a shared 2-core machine the load processes
 * are the bottleneck, and both servers' messages are read the same way (ours: quotes in an update carry
 * "ts", bars do not; the bare server sends an array of ticks).
 */
function onMessage(mode: 'ours' | 'bare', lastSeq: { n: number }, data: Buffer): void {
  const now = Date.now();
  const text = data.toString();
  if (mode === 'ours') {
    const head = SEQ.exec(text);
    if (head === null) return;
    const seq = Number(head[2]);
    if (lastSeq.n !== 0 && seq !== lastSeq.n + 1) gaps += 1;
    lastSeq.n = seq;
    if (head[1] !== 'update' || !measuring) return;
  } else if (!measuring) return;
  messages += 1;
  for (const match of text.matchAll(TS)) histogram.add(now - Number(match[1]));
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
            const lastSeq = { n: 0 };
            let welcomed = false;
            socket.on('message', (data: Buffer) => {
              if (mode === 'ours' && !welcomed) {
                welcomed = true;
                resolve();
              }
              onMessage(mode, lastSeq, data);
            });
            socket.on('close', () => {
              closed += 1;
            });
            socket.once('error', () => {
              failed += 1;
              resolve();
            });
            socket.once('open', () => {
              sockets.push(socket);
              socket.send(JSON.stringify(mode === 'ours' ? { type: 'subscribe', symbols } : { subscribe: symbols }));
              if (mode === 'bare') resolve();
            });
          }),
      ),
    );
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
