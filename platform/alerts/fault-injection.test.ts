import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { waitFor } from '../backbone/conformance/bus-conformance.ts';
import { openSqlite, transaction } from '../storage/sqlite.ts';
import { failWrites, faultKinds, faultSuite, type FaultKind } from '../testing/faults.ts';
import { ManualClock } from './clock.ts';
import { alertsConfigSchema } from './config/schema.ts';
import type { Channel } from './notify/channel.ts';
import { Outbox } from './notify/outbox.ts';
import { testMessage } from './notify/test-message.ts';
import { Directory } from './oncall/directory.ts';
import { Pipeline } from './pipeline.ts';
import { IncidentStore } from './store/incidents.ts';
import { alert, hook } from './test-support.ts';

const dir = faultSuite('alerts-faults-');

const start = Date.parse('2026-03-02T10:00:00Z');
const config = alertsConfigSchema.parse({
  route: { receiver: 'team', group_wait: '0s', group_interval: '1m' },
  receivers: [{ name: 'team', targets: [hook('team')] }],
});

let files = 0;
/** The alerts service's wiring on a fresh SQLite file: store, pipeline, outbox rows (not sent here). */
function setup(): { path: string; db: DatabaseSync; pipeline: Pipeline; clock: ManualClock; errors: string[] } {
  const path = join(dir, `alerts-${String(++files)}.db`);
  // A short busy timeout: node:sqlite waits synchronously for another connection's lock.
  const db = openSqlite(path, { synchronous: 'NORMAL', busyTimeoutMs: 50 });
  const store = new IncidentStore(db);
  const outbox = new Outbox({
    db,
    channels: {},
    retry: { attempts: 3, initialBackoffMs: 10, maxBackoffMs: 10 },
    timeoutMs: 1_000,
  });
  const clock = new ManualClock(start);
  const errors: string[] = [];
  const pipeline = new Pipeline({
    config,
    clock,
    directory: new Directory(db, { users: [], schedules: [], policies: [] }),
    enqueue: (items) => {
      outbox.enqueue(items);
    },
    persist: store.persistence(),
    silences: () => [],
    runbooks: new Set(),
    transact: (work) => transaction(db, work),
    load: () => store.loadOpen(),
    onError: (_e, context) => errors.push(context),
  });
  return { path, db, pipeline, clock, errors };
}

const count = (db: DatabaseSync, table: string): number =>
  Number(Object.values(db.prepare(`SELECT COUNT(*) FROM ${table}`).get() ?? {})[0]);

describe('alert pipeline under store faults', () => {
  for (const table of ['incidents', 'incident_alerts'])
    for (const kind of faultKinds)
      it(`${kind} on ${table}: the failed alert is not taken for a duplicate when redelivered`, async () => {
        const { path, db, pipeline } = setup();
        const a = alert({ alertname: 'DiskFull', service: 'db' }, start);
        const fault = failWrites(path, [table], kind);
        assert.throws(() => pipeline.process(a), 'the failed write fails the delivery, so the backbone redelivers');
        fault.clear();
        await new Promise((r) => setImmediate(r));
        assert.equal(count(db, 'incidents'), 0, 'nothing half-written');
        const again = pipeline.process(a);
        assert.equal(again.outcome, 'opened', 'the redelivery is processed, not dropped as a duplicate');
        assert.equal(count(db, 'incident_alerts'), 1);
        assert.equal(pipeline.process(a).outcome, 'deduplicated', 'a real repeat still is');
        pipeline.stop();
        db.close();
      });

  for (const kind of faultKinds)
    it(`${kind} on the outbox during a group flush: the timer survives and the next tick notifies`, () => {
      const { path, db, pipeline, clock, errors } = setup();
      pipeline.process(alert({ alertname: 'HighLatency', service: 'api' }, start));
      const fault = failWrites(path, ['outbox'], kind);
      clock.advance(0);
      assert.ok(errors.includes('group flush'), 'the failed flush is reported, not thrown out of the timer');
      fault.clear();
      assert.equal(count(db, 'outbox'), 0);
      clock.advance(60_000);
      assert.equal(count(db, 'outbox'), 1, 'the team is notified on the next group tick');
      pipeline.stop();
      db.close();
    });

  it('an acknowledge whose write fails leaves the incident as stored', () => {
    const { path, db, pipeline } = setup();
    const { incidentId } = pipeline.process(alert({ alertname: 'Down', service: 'web' }, start));
    assert.ok(incidentId !== undefined);
    const fault = failWrites(path, ['incidents'], 'io');
    assert.throws(() => pipeline.acknowledge(incidentId, 'alice'));
    fault.clear();
    const row = db.prepare('SELECT status FROM incidents WHERE id = ?').get(incidentId) as { status: string };
    assert.equal(row.status, 'triggered');
    assert.equal(pipeline.incident(incidentId)?.status, 'triggered', 'memory rebuilt from what was stored');
    assert.equal(pipeline.acknowledge(incidentId, 'alice').status, 'acknowledged');
    pipeline.stop();
    db.close();
  });
});

describe('outbox under store faults', () => {
  const channel = (keys: string[]): Channel<'webhook'> => ({
    type: 'webhook',
    send: (_t, _m, ctx) => {
      keys.push(ctx.idempotencyKey);
      return Promise.resolve();
    },
  });
  /** An outbox whose webhook channel records the keys it was given, and the failures reported. */
  const recordingOutbox = (path: string) => {
    const db = openSqlite(path, { synchronous: 'NORMAL', busyTimeoutMs: 50 });
    const keys: string[] = [];
    const errors: string[] = [];
    const outbox = new Outbox({
      db,
      channels: { webhook: channel(keys) },
      retry: { attempts: 3, initialBackoffMs: 10, maxBackoffMs: 10 },
      timeoutMs: 1_000,
      onError: (_e, context) => errors.push(context),
    });
    return { db, keys, errors, outbox };
  };
  const item = (key: string) => ({
    key,
    target: { ...hook('x'), headers: {} },
    message: testMessage({ incidentId: key }),
    recipient: 'team',
  });

  it('an unreadable row fails alone, logged, and the others are delivered', async () => {
    const { db, keys, errors, outbox } = recordingOutbox(join(dir, 'outbox-unreadable.db'));
    outbox.enqueue([item('a'), item('b'), item('c')]);
    db.prepare(`UPDATE outbox SET message = '{"from an older version' WHERE key = 'b'`).run();
    db.prepare(`UPDATE outbox SET target = '{"type":"carrier-pigeon"}' WHERE key = 'c'`).run();
    outbox.start();
    await waitFor(() => (outbox.counts().pending ?? 0) === 0 && (outbox.counts().sending ?? 0) === 0, 5_000, 'done');
    await outbox.stop();
    assert.deepEqual(keys, ['a']);
    assert.deepEqual(outbox.counts(), { delivered: 1, failed: 2 });
    assert.equal(errors.filter((c) => c.startsWith('reading outbox row')).length, 2);
    db.close();
  });

  for (const kind of ['io', 'full', 'busy'] as FaultKind[])
    it(`${kind} while recording an outcome: the row is not sent twice and is recorded once the store recovers`, async () => {
      const path = join(dir, `outbox-record-${kind}.db`);
      const db = openSqlite(path, { synchronous: 'NORMAL', busyTimeoutMs: 50 });
      const keys: string[] = [];
      let fault: { clear(): void } | undefined;
      const outbox = new Outbox({
        db,
        channels: {
          webhook: {
            type: 'webhook',
            send: (_t, _m, ctx) => {
              keys.push(ctx.idempotencyKey);
              // The provider accepted it; now the store fails before the outcome is written.
              fault = failWrites(path, ['outbox', 'delivery_log'], kind);
              return Promise.resolve();
            },
          },
        },
        retry: { attempts: 3, initialBackoffMs: 10, maxBackoffMs: 10 },
        timeoutMs: 1_000,
      });
      outbox.enqueue([item('only')]);
      outbox.start();
      await waitFor(() => fault !== undefined, 5_000, 'sent');
      await new Promise((r) => setTimeout(r, 100));
      fault?.clear();
      await waitFor(() => outbox.counts().delivered === 1, 5_000, 'recorded after recovery');
      await outbox.stop();
      assert.deepEqual(keys, ['only'], 'delivered once');
      assert.equal(outbox.deliveries().length, 1);
      db.close();
    });

  it('claims that fail (store busy) are retried by the worker', async () => {
    const path = join(dir, 'outbox-claim.db');
    const { db, keys, errors, outbox } = recordingOutbox(path);
    outbox.enqueue([item('p1'), item('p2')]);
    outbox.start();
    // Locked before the worker's first claim (it runs from a timer).
    const fault = failWrites(path, [], 'busy');
    await waitFor(() => errors.includes('claiming outbox rows'), 5_000, 'a failed claim');
    fault.clear();
    await waitFor(() => outbox.counts().delivered === 2, 5_000, 'both delivered after the lock is gone');
    await outbox.stop();
    assert.deepEqual(keys.sort(), ['p1', 'p2']);
    db.close();
  });
});
