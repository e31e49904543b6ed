/** Display formatting through Intl in the chosen language; every time in the one chosen zone (time-zone.ts). */
import { language } from './i18n/i18n.ts';
import { timeZone } from './time-zone.ts';

export { EXCHANGE_TIME_ZONE } from './time-zone.ts';

const price = new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const signed = new Intl.NumberFormat(language, {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  signDisplay: 'exceptZero',
});
const percent = new Intl.NumberFormat(language, {
  style: 'percent',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  signDisplay: 'exceptZero',
});
const compact = new Intl.NumberFormat(language, { notation: 'compact', maximumFractionDigits: 1 });
const plain = new Intl.NumberFormat(language, { maximumFractionDigits: 3 });
const clock = new Intl.DateTimeFormat(language, {
  timeZone,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const hourMinute = new Intl.DateTimeFormat(language, {
  timeZone,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const day = new Intl.DateTimeFormat(language, { timeZone, year: 'numeric', month: 'short', day: '2-digit' });
const monthDay = new Intl.DateTimeFormat(language, { timeZone, month: 'short', day: '2-digit' });
const dayTime = new Intl.DateTimeFormat(language, {
  timeZone,
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const dayTimeSeconds = new Intl.DateTimeFormat(language, {
  timeZone,
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const zoneName = new Intl.DateTimeFormat(language, { timeZone, timeZoneName: 'shortGeneric' });
const money = new Map<string, Intl.NumberFormat>();
const units = new Map<string, Intl.NumberFormat>();

export const formatPrice = (n: number): string => price.format(n);
export const formatChange = (n: number): string => signed.format(n);
/** `n` in percent points (1.5 means 1.5 %). */
export const formatPercent = (n: number): string => percent.format(n / 100);
export const formatVolume = (n: number): string => compact.format(n);
export const formatNumber = (n: number): string => plain.format(n);
export const formatClock = (ms: number): string => clock.format(ms);
export const formatHourMinute = (ms: number): string => hourMinute.format(ms);
export const formatDay = (ms: number): string => day.format(ms);
export const formatMonthDay = (ms: number): string => monthDay.format(ms);
export const formatDayTime = (ms: number): string => dayTime.format(ms);
export const formatDayTimeSeconds = (ms: number): string => dayTimeSeconds.format(ms);
/** The zone's short name in the language ("ET", "Zeit: New York"...), for labels next to times. */
export const timeZoneLabel = (): string =>
  zoneName.formatToParts(Date.now()).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
export function formatMoney(n: number, currency = 'USD'): string {
  let format = money.get(currency);
  if (format === undefined) {
    format = new Intl.NumberFormat(language, { style: 'currency', currency });
    money.set(currency, format);
  }
  return format.format(n);
}

/** -1, 0 or 1 for styling a change. */
/** `2.5 days`, `40 minutes`: an amount of one time unit, unit names from Intl in the chosen language. */
export function formatUnit(amount: number, unit: 'day' | 'hour' | 'minute'): string {
  let format = units.get(unit);
  if (format === undefined) {
    format = new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 1 });
    units.set(unit, format);
  }
  return format.format(amount);
}

export const direction = (n: number): -1 | 0 | 1 => (n > 0 ? 1 : n < 0 ? -1 : 0);
