import type { Exchange } from '../../../platform/reference/instruments.ts';
import { wallClock } from '../../../platform/time/wall-clock.ts';

export type TradingSession = 'pre' | 'regular' | 'post' | 'closed';

/** Where the simulated market is in its trading day. */
export interface SessionState {
  readonly session: TradingSession;
  /** Minutes after local midnight in the exchange's time zone. */
  readonly minuteOfDay: number;
  /** A counter that changes once per trading day, to detect the overnight gap. */
  readonly day: number;
  /** The regular session of this day, [open, close) in minutes after local midnight (early closes end at 13:00). */
  readonly regular: readonly [number, number];
}

/**
 * Maps wall-clock time to the exchange's session:
 * - 'exchange': the real clock in the exchange's time zone (nights, weekends and holidays are closed, no
 *   ticks; early-close days end the regular session at 13:00 and after-hours at 17:00);
 * - 'compressed': a whole extended-hours day (pre, regular, post) replays every `dayMs` of wall time and the
 *   closed hours are skipped, so a demo is alive at any hour of a trading day and shows every session within
 *   minutes; on the exchange's weekends and holidays (of the wall-clock date) it is closed;
 * - 'regular': always mid regular session, with a flat intensity (benchmarks want a steady rate).
 */
export type SessionClockMode = 'exchange' | 'compressed' | 'regular';

export interface SessionClock {
  readonly mode: SessionClockMode;
  at(wallMs: number): SessionState;
  /** How many simulated milliseconds pass per wall millisecond (for scaling volatility to sim time). */
  readonly speed: number;
}

/** The session at a local minute of a trading day whose regular session closes at `regularClose`. */
export function sessionOfMinute(
  exchange: Exchange,
  minuteOfDay: number,
  regularClose = exchange.sessions.regular[1],
): TradingSession {
  const { pre, regular, post } = exchange.sessions;
  // An early close shortens the after-hours session by as much as the regular one.
  const postEnd = post[1] - (regular[1] - regularClose);
  if (minuteOfDay >= regular[0] && minuteOfDay < regularClose) return 'regular';
  if (minuteOfDay >= pre[0] && minuteOfDay < pre[1]) return 'pre';
  if (minuteOfDay >= regularClose && minuteOfDay < postEnd) return 'post';
  return 'closed';
}

/** Local weekday, minute of day and calendar day number of `ms` in `timeZone`. */
export function localTime(ms: number, timeZone: string): { weekday: number; minuteOfDay: number; day: number } {
  const w = wallClock(ms, timeZone);
  const minuteOfDay = w.hour * 60 + w.minute + w.second / 60;
  const day = Date.UTC(w.year, w.month - 1, w.day) / 86_400_000;
  return { weekday: w.weekday, minuteOfDay, day };
}

export function createSessionClock(
  mode: SessionClockMode,
  exchange: Exchange,
  options: { dayMs?: number; originMs?: number } = {},
): SessionClock {
  if (mode === 'exchange') {
    return {
      mode,
      speed: 1,
      at(wallMs) {
        const t = localTime(wallMs, exchange.timeZone);
        const today = exchange.calendar(new Date(t.day * 86_400_000).toISOString().slice(0, 10));
        const regular = [exchange.sessions.regular[0], today.regularClose] as const;
        const session = today.open ? sessionOfMinute(exchange, t.minuteOfDay, today.regularClose) : 'closed';
        return { session, minuteOfDay: t.minuteOfDay, day: t.day, regular };
      },
    };
  }
  if (mode === 'regular') {
    const [open, close] = exchange.sessions.regular;
    const midday = (open + close) / 2;
    return {
      mode,
      speed: 1,
      at: () => ({ session: 'regular', minuteOfDay: midday, day: 0, regular: exchange.sessions.regular }),
    };
  }
  const dayMs = options.dayMs ?? 30 * 60_000;
  if (!(dayMs > 0)) throw new RangeError('dayMs must be positive');
  const origin = options.originMs ?? 0;
  const [first] = exchange.sessions.pre;
  const last = exchange.sessions.post[1];
  const span = last - first;
  return {
    mode,
    speed: (span * 60_000) / dayMs,
    at(wallMs) {
      const elapsed = Math.max(0, wallMs - origin) / dayMs;
      const day = Math.floor(elapsed);
      const minuteOfDay = first + (elapsed - day) * span;
      // Ticks carry wall-clock time: on a weekend or holiday of the exchange the chart would show trading on a
      // day the market is shut, so the compressed demo rests then too.
      const session = tradesOn(exchange, wallMs) ? sessionOfMinute(exchange, minuteOfDay) : 'closed';
      return { session, minuteOfDay, day, regular: exchange.sessions.regular };
    },
  };
}

/** Whether the exchange trades on the local date of `wallMs` (not a weekend or holiday). */
export function tradesOn(exchange: Exchange, wallMs: number): boolean {
  const t = localTime(wallMs, exchange.timeZone);
  return exchange.calendar(new Date(t.day * 86_400_000).toISOString().slice(0, 10)).open;
}

/** Epoch milliseconds of `minuteOfDay` on calendar day `date` (YYYY-MM-DD) in `timeZone`, across DST changes. */
export function zonedTime(date: string, minuteOfDay: number, timeZone: string): number {
  const wanted = Date.parse(`${date}T00:00:00Z`) + minuteOfDay * 60_000;
  let guess = wanted;
  // Two corrections settle the zone offset, also when the first guess lands across a DST change.
  for (let i = 0; i < 2; i++) {
    const local = localTime(guess, timeZone);
    guess += wanted - (local.day * 86_400_000 + local.minuteOfDay * 60_000);
  }
  return Math.round(guess);
}
