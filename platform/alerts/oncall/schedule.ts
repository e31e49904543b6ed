import type { ScheduleConfig } from '../config/schema.ts';
import { parseLocal, wallClockMs } from '../zoned-time.ts';

const unitMs = { hours: 3_600_000, days: 86_400_000, weeks: 604_800_000 } as const;

/**
 * Who is on call at an instant. Overrides win (the last one listed, as the latest added); then layers,
 * the last layer first (PagerDuty's order: a later layer covers the ones below). Rotations count
 * wall-clock time in the schedule's zone, so a daily 09:00 hand-off stays at 09:00 across DST changes.
 */
export function onCallAt(schedule: ScheduleConfig, at: number): string | undefined {
  for (let i = schedule.overrides.length - 1; i >= 0; i--) {
    const o = schedule.overrides[i];
    if (o !== undefined && o.start <= at && at < o.end) return o.user;
  }
  const wall = wallClockMs(at, schedule.time_zone);
  for (let i = schedule.layers.length - 1; i >= 0; i--) {
    const layer = schedule.layers[i];
    if (layer === undefined) continue;
    const start = parseLocal(layer.start);
    if (wall < start) continue;
    const shift = Math.floor((wall - start) / (layer.rotation.length * unitMs[layer.rotation.unit]));
    const user = layer.users[shift % layer.users.length];
    if (user !== undefined) return user;
  }
  return undefined;
}
