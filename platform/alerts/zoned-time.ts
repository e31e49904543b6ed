/** Wall-clock arithmetic in IANA time zones with Intl only (no tz database copy to keep up to date). */
import { wallClock } from '../time/wall-clock.ts';

export { wallClock } from '../time/wall-clock.ts';

/** The local wall-clock time as if it were UTC, in ms: differences between two of these count wall-clock time. */
export function wallClockMs(epochMs: number, timeZone: string): number {
  const w = wallClock(epochMs, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) + (((epochMs % 1000) + 1000) % 1000);
}

/** Parses "YYYY-MM-DDTHH:MM" as a wall-clock time (ms, UTC-based) for comparison with wallClockMs. */
export function parseLocal(local: string): number {
  return Date.parse(`${local}:00Z`);
}

/** The instant at which the zone's clocks show `local` (in a DST gap: the instant just after it). */
export function zonedToEpoch(local: string, timeZone: string): number {
  const wall = parseLocal(local);
  let guess = wall;
  for (let i = 0; i < 3; i++) guess = wall - (wallClockMs(guess, timeZone) - guess);
  return guess;
}

/** Minutes since local midnight. */
export function minuteOfDay(epochMs: number, timeZone: string): number {
  const w = wallClock(epochMs, timeZone);
  return w.hour * 60 + w.minute;
}

export function parseClock(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** True when `minute` lies in [from, to), wrapping past midnight when to <= from. */
export function inDailyRange(minute: number, from: number, to: number): boolean {
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}
