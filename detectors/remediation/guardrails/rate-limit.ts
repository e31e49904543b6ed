const HOUR_MS = 3_600_000;

/** Timestamps within the last hour, oldest first. */
class HourWindow {
  readonly times: number[] = [];
  count(now: number): number {
    while ((this.times[0] ?? Infinity) <= now - HOUR_MS) this.times.shift();
    return this.times.length;
  }
  remove(at: number): boolean {
    const i = this.times.lastIndexOf(at);
    if (i >= 0) this.times.splice(i, 1);
    return i >= 0;
  }
}

export interface BudgetOptions {
  /** Every action on the platform, whatever came of it: the storm guard. */
  readonly perHour: number;
  /** Actions on one service that are not verified cures (acting, verifying, failed, undone, dry). */
  readonly perServicePerHour: number;
  /** Verified cures of one cause (the same action kind for the same signal on the same service). */
  readonly curesPerCausePerHour?: number;
  readonly maxKeys?: number;
}

/**
 * Maxima of actions per sliding hour, each against one way automation goes wrong:
 * - the whole platform, every action counted: a storm of actions is bounded whatever they achieve;
 * - per service, actions that are not verified cures: a fix that does not work (or is not known to work yet) is
 *   not repeated more than the budget allows, so a loop of ineffective actions ends with a person;
 * - per cause, verified cures: a cure that works but whose signal keeps coming back only masks something, so the
 *   same action for the same signal on the same service is repeated a few times an hour at most, then a person.
 * A verified cure leaves the service's budget for its cause's: independent faults cured one after another on a busy
 * service are not a loop, and refusing the next one would leave users with a fault the platform knows how to end.
 */
export class ActionBudget {
  readonly #perHour: number;
  readonly #perServicePerHour: number;
  readonly #curesPerCause: number;
  readonly #maxKeys: number;
  readonly #global = new HourWindow();
  readonly #services = new Map<string, HourWindow>();
  readonly #cures = new Map<string, HourWindow>();

  constructor(options: BudgetOptions) {
    this.#perHour = options.perHour;
    this.#perServicePerHour = options.perServicePerHour;
    this.#curesPerCause = options.curesPerCausePerHour ?? Infinity;
    this.#maxKeys = options.maxKeys ?? 1_000;
  }

  /** Why the service may not act now (for `cause`: kind and signal, see `causeKey`), or undefined when it may. */
  refusal(service: string, now: number, cause?: string): string | undefined {
    if (this.#global.count(now) >= this.#perHour)
      return `the hourly maximum of ${String(this.#perHour)} actions is reached`;
    if ((this.#services.get(service)?.count(now) ?? 0) >= this.#perServicePerHour)
      return `the hourly maximum of ${String(this.#perServicePerHour)} actions on ${service} that were not verified cures is reached`;
    if (cause !== undefined && (this.#cures.get(cause)?.count(now) ?? 0) >= this.#curesPerCause)
      return `this action cured this signal on ${service} ${String(this.#curesPerCause)} times in the last hour and it keeps coming back: for a person`;
    return undefined;
  }

  record(service: string, now: number): void {
    this.#global.times.push(now);
    this.#global.count(now);
    windowFor(this.#services, service, now, this.#maxKeys).times.push(now);
  }

  /** An action the executor refused changed nothing: it gives back the slot it took at `at`. */
  release(service: string, at: number): void {
    this.#global.remove(at);
    this.#services.get(service)?.remove(at);
  }

  /** The action taken at `at` was verified at `now`: a cure of `cause`, no longer an unproven action on the service. */
  cured(service: string, at: number, cause: string, now: number): void {
    this.#services.get(service)?.remove(at);
    windowFor(this.#cures, cause, now, this.#maxKeys).times.push(now);
  }
}

/** What the per-cause budget counts: the same kind of action for the same signal on the same service. */
export function causeKey(service: string, kind: string, signal: string): string {
  return `${service}\u0000${kind}\u0000${signal}`;
}

/** The key's window, made if missing; keys whose windows emptied go first, an active one is never dropped. */
function windowFor(map: Map<string, HourWindow>, key: string, now: number, maxKeys: number): HourWindow {
  let w = map.get(key);
  if (w === undefined) {
    if (map.size >= maxKeys) for (const [name, old] of map) if (old.count(now) === 0) map.delete(name);
    w = new HourWindow();
    map.set(key, w);
  }
  w.count(now);
  return w;
}
