import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { BusClosedError, type Delivery, type EventBus, type Subscription } from '../bus.ts';
import { InvalidEventError } from '../envelope.ts';

export interface ConformanceTarget {
  readonly name: string;
  /** A bus on the target; calls after the first reach the same stored state (a restart, for durable ones). */
  create(): Promise<EventBus>;
  /** Whether a new bus from create() still has what an earlier one acknowledged. */
  readonly durable?: boolean;
  /** When set, the suite is skipped and this reason printed. */
  readonly skip?: string;
  /** How long to wait for deliveries: brokers need time to rebalance groups. */
  readonly timeoutMs?: number;
}

/** Polls until `predicate` holds, failing with `what` after the timeout. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

type AuditDelivery = Delivery<'audit'>;

/**
 * The behaviour every EventBus adapter must show. Each test uses its own groups and keys (prefixed by a
 * run id), so the suite can share topics with other runs on a real broker.
 */
export function busConformance(target: ConformanceTarget): void {
  const timeout = target.timeoutMs ?? 5_000;
  const run = randomUUID().slice(0, 8);
  let counter = 0;
  const uniq = (what: string): string => `${run}-${what}-${String(counter++)}`;
  const buses: EventBus[] = [];
  const open = async (): Promise<EventBus> => {
    const bus = await target.create();
    buses.push(bus);
    return bus;
  };
  const subs: Subscription[] = [];
  const track = (s: Subscription): Subscription => {
    subs.push(s);
    return s;
  };
  const audit = (bus: EventBus, key: string, seq: number, extra: Record<string, unknown> = {}) =>
    bus.publish('audit', {
      key,
      data: { actor: key, action: 'test', resource: 'conformance', details: { seq, ...extra } },
    });
  const seqOf = (d: AuditDelivery): number => Number(d.envelope.data.details.seq);
  const mine =
    (prefix: string) =>
    (d: AuditDelivery): boolean =>
      d.envelope.subject.startsWith(prefix);

  describe(`EventBus conformance: ${target.name}`, { skip: target.skip ?? false }, () => {
    after(async () => {
      await Promise.all(subs.map((s) => s.close('abort').catch(() => undefined)));
      await Promise.all(buses.map((b) => b.close().catch(() => undefined)));
    });

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

    it('sends an event that keeps failing to the dead-letter topic after the configured retries, then moves on', async () => {
      const bus = await open();
      const key = uniq('poison');
      const attempts: number[] = [];
      const handled: number[] = [];
      track(
        await bus.subscribe({
          group: uniq('g'),
          topic: 'audit',
          retry: { retries: 2, initialBackoffMs: 5, maxBackoffMs: 20 },
          handler: (d) => {
            if (!mine(key)(d)) return;
            if (d.envelope.data.details.poison === true) {
              attempts.push(d.attempt);
              throw new Error('cannot handle this one');
            }
            handled.push(seqOf(d));
          },
        }),
      );
      const dead: Delivery<'audit.dlq'>[] = [];
      track(
        await bus.subscribe({
          group: uniq('dlq'),
          topic: 'audit.dlq',
          handler: (d) => {
            if (d.envelope.subject === key) dead.push(d);
          },
        }),
      );
      await audit(bus, key, 1);
      const poison = await audit(bus, key, 2, { poison: true });
      await audit(bus, key, 3);
      await waitFor(() => dead.length === 1 && handled.length === 2, timeout, 'the dead letter and the next event');
      assert.deepEqual(attempts, [1, 2, 3]);
      assert.deepEqual(handled, [1, 3]);
      const letter = dead[0]!.envelope.data;
      assert.equal(letter.topic, 'audit');
      assert.equal(letter.attempts, 3);
      assert.match(letter.error, /cannot handle this one/);
      assert.equal((letter.original as { id: string }).id, poison.id);
    });

    it('replays a group from an offset and from a time', async () => {
      const bus = await open();
      const key = uniq('replay');
      const got: AuditDelivery[] = [];
      const sub = track(
        await bus.subscribe({
          group: uniq('g'),
          topic: 'audit',
          handler: (d) => {
            if (mine(key)(d)) got.push(d);
          },
        }),
      );
      for (let i = 0; i < 10; i++) await audit(bus, key, i);
      await waitFor(() => got.length === 10, timeout, 'first pass');
      const fifth = got[5]!;
      await sub.replay({ partition: fifth.partition, offset: fifth.offset });
      await waitFor(() => got.length === 15, timeout, 'replay from offset');
      assert.deepEqual(got.slice(10).map(seqOf), [5, 6, 7, 8, 9]);
      await new Promise((r) => setTimeout(r, 20));
      const since = new Date();
      await new Promise((r) => setTimeout(r, 20));
      for (let i = 10; i < 13; i++) await audit(bus, key, i);
      await waitFor(() => got.length === 18, timeout, 'new events');
      await sub.replay({ time: since });
      await waitFor(() => got.length === 21, timeout, 'replay from time');
      assert.deepEqual(got.slice(18).map(seqOf), [10, 11, 12]);
    });

    it('with manual commits, resumes a new member after the last committed event', async () => {
      const bus = await open();
      const key = uniq('manual');
      const group = uniq('g');
      const first: number[] = [];
      const sub = track(
        await bus.subscribe({
          group,
          topic: 'audit',
          commit: 'manual',
          handler: (d) => {
            if (!mine(key)(d)) {
              d.commit();
              return;
            }
            first.push(seqOf(d));
            if (seqOf(d) < 3) d.commit();
          },
        }),
      );
      for (let i = 0; i < 6; i++) await audit(bus, key, i);
      await waitFor(() => first.length === 6, timeout, 'first member');
      await sub.close('abort');
      const second: number[] = [];
      track(
        await bus.subscribe({
          group,
          topic: 'audit',
          handler: (d) => {
            if (mine(key)(d)) second.push(seqOf(d));
          },
        }),
      );
      await waitFor(() => second.length === 3, timeout, 'uncommitted events');
      assert.deepEqual(second, [3, 4, 5]);
    });

    it('drains: close waits for the in-flight event and commits it', async () => {
      const bus = await open();
      const key = uniq('drain');
      const group = uniq('g');
      let started = false;
      let finished = false;
      const sub = await bus.subscribe({
        group,
        topic: 'audit',
        handler: async (d) => {
          if (!mine(key)(d)) return;
          started = true;
          await new Promise((r) => setTimeout(r, 100));
          finished = true;
        },
      });
      await audit(bus, key, 1);
      await waitFor(() => started, timeout, 'the event to start');
      await sub.close('drain');
      assert.equal(finished, true, 'close resolved before the in-flight handler finished');
      const again: number[] = [];
      track(
        await bus.subscribe({
          group,
          topic: 'audit',
          handler: (d) => {
            if (mine(key)(d)) again.push(seqOf(d));
          },
        }),
      );
      await audit(bus, key, 2);
      await waitFor(() => again.length >= 1, timeout, 'the next event');
      assert.deepEqual(again, [2], 'the drained event was committed, so it is not delivered again');
    });

    it('reports consumer lag per group and partition', async () => {
      const bus = await open();
      const key = uniq('lag');
      const group = uniq('g');
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let seen = 0;
      track(
        await bus.subscribe({
          group,
          topic: 'audit',
          handler: async (d) => {
            if (mine(key)(d)) {
              seen++;
              await gate;
            }
          },
        }),
      );
      for (let i = 0; i < 5; i++) await audit(bus, key, i);
      await waitFor(() => seen === 1, timeout, 'the first event');
      const lagging = (await bus.lag()).filter((l) => l.group === group);
      assert.ok(lagging.reduce((n, l) => n + l.lag, 0) >= 5, 'five events not yet committed');
      release();
      await waitFor(() => seen === 5, timeout, 'all events');
      const deadline = Date.now() + timeout;
      let total = -1;
      while (Date.now() < deadline) {
        total = (await bus.lag()).filter((l) => l.group === group).reduce((n, l) => n + l.lag, 0);
        if (total === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(total, 0);
    });

    it('rejects publishes and subscriptions once closed', async () => {
      const bus = await target.create();
      await bus.close();
      await assert.rejects(audit(bus, uniq('closed'), 1), BusClosedError);
      await assert.rejects(
        bus.subscribe({ group: uniq('g'), topic: 'audit', handler: () => undefined }),
        BusClosedError,
      );
      assert.equal(await bus.ready(), false);
    });

    it(
      'keeps acknowledged events and commits across a restart',
      { skip: target.durable === true ? false : 'this adapter is not durable' },
      async () => {
        const key = uniq('restart');
        const group = uniq('g');
        const before = await target.create();
        const got: number[] = [];
        const sub = await before.subscribe({
          group,
          topic: 'audit',
          handler: (d) => {
            if (mine(key)(d)) got.push(seqOf(d));
          },
        });
        for (let i = 0; i < 3; i++) await audit(before, key, i);
        await waitFor(() => got.length === 3, timeout, 'events before the restart');
        await sub.close('drain');
        for (let i = 3; i < 6; i++) await audit(before, key, i);
        await before.close();
        const afterRestart = await open();
        const resumed: number[] = [];
        track(
          await afterRestart.subscribe({
            group,
            topic: 'audit',
            handler: (d) => {
              if (mine(key)(d)) resumed.push(seqOf(d));
            },
          }),
        );
        await waitFor(() => resumed.length === 3, timeout, 'events published before the restart');
        assert.deepEqual(resumed, [3, 4, 5]);
      },
    );
  });
}
