import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { busConformance, waitFor } from '../conformance/bus-conformance.ts';
import { EmbeddedBus } from './embedded-bus.ts';
import { SqliteLogStore } from './sqlite-log-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'bus-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

busConformance({
  name: 'embedded (memory)',
  create: () => Promise.resolve(new EmbeddedBus({ partitions: 4, source: 'test' })),
});

const durablePath = join(dir, 'conformance.db');
busConformance({
  name: 'embedded (durable SQLite)',
  durable: true,
  create: () =>
    Promise.resolve(new EmbeddedBus({ partitions: 4, source: 'test', store: new SqliteLogStore(durablePath) })),
});

describe('embedded bus specifics', () => {
  it('loses no acknowledged event when the process stops without closing', async () => {
    const path = join(dir, 'crash.db');
    const bus = new EmbeddedBus({ partitions: 2, source: 'test', store: new SqliteLogStore(path) });
    const acked = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        bus.publish('audit', { key: `k${String(i % 3)}`, data: { actor: 'a', action: 'x', resource: String(i) } }),
      ),
    );
    // No close(): the store is simply abandoned, as a killed process would leave it.
    const reopened = new EmbeddedBus({ partitions: 2, source: 'test', store: new SqliteLogStore(path) });
    const ids = new Set<string>();
    const sub = await reopened.subscribe({
      group: 'g',
      topic: 'audit',
      handler: (d) => {
        ids.add(d.envelope.id);
      },
    });
    await waitFor(() => ids.size === acked.length, 5_000, 'every acknowledged event');
    assert.deepEqual([...ids].sort(), acked.map((e) => e.id).sort());
    await sub.close();
    await reopened.close();
  });

  it('turns a stored event that no longer parses into a dead letter instead of crashing', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const path = join(dir, 'poison.db');
    const bus = new EmbeddedBus({ partitions: 1, source: 'test', store: new SqliteLogStore(path) });
    await bus.publish('audit', { key: 'k', data: { actor: 'a', action: 'x', resource: 'r' } });
    await bus.close();
    const db = new DatabaseSync(path);
    db.exec(`UPDATE events SET envelope = '{"broken":' WHERE topic = 'audit'`);
    db.close();
    const reopened = new EmbeddedBus({ partitions: 1, source: 'test', store: new SqliteLogStore(path) });
    const handled: string[] = [];
    const dead: string[] = [];
    await reopened.subscribe({
      group: 'g',
      topic: 'audit',
      handler: (d) => {
        handled.push(d.envelope.id);
      },
    });
    await reopened.subscribe({
      group: 'g',
      topic: 'audit.dlq',
      handler: (d) => {
        dead.push(d.envelope.data.error);
      },
    });
    await waitFor(() => dead.length === 1, 5_000, 'the dead letter');
    assert.deepEqual(handled, []);
    assert.match(dead[0]!, /not JSON/);
    await reopened.close();
  });

  it('keeps every event a group has not committed, even past the retention size', async () => {
    const bus = new EmbeddedBus({ partitions: 1, source: 'test', retention: { events: 100, hardLimit: 100_000 } });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let count = 0;
    const sub = await bus.subscribe({
      group: 'slow',
      topic: 'audit',
      handler: async () => {
        count++;
        await gate;
      },
    });
    for (let i = 0; i < 20_000; i++)
      await bus.publish('audit', { key: 'k', data: { actor: 'a', action: 'x', resource: String(i) } });
    release();
    await waitFor(() => count === 20_000, 10_000, 'the slow group to read every event');
    assert.equal(count, 20_000);
    await sub.close();
    await bus.close();
  });

  it('bounds the events kept over all partitions and topics, read ones first, in memory and in the store', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const path = join(dir, 'total.db');
    const total = 2_000;
    const bus = new EmbeddedBus({
      partitions: 4,
      source: 'test',
      store: new SqliteLogStore(path),
      retention: { events: 100_000, hardLimit: 1_000_000, total },
    });
    let read = 0;
    await bus.subscribe({
      group: 'g',
      topic: 'audit',
      handler: () => {
        read++;
      },
    });
    let peak = 0;
    for (let i = 0; i < 12_000; i += 250) {
      await Promise.all(
        Array.from({ length: 250 }, (_, j) =>
          bus.publish('audit', {
            key: `k${String(j % 13)}`,
            data: { actor: 'a', action: 'x', resource: String(i + j) },
          }),
        ),
      );
      await waitFor(() => read === i + 250, 10_000, 'the batch consumed');
      peak = Math.max(peak, bus.retained);
    }
    // Trimming runs every tenth of the bound: at most that much above it between two trims.
    assert.ok(peak <= total * 1.1 + 250, `peak ${String(peak)} within the bound`);
    assert.ok(peak > total / 2, 'the bound, not something smaller, decided');
    assert.equal(read, 12_000, 'nothing unread was trimmed');
    await bus.close();
    const db = new DatabaseSync(path);
    const { n } = db.prepare('SELECT count(*) AS n FROM events').get() as { n: number };
    db.close();
    assert.ok(n <= total * 1.1 + 250, `stored rows ${String(n)} within the bound`);
  });

  it('applies retention to the durable log as events are consumed', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const path = join(dir, 'retention.db');
    const bus = new EmbeddedBus({
      partitions: 2,
      source: 'test',
      store: new SqliteLogStore(path),
      retention: { events: 1_000, hardLimit: 100_000 },
    });
    let count = 0;
    await bus.subscribe({
      group: 'g',
      topic: 'audit',
      handler: () => {
        count++;
      },
    });
    const total = 40_000;
    for (let i = 0; i < total; i += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, j) =>
          bus.publish('audit', {
            key: `k${String((i + j) % 7)}`,
            data: { actor: 'a', action: 'x', resource: String(i + j) },
          }),
        ),
      );
    }
    await waitFor(() => count === total, 10_000, 'every event consumed');
    await bus.close();
    const db = new DatabaseSync(path);
    const { n } = db.prepare('SELECT count(*) AS n FROM events').get() as { n: number };
    db.close();
    // Retention runs every 10,000 appends and keeps 1,000 per partition: far fewer than were published.
    assert.ok(n <= 2 * 1_000 + 10_000, `the durable log was trimmed (${String(n)} rows of ${String(total)})`);
  });
});
