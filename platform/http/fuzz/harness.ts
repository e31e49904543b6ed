/**
 * The fuzz harness: starts the embedded platform (every service, as `npm start` runs them) on loopback, enumerates
 * every HTTP route from the express routers and every WebSocket message type from the protocol's schema, and sends
 * hostile input from real clients until the budget is spent, while a prober checks /healthz.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import fc from 'fast-check';
import { everyService } from '../../testing/every-service.ts';
import { WebSocket } from 'ws';
import { EmbeddedBus } from '../../backbone/embedded/embedded-bus.ts';
import { loadConfig } from '../../config/config.ts';
import { clientMessage } from '../../market-data/stream/protocol.ts';
import { startPlatform, type RunningPlatform } from '../../runtime/platform.ts';
import { createLogger } from '../../telemetry/logger.ts';
import { apiFetch } from '../../testing/api-client.ts';
import { listRoutes } from '../openapi.ts';
import { hostileBody, hostileFrame, hostileQuery, hostileSegment } from './inputs.ts';
import { toJsonText, valueOf, type JsonSchema } from './schema-values.ts';

/** A body of the operation's own shape with hostile leaves (schema-values.ts). */
const shapedBody = (schema: JsonSchema): fc.Arbitrary<{ contentType: string; body: string }> =>
  valueOf(schema).map((v) => ({ contentType: 'application/json', body: toJsonText(v) }));

export interface FuzzReport {
  /** Inputs tried per route (`METHOD /path`) and per WebSocket message type (`WS type`). */
  readonly tried: Record<string, number>;
  /** Of those, answered 2xx: input that got past validation into the handler's work. */
  readonly accepted: Record<string, number>;
  /** Answers that break the rules: a 5xx other than 503, or no answer at all. */
  readonly failures: string[];
  readonly unhandled: string[];
  readonly slowestHealthzMs: number;
  readonly healthzProbes: number;
  /**
   * Probes over 500 ms, the input in flight then, and the main thread's CPU time over the probe: near the probe's
   * time when the platform held the event loop, far below it when the machine gave the process no CPU.
   */
  readonly slowDuring: string[];
  /** Keys that appeared on Object.prototype or Array.prototype during the run (prototype pollution; the platform runs
   * in this process). */
  readonly polluted: string[];
  /** The five slowest inputs (answer time, route, the input's start), to tell a real stall from a loaded machine. */
  readonly slowestInputs: string[];
}

export interface FuzzOptions {
  readonly budgetMs: number;
  readonly seed: number;
  /** Also sends frames the socket layer must survive (invalid UTF-8 in a text frame, frames over 64 KB). */
  readonly socketEdges: boolean;
}

interface Operation {
  readonly parameters?: { name: string; in: string }[];
  readonly requestBody?: { content: Record<string, { schema?: JsonSchema }> };
}

/** Query parameter names and JSON body schema of each operation in the platform's own OpenAPI document. */
async function operations(
  platform: RunningPlatform,
): Promise<{ names: Map<string, string[]>; bodies: Map<string, JsonSchema> }> {
  const doc = (await (await apiFetch(platform, '/api/openapi.json')).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  const names = new Map<string, string[]>();
  const bodies = new Map<string, JsonSchema>();
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) {
      const key = `${method} /api${path}`;
      names.set(
        key,
        (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      );
      const schema = op.requestBody?.content['application/json']?.schema;
      if (schema !== undefined) bodies.set(key, schema);
    }
  return { names, bodies };
}

function fill(template: string, segments: readonly string[]): string {
  let i = 0;
  return template.replace(/\{\w+\}/g, () => segments[i++] ?? 'x');
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
  const unhandled: string[] = [];
  const onUnhandled = (error: unknown): void => {
    unhandled.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  };
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  const platform = await startPlatform({
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, MARKET_TICK_INTERVAL_MS: '250' }),
    logger: createLogger({ service: 'fuzz', level: 'silent' }),
    bus: new EmbeddedBus({ partitions: 2, source: 'fuzz' }),
    services: everyService(),
  });
  // The OpenAPI document is built on its first request (about 1 s here), then served from memory: built before
  // the prober starts, so that one-time cost is not counted as a stall.
  const { names, bodies } = await operations(platform);
  const tried: Record<string, number> = {};
  const accepted: Record<string, number> = {};
  const failures: string[] = [];
  let slowest = 0;
  let probes = 0;
  const probe = { stop: false };
  let current = 'start';
  const slowDuring: string[] = [];
  const slowInputs: { ms: number; input: string }[] = [];
  const prototypeKeys = (): string[] => [
    ...Object.getOwnPropertyNames(Object.prototype),
    ...Object.getOwnPropertyNames(Array.prototype).map((k) => `[].${k}`),
  ];
  const keysBefore = new Set(prototypeKeys());
  const prober = (async () => {
    while (!probe.stop) {
      const t0 = performance.now();
      const cpu0 = process.threadCpuUsage();
      const ok = await fetch(`${platform.url}/healthz`, { signal: AbortSignal.timeout(5_000) })
        .then((r) => r.status === 200)
        .catch(() => false);
      const ms = performance.now() - t0;
      const cpu = process.threadCpuUsage(cpu0);
      probes++;
      if (ms > 500)
        slowDuring.push(
          `${ms.toFixed(0)} ms (cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms) during ${current}`,
        );
      slowest = Math.max(slowest, ok ? ms : Number.POSITIVE_INFINITY);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    const app = platform.server.listeners('request')[0] as Express;
    const routes = listRoutes(app.router).filter((r) => r.path !== '/healthz');
    const types = clientMessage.options.map((o) => o.shape.type.value);
    const deadline = Date.now() + options.budgetMs;
    let round = 0;
    while (Date.now() < deadline) {
      const seed = options.seed + round++;
      for (const [index, route] of routes.entries()) {
        if (Date.now() >= deadline) break;
        const key = `${route.method.toUpperCase()} ${route.path}`;
        const schema = bodies.get(`${route.method} ${route.path}`);
        const shaped = schema === undefined ? hostileBody : fc.oneof(hostileBody, shapedBody(schema));
        const [segments, query, body] = fc.sample(
          fc.tuple(
            fc.array(hostileSegment, { minLength: 4, maxLength: 4 }),
            hostileQuery(names.get(`${route.method} ${route.path}`) ?? []),
            shaped,
          ),
          { numRuns: 1, seed: seed * routes.length + index },
        )[0] ?? [[], '', { contentType: 'text/plain', body: '' }];
        const path = fill(route.path, segments) + query;
        current = `${key} (${String(body.body.length)} bytes)`;
        const withBody = route.method !== 'get' && route.method !== 'delete';
        const t0 = performance.now();
        try {
          const res = await apiFetch(platform, path, {
            method: route.method.toUpperCase(),
            ...(withBody ? { headers: { 'content-type': body.contentType }, body: body.body } : {}),
            signal: AbortSignal.timeout(30_000),
          });
          await res.arrayBuffer();
          if (res.status < 300) accepted[key] = (accepted[key] ?? 0) + 1;
          if (res.status >= 500 && res.status !== 503)
            failures.push(`${key} -> ${String(res.status)}: ${path.slice(0, 200)}`);
        } catch (error) {
          failures.push(`${key} -> no answer (${(error as Error).message}): ${path.slice(0, 200)}`);
        }
        tried[key] = (tried[key] ?? 0) + 1;
        keepSlowest(slowInputs, performance.now() - t0, `${key} ${path.slice(0, 80)} ${body.body.slice(0, 120)}`);
      }
      current = 'ws';
      await fuzzSocket(platform, types, seed, tried, failures, options.socketEdges);
    }
  } finally {
    probe.stop = true;
    await prober;
    await platform.stop();
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    tried,
    accepted,
    failures,
    unhandled,
    slowestHealthzMs: slowest,
    healthzProbes: probes,
    slowDuring,
    polluted: prototypeKeys().filter((k) => !keysBefore.has(k)),
    slowestInputs: slowInputs.map((s) => `${s.ms.toFixed(0)} ms ${s.input}`),
  };
}

function keepSlowest(list: { ms: number; input: string }[], ms: number, input: string): void {
  list.push({ ms, input });
  list.sort((a, b) => b.ms - a.ms);
  list.length = Math.min(list.length, 5);
}

/** One connection per round: frames of every message type, then (optionally) frames the socket layer must survive. */
async function fuzzSocket(
  platform: RunningPlatform,
  types: readonly string[],
  seed: number,
  tried: Record<string, number>,
  failures: string[],
  edges: boolean,
): Promise<void> {
  const url = `${platform.url.replace('http', 'ws')}/ws`;
  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => {
        resolve(ws);
      });
      ws.once('error', reject);
    });
  let ws: WebSocket;
  try {
    ws = await open();
  } catch (error) {
    failures.push(`WS connect failed: ${(error as Error).message}`);
    return;
  }
  ws.on('error', () => undefined);
  for (const type of types) {
    for (const frame of fc.sample(hostileFrame(type), { numRuns: 5, seed })) {
      if (ws.readyState !== WebSocket.OPEN) ws = await open().catch(() => ws);
      ws.send(frame, { binary: Buffer.isBuffer(frame) });
      tried[`WS ${type}`] = (tried[`WS ${type}`] ?? 0) + 1;
    }
  }
  if (edges) {
    ws.send(Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xff]), { binary: false });
    const big = await open().catch(() => undefined);
    big?.on('error', () => undefined);
    big?.send('x'.repeat(70_000));
    tried['WS socket edges'] = (tried['WS socket edges'] ?? 0) + 2;
    await new Promise((r) => setTimeout(r, 50));
    big?.terminate();
  }
  await new Promise((r) => setTimeout(r, 20));
  ws.terminate();
}
