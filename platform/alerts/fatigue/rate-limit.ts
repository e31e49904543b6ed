/** Per-person sliding-window limit: at most `max` immediate notifications per `windowMs`. */
export class RateLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #sent = new Map<string, number[]>();

  constructor(max: number, windowMs: number) {
    this.#max = max;
    this.#windowMs = windowMs;
  }

  /** Takes a slot for the person if one is free. */
  tryTake(person: string, now: number): boolean {
    let times = this.#sent.get(person);
    if (times === undefined) this.#sent.set(person, (times = []));
    while ((times[0] ?? now) <= now - this.#windowMs) times.shift();
    if (times.length >= this.#max) return false;
    times.push(now);
    return true;
  }
}
