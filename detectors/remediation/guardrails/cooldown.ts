/**
 * At most one action of a kind on a service per period: a fix is given time to work before it is repeated. An action
 * whose verification confirmed the recovery needs no more time to work: its hold ends `verifiedMs` after the
 * recovery (a new failure after that is a new incident; the hourly budgets bound how often one service is acted on,
 * so a restart loop still ends with a person). Keys are bounded (least recently acted on forgotten first, which can
 * only allow an action earlier, never lose one).
 */
export class Cooldown {
  readonly #periodMs: number;
  readonly #verifiedMs: number;
  readonly #maxKeys: number;
  /** Per (service, kind): when the last action started and until when it holds the pair. */
  readonly #held = new Map<string, { at: number; until: number }>();

  constructor(options: { periodMs: number; verifiedMs?: number; maxKeys?: number }) {
    this.#periodMs = options.periodMs;
    this.#verifiedMs = Math.min(options.verifiedMs ?? options.periodMs, options.periodMs);
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  /** Milliseconds until (service, kind) may act again; 0 when it may now. */
  remainingMs(service: string, kind: string, now: number): number {
    const held = this.#held.get(`${service}\u0000${kind}`);
    return held === undefined ? 0 : Math.max(0, held.until - now);
  }

  record(service: string, kind: string, now: number): void {
    const key = `${service}\u0000${kind}`;
    this.#held.delete(key);
    this.#held.set(key, { at: now, until: now + this.#periodMs });
    if (this.#held.size > this.#maxKeys) {
      const oldest = this.#held.keys().next().value;
      if (oldest !== undefined) this.#held.delete(oldest);
    }
  }

  /** An action that changed nothing (the executor refused it) gives its slot back: nothing needs time to work. */
  release(service: string, kind: string, at: number): void {
    const key = `${service}\u0000${kind}`;
    if (this.#held.get(key)?.at === at) this.#held.delete(key);
  }

  /** The action started at `at` was verified at `verifiedAt`: its hold ends `verifiedMs` later, if that is sooner. */
  verified(service: string, kind: string, at: number, verifiedAt: number): void {
    const held = this.#held.get(`${service}\u0000${kind}`);
    if (held?.at === at) held.until = Math.min(held.until, verifiedAt + this.#verifiedMs);
  }
}
