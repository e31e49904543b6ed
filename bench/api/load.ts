/**
 * Open-loop HTTP load (a child process of the api bench): request i is due at start + i / rate whatever
 * happened to earlier ones, and its latency runs from when it was due, not from when it could be sent,
 * so a stalled server shows up in the figures instead of slowing the generator (coordinated omission).
 */
import { Agent } from 'node:http';
import { z } from 'zod';
import { percentile, round } from '../support/stats.ts';
import { timedRequest } from '../support/timed-request.ts';

const job = z.object({ urls: z.array(z.url()).min(1), rate: z.number().positive(), seconds: z.number().positive() });

async function run(urls: readonly string[], rate: number, seconds: number): Promise<Record<string, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const latencies: number[] = [];
  let errors = 0;
  let inFlight = 0;
  const total = Math.round(rate * seconds);
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((done) => {
    const finish = (): void => {
      if (sent === total && inFlight === 0) done();
    };
    const fire = (due: number, url: string): void => {
      inFlight += 1;
      timedRequest(url, { agent }, due, (latency) => {
        if (latency === undefined) errors += 1;
        else latencies.push(latency);
        inFlight -= 1;
        finish();
      });
    };
    const pump = (): void => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / rate <= now) {
        fire(start + (sent * 1000) / rate, urls[sent % urls.length] ?? '');
        sent += 1;
      }
      if (sent < total) setTimeout(pump, Math.max(0, start + (sent * 1000) / rate - performance.now()));
      else finish();
    };
    pump();
  });
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return {
    rps: round(latencies.length / elapsed, 0),
    p50_ms: round(percentile(latencies, 50), 2),
    p95_ms: round(percentile(latencies, 95), 2),
    p99_ms: round(percentile(latencies, 99), 2),
    errors,
  };
}

process.once('message', (raw: unknown) => {
  const { urls, rate, seconds } = job.parse(raw);
  void run(urls, rate, seconds).then((figures) => {
    process.send?.(figures, () => {
      process.disconnect();
    });
  });
});
