import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BarAggregator, type BarEvent } from './aggregator.ts';

const T0 = Date.parse('2026-01-05T14:30:00Z'); // 09:30 in New York
const s = (seconds: number): number => T0 + seconds * 1000;
const tick = (seconds: number, price: number, size = 1) => ({ symbol: 'AAPL', price, size, ts: s(seconds) });
const only = (events: BarEvent[], interval: string) => events.filter((e) => e.interval === interval);

function aggregator(options: { graceMs?: number } = {}): BarAggregator {
  return new BarAggregator({ timeZoneOf: () => 'America/New_York', intervals: ['1s', '1m'], ...options });
}

describe('bar aggregation', () => {
  it('updates the open bar, then emits it final when a tick of the next bucket arrives', () => {
    const agg = aggregator();
    assert.deepEqual(
      only(agg.add(tick(0, 10, 5), s(0)), '1m').map((e) => e.state),
      ['open'],
    );
    agg.add(tick(20, 12, 1), s(20));
    agg.add(tick(40, 9, 2), s(40));
    const events = agg.add(tick(60, 11, 3), s(60));
    const minute = only(events, '1m');
    assert.deepEqual(
      minute.map((e) => e.state),
      ['final', 'open'],
    );
    assert.deepEqual(minute[0]?.bar, { start: T0, open: 10, high: 12, low: 9, close: 9, volume: 8 });
    assert.deepEqual(minute[1]?.bar, { start: s(60), open: 11, high: 11, low: 11, close: 11, volume: 3 });
  });

  it('orders out-of-order ticks inside the open bucket by their event time', () => {
    const agg = aggregator();
    agg.add(tick(10, 10), s(10));
    agg.add(tick(30, 30), s(30));
    agg.add(tick(5, 5), s(31)); // earliest: becomes the open
    agg.add(tick(20, 20), s(32)); // not the latest: close stays 30
    assert.deepEqual(agg.current('AAPL', '1m'), { start: T0, open: 5, high: 30, low: 5, close: 30, volume: 4 });
  });

  it('corrects a closed bar with a late tick inside the grace window and re-emits it', () => {
    const agg = aggregator({ graceMs: 10_000 });
    agg.add(tick(59, 10), s(59));
    agg.add(tick(61, 11), s(61)); // closes the first minute
    const events = only(agg.add(tick(58, 15, 2), s(62)), '1m');
    assert.deepEqual(
      events.map((e) => [e.state, e.bar.start]),
      [['corrected', T0]],
    );
    assert.deepEqual(events[0]?.bar, { start: T0, open: 15, high: 15, low: 10, close: 10, volume: 3 });
    assert.deepEqual(agg.current('AAPL', '1m')?.close, 11, 'the open bar is untouched');
    assert.equal(agg.stats().corrected, 2, 'the 1s and the 1m bar');
  });

  it('gives a bucket that had no ticks its bar when a late tick for it comes within grace', () => {
    const agg = aggregator({ graceMs: 10_000 });
    agg.add(tick(1, 10), s(1));
    agg.add(tick(5, 11), s(5));
    const events = only(agg.add(tick(3, 12), s(5)), '1s');
    assert.deepEqual(
      events.map((e) => [e.state, e.bar.start, e.bar.close]),
      [['corrected', s(3), 12]],
    );
  });

  it('drops and counts ticks older than the grace window', () => {
    const agg = aggregator({ graceMs: 10_000 });
    agg.add(tick(0, 10), s(0));
    agg.add(tick(100, 11), s(100));
    const events = agg.add(tick(30, 99), s(100));
    assert.deepEqual(events, []);
    assert.equal(agg.stats().lateDropped, 2, 'one per interval');
    assert.equal(agg.current('AAPL', '1m')?.high, 11);
  });

  it('drops ticks stamped far in the future, which would otherwise close every bar', () => {
    const agg = aggregator();
    agg.add(tick(0, 10), s(0));
    assert.deepEqual(agg.add(tick(3600, 10), s(1)), []);
    assert.equal(agg.stats().futureDropped, 1);
    assert.equal(agg.current('AAPL', '1m')?.start, T0);
  });

  it("closes a quiet symbol's bar after its end plus the close delay, then treats its ticks as late", () => {
    const agg = new BarAggregator({
      timeZoneOf: () => 'America/New_York',
      intervals: ['1m'],
      closeDelayMs: 2_000,
      graceMs: 10_000,
    });
    agg.add(tick(30, 10), s(30));
    assert.deepEqual(agg.advance(s(61)), [], 'not before end + delay');
    const closed = agg.advance(s(62));
    assert.deepEqual(
      closed.map((e) => [e.state, e.bar.start]),
      [['final', T0]],
    );
    assert.equal(agg.current('AAPL', '1m'), undefined);
    const late = agg.add(tick(50, 12), s(63));
    assert.deepEqual(
      late.map((e) => [e.state, e.bar.close]),
      [['corrected', 12]],
    );
  });

  it('keeps one daily bar across the whole 25-hour fall-back day in New York', () => {
    const agg = new BarAggregator({ timeZoneOf: () => 'America/New_York', intervals: ['1d'] });
    const first = Date.parse('2026-11-01T04:00:00Z'); // 00:00 EDT
    const last = Date.parse('2026-11-02T04:59:59Z'); // 23:59:59 EST
    agg.add({ symbol: 'AAPL', price: 10, size: 1, ts: first }, first);
    agg.add({ symbol: 'AAPL', price: 12, size: 1, ts: last }, last);
    assert.deepEqual(agg.current('AAPL', '1d'), { start: first, open: 10, high: 12, low: 10, close: 12, volume: 2 });
    const next = agg.add({ symbol: 'AAPL', price: 13, size: 1, ts: last + 1000 }, last + 1000);
    assert.deepEqual(
      next.map((e) => [e.state, new Date(e.bar.start).toISOString()]),
      [
        ['final', '2026-11-01T04:00:00.000Z'],
        ['open', '2026-11-02T05:00:00.000Z'],
      ],
    );
  });

  it('keeps symbols apart, each in its own time zone', () => {
    const agg = new BarAggregator({
      timeZoneOf: (sym) => (sym === 'INFY' ? 'Asia/Kolkata' : 'America/New_York'),
      intervals: ['1d'],
    });
    const ts = Date.parse('2026-01-05T20:00:00Z');
    agg.add({ symbol: 'INFY', price: 1, size: 1, ts }, ts);
    agg.add({ symbol: 'AAPL', price: 2, size: 1, ts }, ts);
    assert.equal(new Date(agg.current('INFY', '1d')?.start ?? 0).toISOString(), '2026-01-05T18:30:00.000Z');
    assert.equal(new Date(agg.current('AAPL', '1d')?.start ?? 0).toISOString(), '2026-01-05T05:00:00.000Z');
  });
});
