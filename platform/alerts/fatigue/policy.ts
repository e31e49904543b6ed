import type { UserConfig } from '../config/schema.ts';
import type { Priority } from '../model.ts';
import { inDailyRange, minuteOfDay, parseClock } from '../zoned-time.ts';
import type { RateLimiter } from './rate-limit.ts';

export function inQuietHours(user: UserConfig, at: number): boolean {
  if (user.quiet_hours === undefined) return false;
  return inDailyRange(
    minuteOfDay(at, user.time_zone),
    parseClock(user.quiet_hours.start),
    parseClock(user.quiet_hours.end),
  );
}

export type FatigueDecision =
  { readonly send: true } | { readonly send: false; readonly reason: 'low-priority' | 'quiet-hours' | 'rate-limited' };

/**
 * Whether a page goes out now or waits for the person's digest. P1 always goes out; low priorities
 * always wait; the rest wait during the person's quiet hours or once they hit their rate limit.
 */
export function decide(
  user: UserConfig,
  priority: Priority,
  at: number,
  limiter: RateLimiter,
  digestFrom: number,
): FatigueDecision {
  if (priority === 1) {
    limiter.tryTake(user.id, at);
    return { send: true };
  }
  if (priority >= digestFrom) return { send: false, reason: 'low-priority' };
  if (inQuietHours(user, at)) return { send: false, reason: 'quiet-hours' };
  if (!limiter.tryTake(user.id, at)) return { send: false, reason: 'rate-limited' };
  return { send: true };
}
