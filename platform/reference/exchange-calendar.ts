/**
 * The US equity exchange calendar (NYSE and NASDAQ share it): full-day holidays and 13:00 early closes,
 * by the exchanges' published rules, for any year from 2022 (when Juneteenth was added) on.
 */

export interface TradingDay {
  readonly date: string;
  readonly open: boolean;
  /** Holiday name when closed on a weekday. */
  readonly holiday?: string;
  /** Minutes after local midnight the regular session ends: 960 (16:00), or 780 (13:00) on early-close days. */
  readonly regularClose: number;
}

/** One-off closures the rules do not produce (national days of mourning). */
const specialClosures: Readonly<Record<string, string>> = {
  '2025-01-09': 'National Day of Mourning for President Carter',
};

const iso = (y: number, m: number, d: number): string => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
const weekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();

/** The n-th (1-based) given weekday of a month, or the last one with n = -1. */
function nthWeekday(year: number, month: number, day: number, n: number): string {
  if (n > 0) {
    const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    return iso(year, month, 1 + ((day - first + 7) % 7) + 7 * (n - 1));
  }
  const lastDate = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const last = new Date(Date.UTC(year, month - 1, lastDate)).getUTCDay();
  return iso(year, month, lastDate - ((last - day + 7) % 7));
}

/** Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easter(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(year, month, day);
}

/** A fixed-date holiday on a Saturday is observed on the Friday, on a Sunday on the Monday. */
function observed(year: number, month: number, day: number): string {
  const date = iso(year, month, day);
  const wd = weekday(date);
  return wd === 6 ? iso(year, month, day - 1) : wd === 0 ? iso(year, month, day + 1) : date;
}

function addDays(date: string, days: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

const cache = new Map<number, { holidays: Map<string, string>; earlyCloses: Set<string> }>();

function yearCalendar(year: number): { holidays: Map<string, string>; earlyCloses: Set<string> } {
  const cached = cache.get(year);
  if (cached !== undefined) return cached;
  const holidays = new Map<string, string>();
  // New Year's Day on a Saturday is not moved back into the previous year (NYSE rule).
  const newYear = iso(year, 1, 1);
  if (weekday(newYear) !== 6) holidays.set(observed(year, 1, 1), "New Year's Day");
  holidays.set(nthWeekday(year, 1, 1, 3), 'Martin Luther King Jr. Day');
  holidays.set(nthWeekday(year, 2, 1, 3), "Washington's Birthday");
  holidays.set(addDays(easter(year), -2), 'Good Friday');
  holidays.set(nthWeekday(year, 5, 1, -1), 'Memorial Day');
  if (year >= 2022) holidays.set(observed(year, 6, 19), 'Juneteenth National Independence Day');
  holidays.set(observed(year, 7, 4), 'Independence Day');
  holidays.set(nthWeekday(year, 9, 1, 1), 'Labor Day');
  const thanksgiving = nthWeekday(year, 11, 4, 4);
  holidays.set(thanksgiving, 'Thanksgiving Day');
  holidays.set(observed(year, 12, 25), 'Christmas Day');
  for (const [date, name] of Object.entries(specialClosures))
    if (date.startsWith(String(year))) holidays.set(date, name);
  const earlyCloses = new Set<string>();
  const tradingWeekday = (date: string): boolean => weekday(date) >= 1 && weekday(date) <= 5 && !holidays.has(date);
  for (const candidate of [iso(year, 7, 3), addDays(thanksgiving, 1), iso(year, 12, 24)])
    if (tradingWeekday(candidate)) earlyCloses.add(candidate);
  const result = { holidays, earlyCloses };
  cache.set(year, result);
  return result;
}

/** Whether the US exchanges trade on `date` (YYYY-MM-DD, exchange-local) and when the regular session ends. */
export function usTradingDay(date: string): TradingDay {
  const { holidays, earlyCloses } = yearCalendar(Number(date.slice(0, 4)));
  const wd = weekday(date);
  const holiday = holidays.get(date);
  if (wd === 0 || wd === 6) return { date, open: false, regularClose: 960 };
  if (holiday !== undefined) return { date, open: false, holiday, regularClose: 960 };
  return { date, open: true, regularClose: earlyCloses.has(date) ? 780 : 960 };
}
