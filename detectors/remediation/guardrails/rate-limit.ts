const HOUR_MS = 3_600_000;

/** Timestamps within the last hour, oldest first; never more than `max` kept. */
class HourWindow {
  readonly times: number[] = [];
  count(now: number): number {
    while ((this.times[0] ?? Infinity) <= now - HOUR_MS) this.times.shift();
    return this.times.length;
  }
}

/** A maximum of actions per hour over the whole platform and per service (sliding hour). */
export class ActionBudget {
  readonly #perHour: number;
  readonly #perServicePerHour: number;
  readonly #maxServices: number;
  readonly #global = new HourWindow();
  readonly #services = new Map<string, HourWindow>();

  constructor(options: { perHour: number; perServicePerHour: number; maxServices?: number }) {
    this.#perHour = options.perHour;
    this.#perServicePerHour = options.perServicePerHour;
    this.#maxServices = options.maxServices ?? 1_000;
  }

  /** Why the service may not act now, or undefined when it may. */
  refusal(service: string, now: number): string | undefined {
    if (this.#global.count(now) >= this.#perHour)
      return `the hourly maximum of ${String(this.#perHour)} actions is reached`;
    if ((this.#services.get(service)?.count(now) ?? 0) >= this.#perServicePerHour)
      return `the hourly maximum of ${String(this.#perServicePerHour)} actions on ${service} is reached`;
    return undefined;
  }

  record(service: string, now: number): void {
    this.#global.times.push(now);
    this.#global.count(now);
    let window = this.#services.get(service);
    if (window === undefined) {
      // Services whose windows emptied go first; an active one is never dropped below its count.
      if (this.#services.size >= this.#maxServices)
        for (const [name, w] of this.#services) if (w.count(now) === 0) this.#services.delete(name);
      window = new HourWindow();
      this.#services.set(service, window);
    }
    window.times.push(now);
    window.count(now);
  }

  /** An action the executor refused changed nothing: it gives back the slot it took at `at`. */
  release(service: string, at: number): void {
    for (const window of [this.#global, this.#services.get(service)]) {
      const i = window?.times.lastIndexOf(at) ?? -1;
      if (i >= 0) window?.times.splice(i, 1);
    }
  }
}
