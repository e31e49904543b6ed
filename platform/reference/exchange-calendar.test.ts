import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { easter, usTradingDay } from './exchange-calendar.ts';

/** Every weekday the US exchanges close in a year, as published by NYSE. */
const published: Record<number, string[]> = {
  2024: [
    '2024-01-01',
    '2024-01-15',
    '2024-02-19',
    '2024-03-29',
    '2024-05-27',
    '2024-06-19',
    '2024-07-04',
    '2024-09-02',
    '2024-11-28',
    '2024-12-25',
  ],
  2025: [
    '2025-01-01',
    '2025-01-09',
    '2025-01-20',
    '2025-02-17',
    '2025-04-18',
    '2025-05-26',
    '2025-06-19',
    '2025-07-04',
    '2025-09-01',
    '2025-11-27',
    '2025-12-25',
  ],
  2026: [
    '2026-01-01',
    '2026-01-19',
    '2026-02-16',
    '2026-04-03',
    '2026-05-25',
    '2026-06-19',
    '2026-07-03',
    '2026-09-07',
    '2026-11-26',
    '2026-12-25',
  ],
  2027: [
    '2027-01-01',
    '2027-01-18',
    '2027-02-15',
    '2027-03-26',
    '2027-05-31',
    '2027-06-18',
    '2027-07-05',
    '2027-09-06',
    '2027-11-25',
    '2027-12-24',
  ],
};

function weekdaysOf(year: number): string[] {
  const days: string[] = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) days.push(d.toISOString().slice(0, 10));
  }
  return days;
}

describe('US exchange calendar', () => {
  for (const [year, closed] of Object.entries(published)) {
    it(`closes on exactly the published holidays of ${year}`, () => {
      assert.deepEqual(
        weekdaysOf(Number(year)).filter((d) => !usTradingDay(d).open),
        closed,
      );
    });
  }

  it('closes early at 13:00 before Independence Day, after Thanksgiving and on Christmas Eve', () => {
    const early = (year: number): string[] => weekdaysOf(year).filter((d) => usTradingDay(d).regularClose === 780);
    assert.deepEqual(early(2024), ['2024-07-03', '2024-11-29', '2024-12-24']);
    assert.deepEqual(early(2025), ['2025-07-03', '2025-11-28', '2025-12-24']);
    assert.deepEqual(early(2026), ['2026-11-27', '2026-12-24']);
  });

  it('names holidays and closes weekends', () => {
    assert.equal(usTradingDay('2026-11-26').holiday, 'Thanksgiving Day');
    assert.equal(usTradingDay('2025-03-08').open, false);
    assert.equal(usTradingDay('2025-03-10').open, true);
    assert.equal(easter(2025), '2025-04-20');
    assert.equal(easter(2027), '2027-03-28');
  });
});
