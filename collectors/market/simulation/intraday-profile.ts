import type { SessionClockMode, SessionState } from './session-clock.ts';

/** How active the market is at a moment, relative to an average regular-session moment. */
export interface Activity {
  /** Multiplier of the trade arrival rate (and so of volume). */
  readonly intensity: number;
  /** Multiplier of volatility per unit of time. */
  readonly volatility: number;
  /** Multiplier of the bid/ask spread. */
  readonly spread: number;
}

/**
 * The U-shaped intraday volume curve over the regular session, u(p) = (0.6 + 1.8 (2p - 1)^2) / 1.2 for
 * p in [0, 1] the fraction of the session elapsed: mean 1, twice the average at the open and the close,
 * half of it at midday, as in the intraday volume studies (Jain and Joh 1988; Admati and Pfleiderer 1988).
 */
export function uShape(progress: number): number {
  const x = 2 * Math.min(1, Math.max(0, progress)) - 1;
  return (0.6 + 1.8 * x * x) / 1.2;
}

const EXTENDED_HOURS: Activity = { intensity: 0.08, volatility: 0.35, spread: 4 };
const CLOSED: Activity = { intensity: 0, volatility: 0, spread: 1 };
const STEADY: Activity = { intensity: 1, volatility: 1, spread: 1 };

/**
 * Activity by session: in the regular session volume follows the U curve and volatility its square root
 * (variance proportional to the number of trades, Clark 1973), spreads are wider in the first minutes;
 * pre- and after-hours trade thinly with wide spreads; nothing trades when closed.
 */
export function activityAt(state: SessionState, mode: SessionClockMode): Activity {
  if (mode === 'regular') return STEADY;
  if (state.session === 'closed') return CLOSED;
  if (state.session !== 'regular') return EXTENDED_HOURS;
  const [open, close] = state.regular;
  const progress = (state.minuteOfDay - open) / (close - open);
  const u = uShape(progress);
  return { intensity: u, volatility: Math.sqrt(u), spread: progress < 0.03 ? 2 : 1 };
}
