import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scheduleSchema } from '../config/schema.ts';
import { onCallAt } from './schedule.ts';

describe('on-call schedules', () => {
  // Daily hand-off at 09:00 Berlin time; clocks go forward on 2026-03-29 (CET -> CEST).
  const berlin = scheduleSchema.parse({
    id: 'ops',
    name: 'Ops',
    time_zone: 'Europe/Berlin',
    layers: [{ users: ['alice', 'bob', 'carol'], rotation: { length: 1, unit: 'days' }, start: '2026-03-27T09:00' }],
  });

  it('hands off at 09:00 local time on both sides of the DST change', () => {
    assert.equal(onCallAt(berlin, Date.parse('2026-03-27T07:59:00Z')), undefined, 'before the rotation starts');
    assert.equal(onCallAt(berlin, Date.parse('2026-03-27T08:00:00Z')), 'alice', '09:00 CET');
    assert.equal(onCallAt(berlin, Date.parse('2026-03-28T07:59:00Z')), 'alice');
    assert.equal(onCallAt(berlin, Date.parse('2026-03-28T08:00:00Z')), 'bob');
    // After the change 09:00 local is 07:00Z: a rotation counting 24 real hours would still say bob at 07:30Z.
    assert.equal(onCallAt(berlin, Date.parse('2026-03-29T06:59:00Z')), 'bob', '08:59 CEST on the change day');
    assert.equal(onCallAt(berlin, Date.parse('2026-03-29T07:30:00Z')), 'carol', '09:30 CEST on the change day');
    assert.equal(onCallAt(berlin, Date.parse('2026-03-30T06:59:00Z')), 'carol', '08:59 CEST');
    assert.equal(onCallAt(berlin, Date.parse('2026-03-30T07:00:00Z')), 'alice', '09:00 CEST = 07:00Z');
  });

  it('keeps the local hand-off when clocks go back (New York, November)', () => {
    const ny = scheduleSchema.parse({
      id: 'ny',
      name: 'NY',
      time_zone: 'America/New_York',
      layers: [{ users: ['dan', 'eve'], rotation: { length: 1, unit: 'weeks' }, start: '2026-10-26T10:00' }],
    });
    assert.equal(
      onCallAt(ny, Date.parse('2026-11-02T14:59:00Z')),
      'dan',
      '09:59 EST: the 10:00 EDT start plus 7 days is 15:00Z',
    );
    assert.equal(onCallAt(ny, Date.parse('2026-11-02T15:00:00Z')), 'eve');
  });

  it('overrides and later layers take precedence', () => {
    const s = scheduleSchema.parse({
      id: 'x',
      name: 'X',
      time_zone: 'UTC',
      layers: [
        { users: ['alice', 'bob'], rotation: { length: 12, unit: 'hours' }, start: '2026-01-01T00:00' },
        { name: 'weekend', users: ['weekender'], rotation: { length: 1, unit: 'weeks' }, start: '2026-06-06T00:00' },
      ],
      overrides: [{ user: 'carol', start: '2026-01-01T13:00:00Z', end: '2026-01-01T14:00:00Z' }],
    });
    assert.equal(onCallAt(s, Date.parse('2026-01-01T11:00:00Z')), 'alice');
    assert.equal(onCallAt(s, Date.parse('2026-01-01T12:30:00Z')), 'bob');
    assert.equal(onCallAt(s, Date.parse('2026-01-01T13:30:00Z')), 'carol');
    assert.equal(onCallAt(s, Date.parse('2026-07-01T13:30:00Z')), 'weekender');
  });
});
