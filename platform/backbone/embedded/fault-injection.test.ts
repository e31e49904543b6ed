import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { failWrites, faultKinds, faultSuite, FaultyLogStore, sqliteError } from '../../testing/faults.ts';
import type { EventBus, Subscription } from '../bus.ts';
import { waitFor } from '../conformance/bus-conformance.ts';
import { EmbeddedBus } from './embedded-bus.ts';
import { SqliteLogStore } from './sqlite-log-store.ts';

const dir = faultSuite('bus-faults-');

const audit = (i: number) => ({ key: `k${String(i % 5)}`, data: { actor: 'a', action: 'x', resource: String(i) } });

/** Subscribes `group` to audit events, collecting their ids. */
async function collect(bus: EventBus, group: string): Promise<{ ids: Set<string>; sub: Subscription }> {
  const ids = new Set<string>();
  const sub = await bus.subscribe({
    group,
    topic: 'audit',
    handler: (d) => {
      ids.add(d.envelope.id);
    },
  });
  return { ids, sub };
}

function storedIds(path: string): Set<string> {
  const store = new SqliteLogStore(path);
  const ids = new Set<string>();
  for (const e of store.load().events) if (e.poison === undefined && e.topic === 'audit') ids.add(e.envelope.id);
  store.close();
  return ids;
}

describe('backbone under store faults', () => {
  for (const kind of faultKinds) {
    it(`a ${kind} failure rejects only the publishes of the failed write; later flushes and every acknowledged event survive`, async () => {
      const path = join(dir, `write-${kind}.db`);
      // A short busy timeout: the writer (synchronous) blocks the event loop while it waits for the lock.
      const store = new FaultyLogStore(new SqliteLogStore(path, { busyTimeoutMs: 50 }));
      const errors: string[] = [];
      const bus = new EmbeddedBus({
        partitions: 2,
        source: 'test',
        store,
        onError: (_e, context) => errors.push(context),
      });
      const { ids: delivered, sub } = await collect(bus, 'g');
      const acked = (await Promise.all(Array.from({ length: 20 }, (_, i) => bus.publish('audit', audit(i))))).map(
        (e) => e.id,
      );

      const fault = kind === 'busy' ? failWrites(path, [], 'busy') : undefined;
      if (kind !== 'busy') store.failing = { write: sqliteError(kind) };
      const during = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => bus.publish('audit', audit(i))));
      assert.ok(
        during.every((r) => r.status === 'rejected'),
        'a publish whose write failed is not acknowledged',
      );
      fault?.clear();
      store.failing = {};

      for (const e of await Promise.all(Array.from({ length: 20 }, (_, i) => bus.publish('audit', audit(i)))))
        acked.push(e.id);
      await waitFor(() => delivered.size === acked.length, 5_000, 'every acknowledged event delivered');
      assert.deepEqual([...delivered].sort(), [...acked].sort(), 'nothing unacknowledged is delivered');
      assert.ok(errors.length > 0, 'the failure was reported');
      await sub.close();
      await bus.close();
      assert.deepEqual([...storedIds(path)].sort(), [...acked].sort(), 'after a restart: exactly the acknowledged');
    });
  }

  it('a failed trim neither rejects the flush chain nor stops later flushes', async () => {
    const path = join(dir, 'trim.db');
    const store = new FaultyLogStore(new SqliteLogStore(path));
    const bus = new EmbeddedBus({
      partitions: 1,
      source: 'test',
      store,
      retention: { events: 100, hardLimit: 1_000 },
      onError: () => undefined,
    });
    store.failing = { trim: sqliteError('io') };
    for (let round = 0; round < 11; round++)
      await Promise.all(Array.from({ length: 1_000 }, (_, i) => bus.publish('audit', audit(i))));
    assert.ok(store.failedTrims > 0, 'retention ran and its DELETE failed');
    store.failing = {};
    const later = await bus.publish('audit', audit(1));
    assert.ok(later.id.length > 0, 'a publish after the failed trim is acknowledged');
    await bus.close();
    assert.ok(storedIds(path).has(later.id));
  });

  it('a failed commit write only means a redelivery after restart, never a loss', async () => {
    const path = join(dir, 'commit.db');
    const store = new FaultyLogStore(new SqliteLogStore(path));
    const bus = new EmbeddedBus({ partitions: 1, source: 'test', store, onError: () => undefined });
    const acked = await Promise.all(Array.from({ length: 30 }, (_, i) => bus.publish('audit', audit(i))));
    store.failing = { write: sqliteError('full') };
    const { ids: seen, sub: sub } = await collect(bus, 'g');
    await waitFor(() => seen.size === acked.length, 5_000, 'first run handles everything');
    await sub.close();
    await bus.close();
    store.failing = {};
    const again = new EmbeddedBus({ partitions: 1, source: 'test', store: new SqliteLogStore(path) });
    const { ids: redelivered, sub: sub2 } = await collect(again, 'g');
    await waitFor(() => redelivered.size === acked.length, 5_000, 'uncommitted events redelivered');
    await sub2.close();
    await again.close();
  });
});

describe('backbone: dead letters and handlers that misbehave', () => {
  it('the bus closing during a dead-letter publish: close resolves and the dead letter is stored', async () => {
    const path = join(dir, 'dlq-close.db');
    const bus = new EmbeddedBus({ partitions: 1, source: 'test', store: new SqliteLogStore(path) });
    let calls = 0;
    await bus.subscribe({
      group: 'g',
      topic: 'audit',
      retry: { retries: 0 },
      handler: () => {
        calls += 1;
        throw new Error('handler fails');
      },
    });
    await bus.publish('audit', audit(1));
    await waitFor(() => calls > 0, 5_000, 'the handler ran');
    // The dead-letter publish is now waiting for its flush; close during it.
    await bus.close();
    const store = new SqliteLogStore(path);
    const letters = [...store.load().events].filter((e) => e.topic === 'audit.dlq');
    store.close();
    assert.equal(letters.length, 1, 'the dead letter was written during the drain');
  });

  it('a dead letter the store cannot take is retried; closing then resolves and the event comes back after restart', async () => {
    const path = join(dir, 'dlq-fail.db');
    const store = new FaultyLogStore(new SqliteLogStore(path));
    const failures: string[] = [];
    const bus = new EmbeddedBus({ partitions: 1, source: 'test', store, onError: (_e, c) => failures.push(c) });
    const event = await bus.publish('audit', audit(1));
    store.failing = { write: sqliteError('io') };
    let calls = 0;
    await bus.subscribe({
      group: 'g',
      topic: 'audit',
      retry: { retries: 0, initialBackoffMs: 5, maxBackoffMs: 20 },
      handler: () => {
        calls += 1;
        throw new Error('handler fails');
      },
    });
    await waitFor(() => failures.filter((c) => c.startsWith('consumer group')).length >= 2, 5_000, 'retried');
    await bus.close();
    assert.equal(calls, 1);
    store.failing = {};
    const again = new EmbeddedBus({ partitions: 1, source: 'test', store: new SqliteLogStore(path) });
    const { ids: back, sub } = await collect(again, 'g');
    await waitFor(() => back.size > 0, 5_000, 'redelivered after restart');
    assert.deepEqual([...back], [event.id]);
    await sub.close();
    await again.close();
  });

  it('a handler that never returns: aborting its member frees the partition for another member', async () => {
    const bus = new EmbeddedBus({ partitions: 1, source: 'test' });
    let stuck = 0;
    const hung: Subscription = await bus.subscribe({
      group: 'g',
      topic: 'audit',
      handler: () => {
        stuck += 1;
        return new Promise<void>(() => undefined);
      },
    });
    const event = await bus.publish('audit', audit(1));
    await waitFor(() => stuck === 1, 5_000, 'the hung handler has the event');
    const { ids: got } = await collect(bus, 'g');
    await hung.close('abort');
    await waitFor(() => got.size === 1, 5_000, 'redelivered to the other member');
    assert.ok(got.has(event.id));
    await bus.close();
  });

  it('a handler that throws is retried, then dead-lettered, and the partition moves on', async () => {
    const bus = new EmbeddedBus({ partitions: 1, source: 'test' });
    const attempts = new Map<string, number>();
    const handled: string[] = [];
    await bus.subscribe({
      group: 'g',
      topic: 'audit',
      retry: { retries: 2, initialBackoffMs: 1, maxBackoffMs: 2 },
      handler: (d) => {
        if (d.envelope.data.resource === 'bad') {
          attempts.set(d.envelope.id, d.attempt);
          throw new Error('bad event');
        }
        handled.push(d.envelope.data.resource);
      },
    });
    const letters: unknown[] = [];
    await bus.subscribe({
      group: 'dlq',
      topic: 'audit.dlq',
      handler: (d) => {
        letters.push(d.envelope.data);
      },
    });
    await bus.publish('audit', { key: 'k', data: { actor: 'a', action: 'x', resource: 'bad' } });
    await bus.publish('audit', { key: 'k', data: { actor: 'a', action: 'x', resource: 'good' } });
    await waitFor(() => handled.length === 1 && letters.length === 1, 5_000, 'dead-lettered, then the next one');
    assert.equal([...attempts.values()][0], 3);
    await bus.close();
  });
});
