/**
 * What the event-loop lag gauge said every second, read from the platform's registry beside the detector (the
 * gauges reset nothing when read; platform/telemetry/event-loop-delay.ts): how close a stretch came to the lag's
 * limit, and in how many seconds, and in how long an unbroken run, it was at or over it (the limit pages a run of
 * at least its hold, detectors/service/limit.ts).
 */
import type { Registry } from 'prom-client';
import { TOLERATED_S } from '../../detectors/service/meaning.ts';
import { round } from '../support/stats.ts';

const LAG = 'nodejs_eventloop_lag_p99_seconds';

export interface LagSummary {
  /** Highest p99 in a second. */
  readonly p99_max_s: number;
  /** Seconds at or over the limit, and the longest unbroken run of them. */
  readonly over_limit_s: number;
  readonly longest_run_over_s: number;
}

export function watchLag(registry: Registry): { summary(from: number, to: number): LagSummary; stop(): void } {
  // One entry a second, bounded by the bench's length (4 hours at most).
  const seconds: { at: number; p99: number }[] = [];
  let reading = false;
  const timer = setInterval(() => {
    if (reading) return;
    reading = true;
    Promise.resolve(registry.getSingleMetric(LAG)?.get())
      .then((metric) => {
        const p99 = metric?.values[0]?.value;
        if (p99 !== undefined && Number.isFinite(p99)) seconds.push({ at: Date.now(), p99 });
      })
      .catch(() => undefined)
      .finally(() => {
        reading = false;
      });
  }, 1_000);
  timer.unref();
  return {
    summary(from, to) {
      const within = seconds.filter((s) => s.at >= from && s.at < to);
      let run = 0;
      let longest = 0;
      for (const s of within) {
        run = s.p99 >= TOLERATED_S ? run + 1 : 0;
        longest = Math.max(longest, run);
      }
      return {
        p99_max_s: round(
          within.reduce((m, s) => Math.max(m, s.p99), 0),
          3,
        ),
        over_limit_s: within.filter((s) => s.p99 >= TOLERATED_S).length,
        longest_run_over_s: longest,
      };
    },
    stop() {
      clearInterval(timer);
    },
  };
}
