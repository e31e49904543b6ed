import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { EmbeddedBus } from '../../backbone/embedded/embedded-bus.ts';
import type { Subscription } from '../../backbone/bus.ts';
import { LiveUniverse } from '../../market-data/live-universe.ts';
import { createLogger } from '../../telemetry/logger.ts';
import { eventually } from '../../testing/eventually.ts';
import { announceUniverse } from '../../testing/market-fixtures.ts';
import type { OutboxItem } from '../notify/outbox.ts';
import { PriceAlertLiveStream, type PriceAlertLiveEvent } from './live-stream.ts';
import { priceRuleInput } from './rules.ts';
import { PriceAlertService } from './service.ts';

/** One alerts instance as a deployment runs it: its own database and sessions, the shared bus. */
function instance(bus: EmbeddedBus, name: string) {
  const live = new PriceAlertLiveStream();
  const queued: OutboxItem[] = [];
  const service = new PriceAlertService({
    db: new DatabaseSync(':memory:'),
    bus,
    enqueue: (items) => queued.push(...items),
    logger: createLogger({ service: 'test', level: 'silent' }),
    universe: new LiveUniverse(),
    live,
    instance: name,
  });
  return { live, queued, service };
}

/** A session's SSE frames, parsed back into the firings it was sent. */
function session(live: PriceAlertLiveStream, userId: string): PriceAlertLiveEvent[] {
  const got: PriceAlertLiveEvent[] = [];
  live.open(userId, {
    write: (frame) => {
      const data = frame.split('\n').find((l) => l.startsWith('data: '));
      if (frame.startsWith('event: price-alert') && data !== undefined)
        got.push(JSON.parse(data.slice(6)) as PriceAlertLiveEvent);
    },
    end: () => undefined,
  });
  return got;
}

describe('price alert firings reach the owner on every alerts instance', () => {
  // One partition: the first instance to join owns it in the shared groups, so it evaluates every tick.
  const bus = new EmbeddedBus({ partitions: 1, source: 'test' });
  const subscriptions: Subscription[] = [];
  after(async () => {
    for (const s of subscriptions) await s.close();
    await bus.close();
  });

  it('a session on instance B gets a firing evaluated on instance A exactly once; deliveries are queued once', async () => {
    await announceUniverse(bus, ['AAPL']);
    const a = instance(bus, 'host-a:8080');
    const b = instance(bus, 'host-b:8080');
    subscriptions.push(...(await a.service.start()), ...(await b.service.start()));
    await eventually(() => a.service.universe.has('AAPL') && b.service.universe.has('AAPL'), 'the universe');
    // The rule lives on A only (its own database), as when it was created through A.
    a.service.put('erin', priceRuleInput.parse({ kind: 'price_above', symbol: 'AAPL', threshold: 200 }));
    const onB = session(b.live, 'erin');
    const onA = session(a.live, 'erin');
    const frankOnB = session(b.live, 'frank');
    const ts = Date.now();
    await bus.publish('market.ticks', { key: 'AAPL', data: { symbol: 'AAPL', price: 199, size: 1, ts } });
    await bus.publish('market.ticks', { key: 'AAPL', data: { symbol: 'AAPL', price: 201, size: 1, ts: ts + 1 } });
    await bus.publish('market.ticks', { key: 'AAPL', data: { symbol: 'AAPL', price: 202, size: 1, ts: ts + 2 } });
    await eventually(() => onB.length > 0 && onA.length > 0, 'the firing on both instances');
    // A later firing (frank's) behind it on the same partition: once both instances sent it, anything the
    // first firing would repeat has gone out too.
    await bus.publish('alerts.user', {
      key: 'frank',
      data: {
        alertId: 'r',
        userId: 'frank',
        symbol: 'AAPL',
        kind: 'price_below',
        threshold: 1,
        observed: 0.5,
        message: 'm',
      },
    });
    const frankOnA = session(a.live, 'frank');
    await eventually(() => frankOnB.length > 0 && b.service.events('frank', 10).length === 1, 'the later firing on B');
    await eventually(() => a.service.events('frank', 10).length === 1, 'the later firing on A');

    assert.equal(onB.length, 1, 'the session on B got the firing once');
    assert.equal(onA.length, 1, 'the session on A got it once');
    const [fired] = onB;
    const [frankFired] = frankOnB;
    assert.ok(fired !== undefined && frankFired !== undefined);
    assert.equal(fired.id, onA[0]?.id);
    assert.equal(fired.symbol, 'AAPL');
    assert.equal(fired.observed, 201);
    assert.deepEqual(
      frankOnB.map((e) => e.userId),
      ['frank'],
      "another user's session gets only that user's firing",
    );
    assert.equal(frankOnA.length, 0, 'a session opened after a firing does not get it');
    assert.deepEqual(
      b.service.events('erin', 10).map((e) => e.id),
      [fired.id],
      "B's feed lists it",
    );
    assert.deepEqual(
      [...a.queued, ...b.queued].map((i) => i.key).sort(),
      [`price:${fired.id}`, `price:${frankFired.id}`].sort(),
      'one Web Push per firing over both instances',
    );
  });

  it('a firing id already sent is not sent again (a redelivery), and the remembered ids are bounded', () => {
    const live = new PriceAlertLiveStream({ recentIds: 2 });
    const got = session(live, 'erin');
    const firing = (id: string): PriceAlertLiveEvent => ({
      id,
      ruleId: 'r',
      userId: 'erin',
      symbol: 'AAPL',
      kind: 'price_above',
      threshold: 1,
      thresholdUnit: 'price',
      observed: 2,
      message: 'm',
      at: new Date(0).toISOString(),
    });
    assert.equal(live.publish(firing('1')), 1);
    assert.equal(live.publish(firing('1')), 0);
    live.publish(firing('2'));
    live.publish(firing('3'));
    // '1' was forgotten (two remembered): a very late redelivery would go out again, the client drops it by id.
    live.publish(firing('1'));
    assert.deepEqual(
      got.map((e) => e.id),
      ['1', '2', '3', '1'],
    );
    live.close();
  });
});
