import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { InvalidEventError } from '../envelope.ts';
import { conformanceContext, waitFor, type AuditDelivery, type ConformanceTarget } from './context.ts';
import { recoveryCases } from './recovery-cases.ts';

export { waitFor, type ConformanceTarget } from './context.ts';

/**
 * The behaviour every EventBus adapter must show. Each test uses its own groups and keys (prefixed by a
 * run id), so the suite can share topics with other runs on a real broker.
 */
export function busConformance(target: ConformanceTarget): void {
  const ctx = conformanceContext(target, randomUUID().slice(0, 8));
  const { timeout, uniq, open, track, audit, seqOf, mine } = ctx;

  describe(`EventBus conformance: ${target.name}`, { skip: target.skip ?? false }, () => {
    after(() => ctx.closeAll());

    it('rejects events whose data breaks the topic schema, and empty keys', async () => {
      const bus = await open();
      await assert.rejects(
        bus.publish('audit', { key: 'k', data: { actor: '', action: 'a', resource: 'r' } }),
        InvalidEventError,
      );
      await assert.rejects(
        bus.publish('market.ticks', { key: 'AAPL', data: { symbol: 'AAPL', price: -1, size: 1, ts: 0 } }),
        (e: unknown) => e instanceof InvalidEventError && /price/.test(e.message),
      );
      await assert.rejects(
        bus.publish('audit', { key: '', data: { actor: 'x', action: 'a', resource: 'r' } }),
        InvalidEventError,
      );
    });

    it('returns a CloudEvents envelope and delivers it unchanged', async () => {
      const bus = await open();
      const key = uniq('env');
      const got: AuditDelivery[] = [];
      track(
        await bus.subscribe({
          group: uniq('g'),
          topic: 'audit',
          handler: (d) => {
            if (mine(key)(d)) got.push(d);
          },
        }),
      );
      const sent = await audit(bus, key, 1);
      assert.equal(sent.specversion, '1.0');
      assert.equal(sent.type, 'com.insitechart.audit');
      assert.equal(sent.subject, key);
      assert.ok(!Number.isNaN(Date.parse(sent.time)));
      await waitFor(() => got.length === 1, timeout, 'the event');
      assert.deepEqual(got[0]?.envelope, sent);
      assert.deepEqual(
        got.map((d) => d.attempt),
        [1],
      );
    });

    it('keeps order per key', async () => {
      const bus = await open();
      const prefix = uniq('order');
      const keys = Array.from({ length: 5 }, (_, i) => `${prefix}-${String(i)}`);
      const seen = new Map<string, number[]>();
      track(
        await bus.subscribe({
          group: uniq('g'),
          topic: 'audit',
          handler: async (d) => {
            if (!mine(prefix)(d)) return;
            // Uneven handler times would reorder events if a key's events were ever handled concurrently.
            if (seqOf(d) % 7 === 0) await new Promise((r) => setTimeout(r, 1));
            const list = seen.get(d.envelope.subject) ?? [];
            list.push(seqOf(d));
            seen.set(d.envelope.subject, list);
          },
        }),
      );
      const per = 40;
      await Promise.all(
        Array.from({ length: per * keys.length }, (_, i) =>
          audit(bus, keys[i % keys.length]!, Math.floor(i / keys.length)),
        ),
      );
      await waitFor(
        () => [...seen.values()].reduce((n, l) => n + l.length, 0) === per * keys.length,
        timeout,
        'all events',
      );
      for (const key of keys)
        assert.deepEqual(
          seen.get(key),
          Array.from({ length: per }, (_, i) => i),
          `order of ${key}`,
        );
    });

    it('gives every event to each of two groups', async () => {
      const bus = await open();
      const prefix = uniq('groups');
      const a: number[] = [];
      const b: number[] = [];
      track(
        await bus.subscribe({
          group: uniq('ga'),
          topic: 'audit',
          handler: (d) => {
            if (mine(prefix)(d)) a.push(seqOf(d));
          },
        }),
      );
      track(
        await bus.subscribe({
          group: uniq('gb'),
          topic: 'audit',
          handler: (d) => {
            if (mine(prefix)(d)) b.push(seqOf(d));
          },
        }),
      );
      const n = 50;
      for (let i = 0; i < n; i++) await audit(bus, `${prefix}-${String(i % 10)}`, i);
      await waitFor(() => a.length >= n && b.length >= n, timeout, 'both groups');
      const all = Array.from({ length: n }, (_, i) => i);
      assert.deepEqual(
        [...new Set(a)].sort((x, y) => x - y),
        all,
      );
      assert.deepEqual(
        [...new Set(b)].sort((x, y) => x - y),
        all,
      );
    });

    it("splits a group's work between its members", async () => {
      const bus = await open();
      const prefix = uniq('split');
      const group = uniq('g');
      const byMember: [Set<number>, Set<number>] = [new Set(), new Set()];
      for (const seen of byMember) {
        track(
          await bus.subscribe({
            group,
            topic: 'audit',
            handler: (d) => {
              if (mine(prefix)(d)) seen.add(seqOf(d));
            },
          }),
        );
      }
      const n = 200;
      for (let i = 0; i < n; i++) await audit(bus, `${prefix}-${String(i)}`, i);
      await waitFor(() => new Set([...byMember[0], ...byMember[1]]).size === n, timeout, 'all events across members');
      assert.ok(
        byMember[0].size > 0 && byMember[1].size > 0,
        `both members work (got ${String(byMember[0].size)} and ${String(byMember[1].size)})`,
      );
      assert.ok(byMember[0].size < n && byMember[1].size < n, 'neither member takes everything');
    });

    it('redelivers an uncommitted event to another member when its consumer dies', async () => {
      const bus = await open();
      const key = uniq('crash');
      const group = uniq('g');
      let firstGot: string | undefined;
      const dying = await bus.subscribe({
        group,
        topic: 'audit',
        handler: (d) => {
          if (!mine(key)(d)) return undefined;
          firstGot = d.envelope.id;
          return new Promise<void>(() => undefined); // hangs: the process "dies" mid-event
        },
      });
      track(dying);
      const sent = await audit(bus, key, 1);
      await waitFor(() => firstGot !== undefined, timeout, 'first delivery');
      const redelivered: AuditDelivery[] = [];
      track(
        await bus.subscribe({
          group,
          topic: 'audit',
          handler: (d) => {
            if (mine(key)(d)) redelivered.push(d);
          },
        }),
      );
      await dying.close('abort');
      await waitFor(() => redelivered.length > 0, timeout, 'redelivery to the surviving member');
      assert.equal(firstGot, sent.id);
      assert.equal(redelivered[0]?.envelope.id, sent.id);
    });

    recoveryCases(ctx);
  });
}
