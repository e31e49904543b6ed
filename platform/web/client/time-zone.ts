/**
 * One time policy for every view: every time shown is in one zone, labelled where it is shown. The default is the
 * exchange's (New York); the user may choose theirs, which is remembered.
 */
export const EXCHANGE_TIME_ZONE = 'America/New_York';
export const TIME_ZONE_KEY = 'insitechart.time-zone.v1';

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length > 0 && zone.length <= 64;
  } catch {
    return false;
  }
}

function stored(): string | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage.getItem(TIME_ZONE_KEY);
  } catch {
    return null;
  }
}

const remembered = stored();
export const timeZone: string = remembered !== null && isTimeZone(remembered) ? remembered : EXCHANGE_TIME_ZONE;

/** The zones offered: the exchange's, the browser's, then every IANA zone the browser knows. */
export function timeZoneChoices(): string[] {
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return [...new Set([EXCHANGE_TIME_ZONE, local, ...Intl.supportedValuesOf('timeZone')])];
}

/** Remembers the zone and reloads, so every chart, table and list shows times in it. */
export function chooseTimeZone(zone: string): void {
  if (!isTimeZone(zone) || zone === timeZone) return;
  window.localStorage.setItem(TIME_ZONE_KEY, zone);
  location.reload();
}
