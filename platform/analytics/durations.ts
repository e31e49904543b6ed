/**
 * Durations as pandas spells them, in milliseconds (the bars' and files' timestamps are epoch milliseconds):
 * rolling windows as fixed-frequency offset strings (pandas 1.5 `to_offset`, Tick units only: '60D', '12h',
 * '30min', '5s', '1h30min') and EWM half-lives as Timedelta strings ('4 days', '1 day 2 hours', '12h').
 * Everything else (calendar offsets such as 'W' or 'M', sub-millisecond units, signs, zero) is refused with a
 * message; lengths and magnitudes are bounded so hostile text costs nothing.
 */
import { z } from 'zod';
import { AnalyticsInputError } from './errors.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The longest window or half-life accepted: about ten years. */
export const MAX_DURATION_MS = 3_660 * DAY;
const MAX_TEXT = 40;

// pandas 1.5 to_offset: 'min' and 'ms' are aliases, other names are upper-cased; D, H, T, S, L are Ticks.
const offsetUnits: Readonly<Record<string, number>> = {
  D: DAY,
  d: DAY,
  H: HOUR,
  h: HOUR,
  T: MINUTE,
  t: MINUTE,
  min: MINUTE,
  Min: MINUTE,
  S: SECOND,
  s: SECOND,
  L: 1,
  l: 1,
  ms: 1,
};
// pandas Timedelta units ('m' is a minute here, unlike an offset's 'M', a month end).
const timedeltaUnits: Readonly<Record<string, number>> = {
  ...Object.fromEntries(['W', 'w', 'week', 'weeks'].map((u) => [u, 7 * DAY])),
  ...Object.fromEntries(['D', 'd', 'day', 'days'].map((u) => [u, DAY])),
  ...Object.fromEntries(['H', 'h', 'hr', 'hour', 'hours'].map((u) => [u, HOUR])),
  ...Object.fromEntries(['m', 'T', 't', 'min', 'minute', 'minutes'].map((u) => [u, MINUTE])),
  ...Object.fromEntries(['S', 's', 'sec', 'second', 'seconds'].map((u) => [u, SECOND])),
  ...Object.fromEntries(['L', 'l', 'ms', 'milli', 'millis', 'millisecond', 'milliseconds'].map((u) => [u, 1])),
};
const subMillisecond = new Set(['U', 'u', 'us', 'N', 'n', 'ns', 'micro', 'micros', 'nanos', 'nanoseconds']);

/** Sums `number unit` components; `spaced` allows blanks between components (Timedelta) or not (offsets). */
function parseDuration(text: string, units: Readonly<Record<string, number>>, what: string, spaced: boolean): number {
  const fail = (why: string): never => {
    throw new AnalyticsInputError(`${what} ${JSON.stringify(text.slice(0, MAX_TEXT))}: ${why}`);
  };
  if (text.length === 0 || text.length > MAX_TEXT) fail(`must be 1 to ${String(MAX_TEXT)} characters`);
  const component = spaced ? /\s*(\d+(?:\.\d*)?|\.\d+)?\s*([A-Za-z]+)\s*/y : /(\d+(?:\.\d*)?|\.\d+)?\s*([A-Za-z]+)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    component.lastIndex = at;
    const m = component.exec(text);
    if (!m) return fail(`expected a number and a unit at position ${String(at)}`);
    const [, count = '1', unit = ''] = m;
    const size = units[unit];
    if (size === undefined)
      return fail(
        subMillisecond.has(unit)
          ? 'sub-millisecond units are not supported (timestamps are milliseconds)'
          : `unit ${JSON.stringify(unit)} is not a fixed duration here (use ${Object.keys(units).join(', ')})`,
      );
    total += Number(count) * size;
    at = component.lastIndex;
  }
  const ms = Math.round(total);
  if (Math.abs(total - ms) > 1e-6 * Math.max(1, total)) fail('must be a whole number of milliseconds');
  if (!(ms > 0)) fail('must be positive');
  if (ms > MAX_DURATION_MS) fail(`must be at most ${String(MAX_DURATION_MS / DAY)} days`);
  return ms;
}

/** A pandas fixed-frequency offset string ('60D', '12h', '30min', '5s', '1h30min') in milliseconds. */
export function offsetMs(text: string): number {
  return parseDuration(text, offsetUnits, 'rolling window offset', false);
}

/** A pandas Timedelta string ('4 days', '1 day 2 hours', '12h') in milliseconds. */
export function timedeltaMs(text: string): number {
  return parseDuration(text, timedeltaUnits, 'EWM halflife', true);
}

/** The message of a refused duration, or undefined when `parse` accepts the text (for zod refinements). */
export function durationProblem(parse: (text: string) => number, text: string): string | undefined {
  try {
    parse(text);
    return undefined;
  } catch (error) {
    if (error instanceof AnalyticsInputError) return error.message;
    throw error;
  }
}

/** A zod string checked by `parse` (offsetMs or timedeltaMs), its message as the issue. */
export const durationString = (parse: (text: string) => number) =>
  z
    .string()
    .max(MAX_TEXT)
    .superRefine((text, ctx) => {
      const problem = durationProblem(parse, text);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    });

const isoRe = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?)?$/;

/** An ISO 8601 date or UTC date-time ('2013-02-11', '2013-02-11T09:30:00Z') in epoch ms, or NaN if invalid. */
export function isoMs(text: string): number {
  const m = isoRe.exec(text);
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v: string | undefined) => Number(v ?? 0));
  const fraction = Number((m.slice(7, 8)[0] ?? '').padEnd(3, '0'));
  const ms = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0) + fraction;
  const back = new Date(ms);
  // Date.UTC rolls 2013-02-30 over into March: a date that does not come back unchanged does not exist.
  const valid =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() + 1 === mo &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === s;
  return valid ? ms : Number.NaN;
}
