/**
 * HTTP load for the gateway bench (a child process, so the server keeps its own core). Two modes:
 * - `max`: closed loop, `concurrency` requests always in flight: the highest rate the server sustains;
 * - `open`: request i is due at start + i / rate whatever happened to earlier ones, and its latency runs from
 *   when it was due (no coordinated omission).
 */
import { Agent } from 'node:http';
import { z } from 'zod';
import { percentile, round } from '../support/stats.ts';
import { timedRequest } from '../support/timed-request.ts';

const job = z.object({
  url: z.url(),
  headers: z.record(z.string(), z.string()),
  mode: z.enum(['max', 'open']),
  rate: z.number().positive(),
  concurrency: z.number().int().positive(),
  seconds: z.number().positive(),
});
type Job = z.infer<typeof job>;

function run(j: Job): Promise<Record<string, number | number[]>> {
  const agent = new Agent({ keepAlive: true, maxSockets: Math.max(j.concurrency, 256) });
  const latencies: number[] = [];
  let errors = 0;
  let inFlight = 0;
  const start = performance.now();
  const end = start + j.seconds * 1000;
  return new Promise((resolve) => {
    let sent = 0;
    let stopped = false;
    const finish = (): void => {
      if (!stopped || inFlight > 0) return;
      const elapsed = (performance.now() - start) / 1000;
      agent.destroy();
      resolve({
        rps: round(latencies.length / elapsed, 0),
        p50_ms: round(percentile(latencies, 50), 3),
        p99_ms: round(percentile(latencies, 99), 3),
        errors,
        // Open loop: requests due but never sent in time are counted, not hidden.
        not_sent: j.mode === 'open' ? Math.max(0, Math.round(j.rate * j.seconds) - sent) : 0,
        // Open loop: every latency, so the rounds of a variant can be pooled (a one-second p99 rests on ~10 samples).
        ...(j.mode === 'open' ? { latencies: latencies.map((l) => round(l, 3)) } : {}),
      });
    };
    const fire = (due: number): void => {
      inFlight += 1;
      sent += 1;
      timedRequest(j.url, { agent, headers: j.headers }, due, (latency) => {
        if (latency === undefined) errors += 1;
        else latencies.push(latency);
        inFlight -= 1;
        if (j.mode === 'max' && performance.now() < end) fire(performance.now());
        else if (performance.now() >= end) stopped = true;
        finish();
      });
    };
    if (j.mode === 'max') {
      for (let i = 0; i < j.concurrency; i++) fire(performance.now());
      return;
    }
    const total = Math.round(j.rate * j.seconds);
    const pump = (): void => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / j.rate <= now) fire(start + (sent * 1000) / j.rate);
      if (sent < total && now < end + 1000)
        setTimeout(pump, Math.max(0, start + (sent * 1000) / j.rate - performance.now()));
      else {
        stopped = true;
        finish();
      }
    };
    pump();
  });
}

// One child serves every measurement of a run (jobs one at a time; 'end' ends it), so no measurement pays for a
// process start and the rounds can be short and many.
process.on('message', (raw: unknown) => {
  if (raw === 'end') {
    process.disconnect();
    return;
  }
  void run(job.parse(raw))
    .then((figures) => {
      process.send?.(figures);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    });
});
