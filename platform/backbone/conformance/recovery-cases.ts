import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BusClosedError, type Delivery } from '../bus.ts';
import { instrumentBus } from '../instrumented-bus.ts';
import { waitFor, type AuditDelivery, type ConformanceContext } from './context.ts';

/** Dead letters, replay, manual commits, drain, lag, close and restart: what an adapter does when things end. */
export function recoveryCases(ctx: ConformanceContext): void {
  const { target, timeout, uniq, open, track, audit, seqOf, mine } = ctx;

  it('sends an event that keeps failing to the dead-letter topic after the configured retries, then moves on', async () => {
    const bus = await open();
    // Counted through the instrumented bus, as /metrics counts it: the adapter's own dead-letter publish.
    const counted: string[] = [];
    instrumentBus(bus, {
      published: (topic, outcome) => counted.push(`${topic}:${outcome}`),
      consumed: () => undefined,
    });
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
    assert.deepEqual(counted, ['audit.dlq:ok'], 'the dead letter counted once as published on audit.dlq');
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
    await assert.rejects(bus.subscribe({ group: uniq('g'), topic: 'audit', handler: () => undefined }), BusClosedError);
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
}
