import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exchanges } from '../../../platform/reference/instruments.ts';
import { activityAt, uShape } from './intraday-profile.ts';
import { createSessionClock, zonedTime } from './session-clock.ts';

const nyse = exchanges.XNYS;

describe('session clock', () => {
  it('follows the real exchange clock in New York time, across daylight saving changes', () => {
    const clock = createSessionClock('exchange', nyse);
    const at = (iso: string): string => clock.at(Date.parse(iso)).session;
    // Monday 10 March 2025 is the first weekday on EDT (UTC-4).
    assert.equal(at('2025-03-10T08:00:00Z'), 'pre'); // 04:00 EDT
    assert.equal(at('2025-03-10T13:29:59Z'), 'pre');
    assert.equal(at('2025-03-10T13:30:00Z'), 'regular'); // 09:30 EDT
    assert.equal(at('2025-03-10T19:59:59Z'), 'regular');
    assert.equal(at('2025-03-10T20:00:00Z'), 'post'); // 16:00 EDT
    assert.equal(at('2025-03-11T00:00:00Z'), 'closed'); // 20:00 EDT
    // Monday 6 January 2025 is on EST (UTC-5).
    assert.equal(at('2025-01-06T14:29:00Z'), 'pre');
    assert.equal(at('2025-01-06T14:30:00Z'), 'regular');
    assert.equal(at('2025-03-08T15:00:00Z'), 'closed', 'Saturday');
    assert.equal(at('2025-03-09T15:00:00Z'), 'closed', 'Sunday');
  });

  it('is closed on exchange holidays and ends early on early-close days', () => {
    const clock = createSessionClock('exchange', nyse);
    const at = (iso: string): string => clock.at(Date.parse(iso)).session;
    assert.equal(at('2026-11-26T15:00:00Z'), 'closed', 'Thanksgiving, a Thursday');
    assert.equal(at('2026-11-27T17:59:00Z'), 'regular', '12:59 EST the day after');
    assert.equal(at('2026-11-27T18:00:00Z'), 'post', '13:00 EST: early close');
    assert.equal(at('2026-11-27T22:00:00Z'), 'closed', 'after-hours end at 17:00 on an early-close day');
    assert.deepEqual(clock.at(Date.parse('2026-11-27T15:00:00Z')).regular, [570, 780]);
  });

  it('compresses an extended-hours day into dayMs of wall time, skipping the closed hours', () => {
    const dayMs = 96_000; // 960 minutes of extended hours: 1 wall ms = 10 market minutes / 1000
    const o = Date.parse('2026-12-02T15:00:00Z'); // a Wednesday
    const clock = createSessionClock('compressed', nyse, { dayMs, originMs: o });
    assert.equal(clock.speed, 600);
    assert.equal(clock.at(o).session, 'pre');
    assert.equal(clock.at(o).minuteOfDay, 240);
    assert.equal(clock.at(o + 32_999).session, 'pre'); // 09:29.99
    assert.equal(clock.at(o + 33_000).session, 'regular'); // 09:30
    assert.equal(clock.at(o + 72_000).session, 'post'); // 16:00
    assert.equal(clock.at(o + 96_000).session, 'pre', 'the next day starts at once');
    assert.equal(clock.at(o + 96_000).day, 1);
    const sessions = new Set(Array.from({ length: 1_000 }, (_, i) => clock.at(o + i * 977).session));
    assert.deepEqual([...sessions].sort(), ['post', 'pre', 'regular'], 'never closed on a trading day');
  });

  it('rests on the exchange weekends and holidays in compressed mode: the chart never shows trading then', () => {
    const clock = createSessionClock('compressed', nyse, { dayMs: 96_000, originMs: 0 });
    assert.equal(clock.at(Date.parse('2026-12-06T23:51:00Z')).session, 'closed', 'Sunday 18:51 in New York');
    assert.equal(clock.at(Date.parse('2026-12-05T15:00:00Z')).session, 'closed', 'Saturday');
    assert.equal(clock.at(Date.parse('2026-12-25T15:00:00Z')).session, 'closed', 'Christmas');
    const monday = new Set(
      Array.from({ length: 200 }, (_, i) => clock.at(Date.parse('2026-12-07T05:00:00Z') + i * 977).session),
    );
    assert.ok(!monday.has('closed'), 'a trading day is alive at any hour (00:00 New York included)');
  });

  it('stays mid regular session in "regular" mode', () => {
    const clock = createSessionClock('regular', nyse);
    assert.equal(clock.at(Date.parse('2025-03-08T03:00:00Z')).session, 'regular');
    assert.deepEqual(activityAt(clock.at(0), 'regular'), { intensity: 1, volatility: 1, spread: 1 });
  });

  it('converts exchange-local times to instants in both DST regimes', () => {
    assert.equal(new Date(zonedTime('2025-03-10', 570, 'America/New_York')).toISOString(), '2025-03-10T13:30:00.000Z');
    assert.equal(new Date(zonedTime('2025-01-06', 570, 'America/New_York')).toISOString(), '2025-01-06T14:30:00.000Z');
    assert.equal(new Date(zonedTime('2025-11-03', 960, 'America/New_York')).toISOString(), '2025-11-03T21:00:00.000Z');
  });
});

describe('intraday activity', () => {
  it('has a U-shaped volume curve with mean 1: twice the average at the open and close, half at midday', () => {
    assert.equal(uShape(0), 2);
    assert.equal(uShape(1), 2);
    assert.equal(uShape(0.5), 0.5);
    const n = 10_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += uShape((i + 0.5) / n);
    assert.ok(Math.abs(sum / n - 1) < 1e-3);
  });

  it('trades thinly with wide spreads outside the regular session and not at all when closed', () => {
    const clock = createSessionClock('exchange', nyse);
    const at = (iso: string) => activityAt(clock.at(Date.parse(iso)), 'exchange');
    const open = at('2025-03-10T13:31:00Z');
    const midday = at('2025-03-10T16:45:00Z');
    const pre = at('2025-03-10T12:00:00Z');
    assert.ok(open.intensity > 1.8 && midday.intensity < 0.6);
    assert.ok(open.spread > midday.spread, 'wider spreads in the opening minutes');
    assert.ok(pre.intensity < 0.2 && pre.spread > 2);
    assert.equal(at('2025-03-08T16:00:00Z').intensity, 0);
  });
});
