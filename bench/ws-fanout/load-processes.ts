import { fork, type ChildProcess } from 'node:child_process';
import { MsHistogram } from './histogram.ts';

interface Ready {
  ev: 'ready';
  connected: number;
  failed: number;
}
interface Report {
  ev: 'report';
  pairs: [number, number][];
  messages: number;
  closed: number;
  gaps: number;
  expected: number;
  coalesced: number;
  cpuSeconds: number;
  elu: number;
  cpuWait: number;
}

function next<T extends { ev: string }>(child: ChildProcess, ev: T['ev']): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      if ((message as { ev?: string }).ev !== ev) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null): void => {
      reject(new Error(`load process exited (${String(code)}) before ${ev}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export interface LoadResult {
  /** Latency of every tick of the window delivered (its count: ticks delivered). */
  readonly latency: MsHistogram;
  readonly messages: number;
  readonly closed: number;
  readonly gaps: number;
  /** Tick deliveries the window owed the clients (each subscribed symbol's ticks, per client). */
  readonly expected: number;
  /** Ticks superseded in coalesced updates (ours only): never delivered, by design. */
  readonly coalesced: number;
  /** CPU seconds the load processes used together over the window and drain. */
  readonly cpuSeconds: number;
  /** The busiest load process's event-loop utilisation (0-1) over the window and drain. */
  readonly eluMax: number;
  /** The longest share of the span a load process waited for a CPU (0-1). */
  readonly cpuWaitMax: number;
}

/** WebSocket clients spread over several child processes, each holding many sockets. */
export class LoadProcesses {
  readonly #children: ChildProcess[];

  constructor(count: number) {
    this.#children = Array.from({ length: count }, () =>
      fork(new URL('./load-client.ts', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
  }

  /** Connects and subscribes every client; returns how many connected. */
  async connect(
    url: string,
    mode: 'ours' | 'bare',
    subscriptions: readonly string[][],
  ): Promise<{ connected: number; failed: number }> {
    const n = this.#children.length;
    const results = await Promise.all(
      this.#children.map((child, i) => {
        const ready = next<Ready>(child, 'ready');
        child.send({ cmd: 'connect', url, mode, subscriptions: subscriptions.filter((_, j) => j % n === i) });
        return ready;
      }),
    );
    return {
      connected: results.reduce((a, r) => a + r.connected, 0),
      failed: results.reduce((a, r) => a + r.failed, 0),
    };
  }

  /** Starts the window after the ticks numbered up to `from` per symbol. */
  measure(from: Record<string, number>): void {
    for (const child of this.#children) child.send({ cmd: 'measure', from });
  }

  /** Ends the window at the ticks numbered `to` per symbol (the feed has stopped). */
  async report(to: Record<string, number>): Promise<LoadResult> {
    const reports = await Promise.all(
      this.#children.map((child) => {
        const report = next<Report>(child, 'report');
        child.send({ cmd: 'report', to });
        return report;
      }),
    );
    const latency = new MsHistogram();
    for (const r of reports) latency.merge(r.pairs);
    return {
      latency,
      messages: reports.reduce((a, r) => a + r.messages, 0),
      closed: reports.reduce((a, r) => a + r.closed, 0),
      gaps: reports.reduce((a, r) => a + r.gaps, 0),
      expected: reports.reduce((a, r) => a + r.expected, 0),
      coalesced: reports.reduce((a, r) => a + r.coalesced, 0),
      cpuSeconds: reports.reduce((a, r) => a + r.cpuSeconds, 0),
      eluMax: Math.max(...reports.map((r) => r.elu)),
      cpuWaitMax: Math.max(...reports.map((r) => r.cpuWait)),
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || !child.connected) {
              resolve();
              return;
            }
            child.once('exit', () => {
              resolve();
            });
            child.send({ cmd: 'exit' });
          }),
      ),
    );
  }
}
