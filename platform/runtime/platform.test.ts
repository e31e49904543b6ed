import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { waitFor } from '../backbone/conformance/bus-conformance.ts';
import { EmbeddedBus } from '../backbone/embedded/embedded-bus.ts';
import { SqliteLogStore } from '../backbone/embedded/sqlite-log-store.ts';
import type { Subscription } from '../backbone/bus.ts';
import { loadConfig } from '../config/config.ts';
import { createLogger } from '../telemetry/logger.ts';
import { READY_METRIC } from '../telemetry/readiness.ts';
import { startPlatform } from './platform.ts';
import type { Service, ServiceContext } from './service.ts';

const dir = mkdtempSync(join(tmpdir(), 'platform-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const logger = createLogger({ service: 'test', level: 'silent' });
const config = loadConfig({ PORT: '0', HOST: '127.0.0.1' });

/** A service whose handler takes a while, recording what it started and finished. */
function slowConsumer(log: { started: string[]; finished: string[] }): Service {
  let subscription: Subscription | undefined;
  return {
    name: 'slow-consumer',
    async start(ctx) {
      subscription = await ctx.bus.subscribe({
        group: 'slow',
        topic: 'audit',
        handler: async (d) => {
          log.started.push(d.envelope.data.resource);
          await new Promise((r) => setTimeout(r, 200));
          log.finished.push(d.envelope.data.resource);
        },
      });
    },
    stop: async () => {
      await subscription?.close('drain');
    },
  };
}

describe('platform drain', () => {
  it('on stop, turns not ready, finishes the in-flight event, commits it, and a restart resumes after it', async () => {
    const path = join(dir, 'drain.db');
    const first = { started: [] as string[], finished: [] as string[] };
    const platform = await startPlatform({
      config,
      logger,
      services: [slowConsumer(first)],
      bus: new EmbeddedBus({ partitions: 1, source: 'test', store: new SqliteLogStore(path) }),
    });
    await platform.bus.publish('audit', { key: 'k', data: { actor: 'a', action: 'x', resource: 'one' } });
    await platform.bus.publish('audit', { key: 'k', data: { actor: 'a', action: 'x', resource: 'two' } });
    await waitFor(() => first.started.length === 1, 5_000, 'the first event to start');
    const stopping = platform.stop();
    const readiness = await platform.health.readiness();
    assert.equal(readiness.ready, false);
    assert.equal(readiness.checks.process, 'draining');
    await stopping;
    assert.deepEqual(
      first.finished,
      ['one'],
      'the in-flight event finished before stop resolved, and no new one started',
    );
    assert.deepEqual(first.started, ['one']);
    await assert.rejects(fetch(`${platform.url}/healthz`), 'the server no longer takes connections');

    const second = { started: [] as string[], finished: [] as string[] };
    const restarted = await startPlatform({
      config,
      logger,
      services: [slowConsumer(second)],
      bus: new EmbeddedBus({ partitions: 1, source: 'test', store: new SqliteLogStore(path) }),
    });
    await waitFor(() => second.finished.length === 1, 5_000, 'the remaining event after the restart');
    assert.deepEqual(second.finished, ['two'], 'the committed event is not delivered again; the uncommitted one is');
    await restarted.stop();
  });
});

describe('platform readiness gauge', () => {
  const readiness = async (ctx: Pick<ServiceContext, 'metrics'>): Promise<number | undefined> =>
    (await ctx.metrics.getSingleMetric(READY_METRIC)?.get())?.values[0]?.value;

  it('reads 0 while services start, 1 once every service started and it listens, 0 again once it drains', async () => {
    const seen: (number | undefined)[] = [];
    let context: ServiceContext | undefined;
    const probe = (name: string): Service => ({
      name,
      async start(ctx) {
        context = ctx;
        seen.push(await readiness(ctx));
      },
      stop: async () => {
        if (context !== undefined) seen.push(await readiness(context));
      },
    });
    const platform = await startPlatform({
      config,
      logger,
      services: [probe('first'), probe('second')],
      bus: new EmbeddedBus({ partitions: 1, source: 'test' }),
    });
    try {
      assert.deepEqual(seen, [0, 0], 'starting: every service saw 0');
      const scraped = await (await fetch(`${platform.url}/metrics`)).text();
      assert.match(scraped, new RegExp(`^${READY_METRIC} 1$`, 'm'), 'serving: 1 on /metrics');
    } finally {
      await platform.stop();
    }
    assert.deepEqual(seen, [0, 0, 0, 0], 'draining: 0 while the services stop');
  });
});
