import { sleepUnlessAborted } from '../../platform/async/abort.ts';
import type { SignalProbe } from './guardrails/verification.ts';
import type { PendingStore, StoredRestore } from './pending-store.ts';
import type { Signal } from './types.ts';

/** Mitigations in force at once that the engine will lift by itself; beyond it a new one stays for a person. */
const MAX_IN_FORCE = 1_000;
/** However often a signal came back after a lift, the hold before the next lift grows no longer than this. */
export const MAX_HOLD_MS = 24 * 3_600_000;

/**
 * Temporary mitigations in force (a load shed, a paused producer, a fallback feed), each waiting to be lifted: kept
 * in the store before memory, so a restart does not forget to lift one. A mitigation is due once its signal stayed
 * normal for its hold: a detection of the same signal while it is in force starts the hold again. After the lift
 * its signal is watched for a while: coming back (read bad, or detected again) means the mitigation is re-applied.
 */
export class TemporaryMitigations {
  readonly #store: PendingStore | undefined;
  readonly #inForce = new Map<string, StoredRestore>();
  readonly #lifting = new Set<string>();
  /** Signals watched after a lift, by series key or fingerprint: whether they came back. */
  readonly #watched = new Map<string, { back: boolean }>();

  constructor(store: PendingStore | undefined) {
    this.#store = store;
  }

  /** Whether there is room for one more (else the mitigation stays in force for a person to lift). */
  hasRoom(): boolean {
    return this.#inForce.size < MAX_IN_FORCE;
  }

  /** Saves the mitigation (before memory), to be lifted at `entry.dueAt` at the earliest. */
  keep(entry: StoredRestore): void {
    this.#store?.saveRestore(entry);
    this.#inForce.set(entry.record.id, entry);
  }

  /** Forgets a mitigation that was lifted (or could not be). */
  drop(id: string): void {
    this.#store?.removeRestore(id);
    this.#inForce.delete(id);
  }

  /** The mitigations stored when the platform stopped; returns them to put their records back. */
  load(): { entries: StoredRestore[]; invalid: number } {
    const loaded = this.#store?.loadRestores() ?? { entries: [], invalid: 0 };
    const kept = loaded.entries.slice(0, MAX_IN_FORCE);
    for (const entry of kept) this.#inForce.set(entry.record.id, entry);
    return { entries: kept, invalid: loaded.invalid };
  }

  /**
   * A signal arrived: if a lifted mitigation's signal is being watched it came back; if a mitigation in force
   * answers it, the signal was not normal, so its hold starts again. Returns whether the signal is watched (its
   * proposals are the watch's to re-apply, not new remediations).
   */
  seen(signal: Signal, now: number): boolean {
    const watch = this.#watched.get(signal.key);
    if (watch !== undefined) watch.back = true;
    for (const entry of this.#inForce.values())
      if (entry.proposal.signal.key === signal.key && !this.#lifting.has(entry.record.id))
        this.keep({ ...entry, dueAt: now + entry.holdMs });
    return watch !== undefined;
  }

  /** Whether proposals for this signal belong to a watch after a lift. */
  watching(key: string): boolean {
    return this.#watched.has(key);
  }

  /** Mitigations whose hold is over, each handed out once until `done`. */
  takeDue(now: number): StoredRestore[] {
    const due = [...this.#inForce.values()].filter((e) => e.dueAt <= now && !this.#lifting.has(e.record.id));
    for (const entry of due) this.#lifting.add(entry.record.id);
    return due;
  }

  done(id: string): void {
    this.#lifting.delete(id);
  }

  /**
   * Watches a lifted mitigation's signal for `ms`: true as soon as it reads bad again (an incident's alert cannot be
   * read as firing: its coming back is a new alert, seen through `seen`), false when it stayed normal.
   */
  async cameBack(
    signal: Signal,
    probe: SignalProbe,
    options: { ms: number; intervalMs: number; abort: AbortSignal; now: () => number },
  ): Promise<boolean> {
    const state = { back: false };
    this.#watched.set(signal.key, state);
    const until = options.now() + options.ms;
    try {
      for (;;) {
        if (state.back) return true;
        if (signal.kind !== 'incident' && (await probeQuietly(probe, signal, options.now())) === false) return true;
        if (options.now() >= until || options.abort.aborted) return false;
        await sleepUnlessAborted(options.intervalMs, options.abort);
      }
    } finally {
      this.#watched.delete(signal.key);
    }
  }
}

/** The probe's reading; a probe that fails cannot tell. */
export async function probeQuietly(probe: SignalProbe, signal: Signal, since: number): Promise<boolean | undefined> {
  try {
    return await probe.recovered(signal, since);
  } catch {
    return undefined;
  }
}
