import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketOf, utcOffsetMs } from './buckets.ts';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const bucket = (ts: string, interval: Parameters<typeof bucketOf>[1], zone: string): [string, string] => {
  const b = bucketOf(at(ts), interval, zone);
  return [iso(b.start), iso(b.end)];
};
const NY = 'America/New_York';

describe('bar buckets in the exchange time zone', () => {
  it('puts a tick exactly on a boundary in the new bucket and one a millisecond before in the old one', () => {
    assert.deepEqual(bucket('2026-01-05T14:35:00.000Z', '5m', NY), [
      '2026-01-05T14:35:00.000Z',
      '2026-01-05T14:40:00.000Z',
    ]);
    assert.deepEqual(bucket('2026-01-05T14:34:59.999Z', '5m', NY), [
      '2026-01-05T14:30:00.000Z',
      '2026-01-05T14:35:00.000Z',
    ]);
    assert.deepEqual(bucket('2026-01-05T14:34:59.999Z', '1m', NY), [
      '2026-01-05T14:34:00.000Z',
      '2026-01-05T14:35:00.000Z',
    ]);
    assert.deepEqual(bucket('2026-01-05T14:34:59.999Z', '1s', NY), [
      '2026-01-05T14:34:59.000Z',
      '2026-01-05T14:35:00.000Z',
    ]);
  });

  it('aligns hours and days on the local clock of a half-hour zone', () => {
    assert.deepEqual(bucket('2026-01-05T10:10:00Z', '1h', 'Asia/Kolkata'), [
      '2026-01-05T09:30:00.000Z',
      '2026-01-05T10:30:00.000Z',
    ]);
    assert.deepEqual(bucket('2026-01-05T10:10:00Z', '1d', 'Asia/Kolkata'), [
      '2026-01-04T18:30:00.000Z',
      '2026-01-05T18:30:00.000Z',
    ]);
  });

  it('starts a New York day at local midnight: 05:00 UTC in winter, 04:00 UTC in summer', () => {
    assert.deepEqual(bucket('2026-01-05T04:59:59.999Z', '1d', NY), [
      '2026-01-04T05:00:00.000Z',
      '2026-01-05T05:00:00.000Z',
    ]);
    assert.deepEqual(bucket('2026-01-05T05:00:00.000Z', '1d', NY), [
      '2026-01-05T05:00:00.000Z',
      '2026-01-06T05:00:00.000Z',
    ]);
    assert.deepEqual(bucket('2026-07-01T03:59:59.999Z', '1d', NY), [
      '2026-06-30T04:00:00.000Z',
      '2026-07-01T04:00:00.000Z',
    ]);
  });

  it('makes the spring-forward day 23 hours long and skips the missing local hour', () => {
    assert.deepEqual(bucket('2026-03-08T12:00:00Z', '1d', NY), [
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
    ]);
    // 01:59:59 EST is followed by 03:00:00 EDT (07:00 UTC): consecutive hour buckets, no 02:00 bucket.
    assert.deepEqual(bucket('2026-03-08T06:59:59Z', '1h', NY), [
      '2026-03-08T06:00:00.000Z',
      '2026-03-08T07:00:00.000Z',
    ]);
    assert.deepEqual(bucket('2026-03-08T07:00:00Z', '1h', NY), [
      '2026-03-08T07:00:00.000Z',
      '2026-03-08T08:00:00.000Z',
    ]);
    assert.equal(utcOffsetMs(NY, at('2026-03-08T07:00:00Z')), -4 * 3_600_000);
  });

  it('makes the fall-back day 25 hours long with the repeated 01:00 hour as two buckets', () => {
    assert.deepEqual(bucket('2026-11-01T12:00:00Z', '1d', NY), [
      '2026-11-01T04:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
    ]);
    assert.deepEqual(bucket('2026-11-01T05:30:00Z', '1h', NY), [
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T06:00:00.000Z',
    ]);
    assert.deepEqual(bucket('2026-11-01T06:30:00Z', '1h', NY), [
      '2026-11-01T06:00:00.000Z',
      '2026-11-01T07:00:00.000Z',
    ]);
  });

  it('starts a day whose midnight does not exist at the end of the gap (Santiago, DST at 24:00)', () => {
    assert.deepEqual(bucket('2026-09-06T12:00:00Z', '1d', 'America/Santiago'), [
      '2026-09-06T04:00:00.000Z',
      '2026-09-07T03:00:00.000Z',
    ]);
  });
});
