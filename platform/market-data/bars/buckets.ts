/**
 * Bar bucket boundaries in an exchange's time zone. Fixed-length buckets (1s .. 1h) are aligned on the
 * local clock, so a 1h bucket of a +05:30 zone starts at :30 UTC; at a DST fall-back the repeated local
 * hour is two distinct buckets (each one real hour), at a spring-forward the skipped hour has none.
 * Daily buckets run from local midnight to the next local midnight: 23 or 25 hours long on DST days.
 */
import { wallClock } from '../../time/wall-clock.ts';

export const intervals = ['1s', '1m', '5m', '1h', '1d'] as const;
export type Interval = (typeof intervals)[number];

const fixedMs: Readonly<Record<Exclude<Interval, '1d'>, number>> = {
  '1s': 1_000,
  '1m': 60_000,
  '5m': 300_000,
  '1h': 3_600_000,
};
const DAY_MS = 86_400_000;

export interface Bucket {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/** UTC offset per time zone and quarter hour: every real zone changes its offset on a quarter hour. */
const offsets = new Map<string, Map<number, number>>();
const QUARTER_HOUR = 900_000;

/** The zone's offset from UTC at instant `ts`, in ms (New York in winter: -5 h). */
export function utcOffsetMs(timeZone: string, ts: number): number {
  const key = Math.floor(ts / QUARTER_HOUR);
  let zone = offsets.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    offsets.set(timeZone, zone);
  }
  const cached = zone.get(key);
  if (cached !== undefined) return cached;
  const at = key * QUARTER_HOUR;
  const w = wallClock(at, timeZone);
  const local = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const offset = local - at;
  if (zone.size > 50_000) zone.clear();
  zone.set(key, offset);
  return offset;
}

/**
 * The first instant of the local calendar day `localDay` (that date at 00:00 "as if UTC"). Two guesses
 * cover the offset before and after a change; one whose local time falls before the day belongs to a
 * zone that skips midnight (DST at 00:00), whose day starts at the end of the gap.
 */
function localMidnight(timeZone: string, localDay: number): number {
  const first = localDay - utcOffsetMs(timeZone, localDay);
  const second = localDay - utcOffsetMs(timeZone, first);
  const valid = [first, second].filter((t) => t + utcOffsetMs(timeZone, t) >= localDay);
  return valid.length === 0 ? first : Math.min(...valid);
}

/** The bucket of `interval` holding instant `ts` in `timeZone`. */
export function bucketOf(ts: number, interval: Interval, timeZone: string): Bucket {
  const offset = utcOffsetMs(timeZone, ts);
  const local = ts + offset;
  if (interval === '1d') {
    const day = Math.floor(local / DAY_MS) * DAY_MS;
    return { start: localMidnight(timeZone, day), end: localMidnight(timeZone, day + DAY_MS) };
  }
  const length = fixedMs[interval];
  const start = local - mod(local, length) - offset;
  return { start, end: start + length };
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
