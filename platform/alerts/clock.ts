/** Time as the pipeline sees it: injectable so tests drive group_wait, escalation timeouts and quiet hours. */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  /** Runs `fn` once `ms` have passed on this clock. */
  schedule(ms: number, fn: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return {
      cancel: () => {
        clearTimeout(t);
      },
    };
  },
};

/** A clock that only moves when told to: `advance` fires every timer that falls due, in order. */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();
  constructor(start: number) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  schedule(ms: number, fn: () => void): TimerHandle {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return {
      cancel: () => {
        this.#timers.delete(id);
      },
    };
  }
  /** Moves time forward, firing due timers (including ones they schedule) at their own instants. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#timers)
        if (entry[1].at <= target && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.#timers.delete(next[0]);
      this.#now = Math.max(this.#now, next[1].at);
      next[1].fn();
    }
    this.#now = target;
  }
  set(epochMs: number): void {
    this.advance(epochMs - this.#now);
  }
}
