import { z } from 'zod';
import type { MaintenanceWindow } from '../config/schema.ts';
import { matcherList, matchesAll, type Matcher } from '../matchers.ts';
import type { Labels } from '../model.ts';
import { inDailyRange, minuteOfDay, parseClock, wallClock } from '../zoned-time.ts';

export interface Silence {
  readonly id: string;
  readonly matchers: readonly Matcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
}

/** Silences not yet expired one may hold: each is checked against every alert, and the API creates them. */
export const MAX_LIVE_SILENCES = 1_000;

/** A silence as the API takes it (Alertmanager's fields), with bounded sizes. */
export const silenceInput = z.strictObject({
  matchers: matcherList
    .refine((m) => m.length > 0, 'a silence needs at least one matcher')
    .refine((m) => m.length <= 64, 'at most 64 matchers')
    .refine((m) => m.every((x) => x.name.length <= 200 && x.value.length <= 1_024), 'a matcher is too long'),
  startsAt: z.iso
    .datetime({ offset: true })
    .transform((s) => Date.parse(s))
    .optional(),
  endsAt: z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  createdBy: z.string().min(1).max(200),
  comment: z.string().min(1, 'say why you silence').max(2_000),
});

/** Stage 4b: the first active silence whose matchers all match the alert's labels. */
export function silencedBy(labels: Labels, silences: Iterable<Silence>, now: number): Silence | undefined {
  for (const s of silences) if (s.startsAt <= now && now < s.endsAt && matchesAll(s.matchers, labels)) return s;
  return undefined;
}

/** Stage 4c: maintenance windows, one-off or weekly in a time zone. */
export function inMaintenance(
  labels: Labels,
  windows: readonly MaintenanceWindow[],
  now: number,
): MaintenanceWindow | undefined {
  return windows.find((w) => active(w, now) && matchesAll(w.matchers, labels));
}

function active(w: MaintenanceWindow, now: number): boolean {
  if (w.start !== undefined && w.end !== undefined) return w.start <= now && now < w.end;
  if (w.weekly === undefined) return false;
  const from = parseClock(w.weekly.from);
  const to = parseClock(w.weekly.to);
  const minute = minuteOfDay(now, w.weekly.time_zone);
  const today = wallClock(now, w.weekly.time_zone).weekday;
  // A window past midnight belongs to the day it started on.
  const startDay = from >= to && minute < to ? (today + 6) % 7 : today;
  return w.weekly.days.includes(startDay) && inDailyRange(minute, from, to);
}
