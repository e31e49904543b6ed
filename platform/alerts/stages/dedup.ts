import type { Alert } from '../model.ts';

export type DedupOutcome = 'new' | 'duplicate' | 'changed';

interface Seen {
  status: Alert['status'];
  lastSeen: number;
  /** Status changes inside the flap window, oldest first. */
  transitions: number[];
}

/**
 * Stage 1: drops repeats of an alert already known in the same state (Alertmanager re-sends firing alerts
 * every few minutes; many sources re-fire) and counts state changes per fingerprint for flap detection.
 */
export class Dedup {
  /** In order of last sighting, least recent first (re-inserted on every observe). */
  readonly #seen = new Map<string, Seen>();
  readonly #flapWindowMs: number;
  readonly #maxFingerprints: number;

  /**
   * Remembers at most `maxFingerprints`; past that the least recently seen is forgotten, firing or not
   * (a forgotten alert that repeats is processed again and rejoins its incident; only its flap count is lost).
   */
  constructor(flapWindowMs: number, maxFingerprints = 100_000) {
    this.#flapWindowMs = flapWindowMs;
    this.#maxFingerprints = maxFingerprints;
  }

  observe(alert: Alert, now: number): DedupOutcome {
    const seen = this.#seen.get(alert.fingerprint);
    if (seen === undefined) {
      this.#seen.set(alert.fingerprint, { status: alert.status, lastSeen: now, transitions: [] });
      if (this.#seen.size > this.#maxFingerprints) {
        const oldest = this.#seen.keys().next();
        if (oldest.done !== true) this.#seen.delete(oldest.value);
      }
      return 'new';
    }
    this.#seen.delete(alert.fingerprint);
    this.#seen.set(alert.fingerprint, seen);
    seen.lastSeen = now;
    if (seen.status === alert.status) return 'duplicate';
    seen.status = alert.status;
    seen.transitions.push(now);
    while ((seen.transitions[0] ?? now) < now - this.#flapWindowMs) seen.transitions.shift();
    return 'changed';
  }

  /** State changes of this fingerprint within the flap window. */
  transitions(fingerprint: string, now: number): number {
    return this.#seen.get(fingerprint)?.transitions.filter((t) => t >= now - this.#flapWindowMs).length ?? 0;
  }

  /** Forgets resolved fingerprints not seen for `idleMs`, so memory stays bounded. */
  prune(now: number, idleMs: number): void {
    for (const [fp, s] of this.#seen) if (s.status === 'resolved' && s.lastSeen < now - idleMs) this.#seen.delete(fp);
  }

  get size(): number {
    return this.#seen.size;
  }
}
