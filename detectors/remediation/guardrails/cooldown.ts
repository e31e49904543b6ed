interface Hold {
  /** The signal the action answered (its series key or alert fingerprint). */
  readonly cause: string;
  readonly at: number;
  until: number;
  /** Its verification confirmed the recovery: the cause is known to have been cured. */
  verified: boolean;
}

/** Causes remembered per (service, kind): the newest ones (a verified cure of an older cause is forgotten first). */
const MAX_CAUSES = 16;

/**
 * At most one action of a kind on a service per period: a fix is given time to work before it is repeated, so one
 * cause cannot make the platform flap. While an action is unverified (acting, verifying, undone) it holds the pair
 * (service, kind) against every cause: what went wrong is not known yet. An action whose verification confirmed the
 * recovery needs no more time to work, and holds only its own cause (the signal that triggered it): a different
 * signal on the same component after a verified cure is a new cause and may act. The cured cause itself: a return
 * after a cure is not a loop (a new fault of the same kind looks the same), so it acts at once; a return within
 * `verifiedMs` of a cure that was itself a quick return is a flap, and waits until `verifiedMs` after that cure's
 * recovery. The hourly budget per cause then sends a signal that keeps coming back to a person. Keys are bounded
 * (least recently acted on forgotten first, which can only allow an action earlier, never lose one).
 */
export class Cooldown {
  readonly #periodMs: number;
  readonly #verifiedMs: number;
  readonly #maxKeys: number;
  /** Per (service, kind): the holds of its recent actions, by cause. */
  readonly #held = new Map<string, Map<string, Hold>>();
  /** Per (service, kind, cause): when its last verified cure recovered (bounded like the holds). */
  readonly #recovered = new Map<string, number>();

  constructor(options: { periodMs: number; verifiedMs?: number; maxKeys?: number }) {
    this.#periodMs = options.periodMs;
    this.#verifiedMs = Math.min(options.verifiedMs ?? options.periodMs, options.periodMs);
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  /** Milliseconds until (service, kind) may act again for `cause`; 0 when it may now. */
  remainingMs(service: string, kind: string, now: number, cause = ''): number {
    let remaining = 0;
    for (const hold of this.#held.get(pair(service, kind))?.values() ?? [])
      if (!hold.verified || hold.cause === cause) remaining = Math.max(remaining, hold.until - now);
    return remaining;
  }

  /** Whether what holds `cause` back is its own verified cure: the same signal came back soon after being cured. */
  recurs(service: string, kind: string, now: number, cause = ''): boolean {
    const hold = this.#held.get(pair(service, kind))?.get(cause);
    return hold !== undefined && hold.verified && hold.until > now;
  }

  record(service: string, kind: string, now: number, cause = ''): void {
    const key = pair(service, kind);
    const holds = this.#held.get(key) ?? new Map<string, Hold>();
    this.#held.delete(key);
    this.#held.set(key, holds);
    for (const [c, hold] of holds) if (hold.until <= now || c === cause) holds.delete(c);
    holds.set(cause, { cause, at: now, until: now + this.#periodMs, verified: false });
    if (holds.size > MAX_CAUSES) {
      const oldest = holds.keys().next().value;
      if (oldest !== undefined) holds.delete(oldest);
    }
    if (this.#held.size > this.#maxKeys) {
      const oldest = this.#held.keys().next().value;
      if (oldest !== undefined) this.#held.delete(oldest);
    }
  }

  /** An action that changed nothing (the executor refused it) gives its slot back: nothing needs time to work. */
  release(service: string, kind: string, at: number): void {
    const holds = this.#held.get(pair(service, kind));
    for (const [cause, hold] of holds ?? []) if (hold.at === at) holds?.delete(cause);
  }

  /** The action started at `at` was verified at `verifiedAt`: it holds only its own cause from now on, and only when
   * it answered a quick return of that cause (started within `verifiedMs` of the cause's previous recovery). */
  verified(service: string, kind: string, at: number, verifiedAt: number): void {
    for (const hold of this.#held.get(pair(service, kind))?.values() ?? [])
      if (hold.at === at) {
        const key = `${pair(service, kind)}\u0000${hold.cause}`;
        const previous = this.#recovered.get(key);
        const quickReturn = previous !== undefined && at - previous < this.#verifiedMs;
        this.#recovered.delete(key);
        this.#recovered.set(key, verifiedAt);
        if (this.#recovered.size > this.#maxKeys) this.#recovered.delete(this.#recovered.keys().next().value ?? key);
        hold.until = Math.min(hold.until, quickReturn ? verifiedAt + this.#verifiedMs : verifiedAt);
        hold.verified = true;
      }
  }
}

const pair = (service: string, kind: string): string => `${service}\u0000${kind}`;
