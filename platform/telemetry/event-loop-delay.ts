import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/** The event-loop delay of one closed window, in seconds. */
export interface EventLoopDelaySnapshot {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly stddev: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

const idle: EventLoopDelaySnapshot = { min: 0, max: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0 };

/**
 * Event-loop delay over fixed windows. prom-client resets its delay histogram at every collect, so with several
 * readers of one registry (the detector tier, the fixed checks, a Prometheus scrape) each saw only the delays
 * since another reader's collect, and a stall went to whichever read first. Here a timer closes a window every
 * `windowMs` and every reader sees the last closed one. The delay is measured by a ticker of our own (how late
 * each `resolutionMs` tick runs), not `monitorEventLoopDelay`: resetting that monitor at a window's close lost a
 * block that ran in the same timer pass just before the close, so a stall in phase with the window timer read as
 * 10 ms in every window (quiet bench run 4). A late tick is recorded whenever it runs, in this window or the next.
 */
export class EventLoopDelayWindow {
  readonly #histogram: RecordableHistogram = createHistogram();
  readonly #ticker: NodeJS.Timeout;
  readonly #timer: NodeJS.Timeout;
  #last: EventLoopDelaySnapshot = idle;

  constructor(windowMs = 1_000, resolutionMs = 10) {
    let due = performance.now() + resolutionMs;
    this.#ticker = setInterval(() => {
      const now = performance.now();
      // Nanoseconds, at least 1: a recordable histogram refuses values below 1.
      this.#histogram.record(Math.max(1, Math.round((now - due) * 1e6)));
      due = now + resolutionMs;
    }, resolutionMs);
    this.#ticker.unref();
    this.#timer = setInterval(() => {
      this.close();
    }, windowMs);
    this.#timer.unref();
  }

  get last(): EventLoopDelaySnapshot {
    return this.#last;
  }

  /** Closes the current window now; the timer calls it every `windowMs`. */
  close(): EventLoopDelaySnapshot {
    const h = this.#histogram;
    // An empty window (no tick recorded yet) reports NaN and a huge min: nothing was delayed.
    this.#last =
      h.count === 0
        ? idle
        : {
            min: h.min / 1e9,
            max: h.max / 1e9,
            mean: h.mean / 1e9,
            stddev: h.stddev / 1e9,
            p50: h.percentile(50) / 1e9,
            p90: h.percentile(90) / 1e9,
            p99: h.percentile(99) / 1e9,
          };
    h.reset();
    return this.#last;
  }

  stop(): void {
    clearInterval(this.#timer);
    clearInterval(this.#ticker);
  }
}

const gauges: readonly [keyof EventLoopDelaySnapshot, string][] = [
  ['min', 'The minimum event loop delay in the last closed window.'],
  ['max', 'The maximum event loop delay in the last closed window.'],
  ['mean', 'The mean event loop delay in the last closed window.'],
  ['stddev', 'The standard deviation of the event loop delays in the last closed window.'],
  ['p50', 'The 50th percentile of the event loop delays in the last closed window.'],
  ['p90', 'The 90th percentile of the event loop delays in the last closed window.'],
  ['p99', 'The 99th percentile of the event loop delays in the last closed window.'],
];

/**
 * Replaces prom-client's `nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds` (same names, so rules,
 * dashboards and detectors are unchanged) with gauges that read `window` and reset nothing when collected.
 */
export function registerEventLoopDelay(registry: Registry, window: EventLoopDelayWindow): void {
  for (const [stat, help] of gauges) {
    const name = `nodejs_eventloop_lag_${stat}_seconds`;
    registry.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(window.last[stat]);
      },
    });
  }
}
