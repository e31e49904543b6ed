import WebSocket from 'ws';
import { seededRandom } from '../../platform/random/seeded.ts';
import { SYMBOLS } from './load.ts';

/**
 * WebSocket churn: `clients` connections at a time, each subscribing to a few symbols (quotes and 1m bars),
 * staying 5-15 s and leaving; a third of them come back within 5 s and resume their session. Every message
 * with a `seq` is checked against the one before: a jump is a lost message.
 */
export interface ChurnCounts {
  connections: number;
  resumed: number;
  messages: number;
  sequenceGaps: number;
  closedByServer: number;
  errors: number;
}

export function startChurn(wsUrl: string, headers: Readonly<Record<string, string>>, clients = 20, seed = 11) {
  const counts: ChurnCounts = {
    connections: 0,
    resumed: 0,
    messages: 0,
    sequenceGaps: 0,
    closedByServer: 0,
    errors: 0,
  };
  const random = seededRandom(seed);
  const open = new Set<WebSocket>();
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;
  const later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const connect = (resume?: { session: string; lastSeq: number }): void => {
    if (stopping) return;
    counts.connections += 1;
    const socket = new WebSocket(wsUrl, { headers: { ...headers } });
    open.add(socket);
    let session = resume?.session ?? '';
    let lastSeq = resume?.lastSeq ?? 0;
    let leaving = false;
    socket.on('open', () => {
      if (resume !== undefined) socket.send(JSON.stringify({ type: 'hello', resume }));
      else {
        const symbols = Array.from({ length: 5 }, () => SYMBOLS[Math.floor(random() * SYMBOLS.length)]!);
        socket.send(JSON.stringify({ type: 'subscribe', symbols: [...new Set(symbols)], intervals: ['1m'] }));
      }
      later(5_000 + random() * 10_000, () => {
        leaving = true;
        socket.close(1000);
      });
    });
    socket.on('message', (raw: Buffer) => {
      counts.messages += 1;
      const message = JSON.parse(raw.toString()) as { type: string; seq?: number; session?: string; resumed?: boolean };
      if (message.type === 'welcome') {
        if (message.resumed === true) counts.resumed += 1;
        else lastSeq = 0;
        session = message.session ?? session;
        if (resume !== undefined && message.resumed !== true) {
          // The server started a new session: subscribe again, as a client must.
          socket.send(JSON.stringify({ type: 'subscribe', symbols: SYMBOLS.slice(0, 3), intervals: ['1m'] }));
        }
        return;
      }
      if (message.seq === undefined) return;
      if (message.seq !== lastSeq + 1) counts.sequenceGaps += 1;
      lastSeq = message.seq;
    });
    socket.on('error', () => {
      counts.errors += 1;
    });
    socket.on('close', () => {
      open.delete(socket);
      if (!leaving && !stopping) counts.closedByServer += 1;
      if (stopping) return;
      if (leaving && session !== '' && random() < 1 / 3)
        later(random() * 5_000, () => {
          connect({ session, lastSeq });
        });
      else connect();
    });
  };

  for (let i = 0; i < clients; i++)
    later(i * 200, () => {
      connect();
    });
  return {
    counts,
    async stop(): Promise<void> {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      const closing = [...open].map(
        (socket) =>
          new Promise<void>((resolve) =>
            socket.once('close', () => {
              resolve();
            }),
          ),
      );
      for (const socket of open) socket.close(1000);
      await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, 5_000))]);
    },
  };
}
