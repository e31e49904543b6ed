/**
 * HTTP load for the gateway bench (a child process, so the server keeps its own core). Two modes:
 * - `max`: closed loop, `concurrency` requests always in flight: the highest rate the server sustains;
 * - `open`: request i is due at start + i / rate whatever happened to earlier ones, and its latency runs from
 *   when it was due (no coordinated omission); a request due while every connection is busy opens another (at most
 *   256 per target) or waits for one, its latency still counted from when it was due. With several targets the
 *   requests take turns, so every target meets the same moments of the machine (a stall hits them all alike).
 * The client is a minimal HTTP/1.1 one (keep-alive connections, one request in flight on each, reading only the
 * status line and Content-Length): node's http client spends as much CPU per request as the server under test, so
 * on the shared 2-core machine the "maximum" it measured was partly its own.
 */
import { connect, type Socket } from 'node:net';
import { z } from 'zod';
import { percentile, round } from '../support/stats.ts';

const target = z.object({ url: z.url(), headers: z.record(z.string(), z.string()) });
const job = z.object({
  /** `max`: the first target only; `open`: request i goes to target i mod their number (all meet the same moments). */
  targets: z.array(target).min(1).max(8),
  mode: z.enum(['max', 'open']),
  /** Open loop: requests per second over all targets. */
  rate: z.number().positive(),
  concurrency: z.number().int().positive(),
  seconds: z.number().positive(),
});
type Job = z.infer<typeof job>;

const MAX_CONNECTIONS = 256;
const HEAD_END = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);

/** One keep-alive connection; `send` takes a callback with the response's status, or undefined when it failed. */
class Connection {
  readonly #socket: Socket;
  readonly #request: Buffer;
  /** The response's head read so far; undefined once it is complete and the body is being skipped. */
  #head: Buffer | undefined = EMPTY;
  #bodyLeft = 0;
  #status = 0;
  #done: ((status: number | undefined) => void) | undefined;
  #broken = false;

  constructor(port: number, host: string, request: Buffer) {
    this.#request = request;
    this.#socket = connect({ port, host, noDelay: true });
    this.#socket.on('data', (chunk: Buffer) => {
      this.#read(chunk);
    });
    this.#socket.on('error', () => {
      this.#fail();
    });
    this.#socket.on('close', () => {
      this.#fail();
    });
  }

  get usable(): boolean {
    return !this.#broken;
  }

  send(done: (status: number | undefined) => void): void {
    this.#done = done;
    this.#head = EMPTY;
    this.#socket.write(this.#request);
  }

  close(): void {
    this.#broken = true;
    this.#socket.destroy();
  }

  #read(chunk: Buffer): void {
    let body = chunk.length;
    if (this.#head !== undefined) {
      const head = this.#head.length === 0 ? chunk : Buffer.concat([this.#head, chunk]);
      const end = head.indexOf(HEAD_END);
      if (end < 0) {
        this.#head = head;
        return;
      }
      const text = head.toString('latin1', 0, end);
      const length = /\r\ncontent-length: *(\d+)/i.exec(text)?.[1];
      // Chunked or unframed answers are not what the bench's handler sends: counted as failures.
      if (length === undefined) {
        this.#fail();
        return;
      }
      this.#status = Number(text.slice(9, 12));
      this.#head = undefined;
      this.#bodyLeft = Number(length);
      body = head.length - end - HEAD_END.length;
    }
    this.#bodyLeft -= body;
    if (this.#bodyLeft > 0) return;
    if (this.#bodyLeft < 0) {
      this.#fail();
      return;
    }
    const done = this.#done;
    this.#done = undefined;
    done?.(this.#status);
  }

  #fail(): void {
    this.#broken = true;
    this.#socket.destroy();
    const done = this.#done;
    this.#done = undefined;
    done?.(undefined);
  }
}

/** One target's connections and figures. */
class Target {
  readonly connections: Connection[] = [];
  readonly idle: Connection[] = [];
  /** Open loop: due times of requests waiting for a connection. */
  readonly waiting: number[] = [];
  readonly latencies: number[] = [];
  errors = 0;
  sent = 0;
  readonly #open: () => Connection;

  constructor(spec: z.infer<typeof target>) {
    const url = new URL(spec.url);
    const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
    for (const [name, value] of Object.entries(spec.headers)) lines.push(`${name}: ${value}`);
    const request = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    this.#open = () => new Connection(Number(url.port), url.hostname, request);
  }

  spare(): Connection {
    const c = this.#open();
    this.connections.push(c);
    return c;
  }

  figures(elapsedS: number, open: boolean, due: number): Record<string, number | number[]> {
    for (const c of this.connections) c.close();
    return {
      rps: round(this.latencies.length / elapsedS, 0),
      p50_ms: round(percentile(this.latencies, 50), 3),
      p99_ms: round(percentile(this.latencies, 99), 3),
      errors: this.errors,
      // Open loop: requests due but never sent in time (or left waiting for a connection) are counted, not hidden.
      not_sent: open ? Math.max(0, due - this.sent) + this.waiting.length : 0,
      // Open loop: every latency, so the rounds of a variant can be pooled.
      ...(open ? { latencies: this.latencies.map((l) => round(l, 3)) } : {}),
    };
  }
}

/** Figures per target, in the job's order. */
function run(j: Job): Promise<Record<string, number | number[]>[]> {
  const targets = j.targets.map((t) => new Target(t));
  let inFlight = 0;
  let stopped = false;
  const start = performance.now();
  const end = start + j.seconds * 1000;
  const total = Math.round(j.rate * j.seconds);
  return new Promise((resolve) => {
    const finish = (): void => {
      if (!stopped || inFlight > 0) return;
      const elapsed = (performance.now() - start) / 1000;
      const open = j.mode === 'open';
      resolve(targets.map((t, i) => t.figures(elapsed, open, Math.ceil((total - i) / targets.length))));
    };
    const fire = (t: Target, connection: Connection, due: number): void => {
      inFlight += 1;
      connection.send((status) => {
        inFlight -= 1;
        if (status === 200) t.latencies.push(performance.now() - due);
        else t.errors += 1;
        const now = performance.now();
        if (j.mode === 'max' && now >= end) stopped = true;
        const next = connection.usable ? connection : undefined;
        if (j.mode === 'max') {
          if (!stopped) fire(t, next ?? t.spare(), now);
        } else {
          const queued = t.waiting.shift();
          if (queued !== undefined) fire(t, next ?? t.spare(), queued);
          else if (next !== undefined) t.idle.push(next);
        }
        finish();
      });
    };
    const first = targets[0];
    if (j.mode === 'max' && first !== undefined) {
      for (let i = 0; i < j.concurrency; i++) fire(first, first.spare(), performance.now());
      return;
    }
    let sent = 0;
    const dispatch = (due: number): void => {
      const t = targets[sent % targets.length] ?? targets[0];
      sent += 1;
      if (t === undefined) return;
      t.sent += 1;
      const c = t.idle.pop() ?? (t.connections.length < MAX_CONNECTIONS ? t.spare() : undefined);
      if (c === undefined) t.waiting.push(due);
      else fire(t, c, due);
    };
    const pump = (): void => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / j.rate <= now) dispatch(start + (sent * 1000) / j.rate);
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
