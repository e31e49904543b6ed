import type { Clock, TimerHandle } from './clock.ts';
import type { Alert, IncidentAlert } from './model.ts';

/** What the resolve timeout needs of the pipeline: the firing alerts it holds, and a way to resolve one. */
export interface ResolveTarget {
  firingAlerts(): readonly IncidentAlert[];
  process(alert: Alert): unknown;
}

/** How often firing alerts are checked: a tenth of the timeout, at most a minute. */
const sweepEveryMs = (timeoutMs: number): number => Math.max(1_000, Math.min(60_000, Math.floor(timeoutMs / 10)));

/**
 * Alertmanager's `resolve_timeout`: a firing alert its source has not sent again within `timeoutMs` is taken as
 * resolved (the source went away, or its resolve was lost), so that no incident stays open, and in memory, forever.
 * Repeats only refresh the alert's last sighting in memory (they are not stored), so after a restart every firing
 * alert is given the whole timeout again from the start: never resolved early, at most one timeout late. The expired
 * alert goes through the pipeline as a resolve (endsAt: its expiry), like any other: stored, the incident closed when
 * it was the last one firing, the resolution notified.
 */
export class ResolveTimeout {
  readonly #target: ResolveTarget;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #since: number;
  readonly #onError: (error: unknown) => void;
  #timer: TimerHandle | undefined;

  constructor(options: { target: ResolveTarget; clock: Clock; timeoutMs: number; onError: (error: unknown) => void }) {
    this.#target = options.target;
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs;
    this.#onError = options.onError;
    this.#since = options.clock.now();
  }

  /** Checks every `sweepEveryMs` until stopped. */
  start(): void {
    this.#timer = this.#clock.schedule(sweepEveryMs(this.#timeoutMs), () => {
      this.sweep();
      if (this.#timer !== undefined) this.start();
    });
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  /** Resolves every firing alert not received within the timeout; returns how many. A failed one is retried later. */
  sweep(now = this.#clock.now()): number {
    let resolved = 0;
    for (const { alert, lastSeen } of this.#target.firingAlerts()) {
      const expiry = Math.max(lastSeen, this.#since) + this.#timeoutMs;
      if (expiry > now) continue;
      try {
        this.#target.process({ ...alert, status: 'resolved', endsAt: expiry });
        resolved++;
      } catch (error) {
        this.#onError(error);
      }
    }
    return resolved;
  }
}
