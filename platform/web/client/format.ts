/** Display formatting; the exchange's clock (New York) is used for every time shown. */
export const EXCHANGE_TIME_ZONE = 'America/New_York';

const price = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const signed = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  signDisplay: 'exceptZero',
});
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const clock = new Intl.DateTimeFormat('en-US', {
  timeZone: EXCHANGE_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const day = new Intl.DateTimeFormat('en-US', {
  timeZone: EXCHANGE_TIME_ZONE,
  year: 'numeric',
  month: 'short',
  day: '2-digit',
});
const dayTime = new Intl.DateTimeFormat('en-US', {
  timeZone: EXCHANGE_TIME_ZONE,
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

export const formatPrice = (n: number): string => price.format(n);
export const formatChange = (n: number): string => signed.format(n);
export const formatPercent = (n: number): string => `${signed.format(n)}%`;
export const formatVolume = (n: number): string => compact.format(n);
export const formatClock = (ms: number): string => clock.format(ms);
export const formatDay = (ms: number): string => day.format(ms);
export const formatDayTime = (ms: number): string => dayTime.format(ms);

/** -1, 0 or 1 for styling a change. */
export const direction = (n: number): -1 | 0 | 1 => (n > 0 ? 1 : n < 0 ? -1 : 0);
