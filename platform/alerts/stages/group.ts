import type { Clock, TimerHandle } from '../clock.ts';
import type { RouteNode } from './route.ts';

export interface Group {
  readonly key: string;
  readonly route: RouteNode;
  readonly incidentId: string;
  readonly fingerprints: Set<string>;
  /** How many notifications this group has sent (0 before the first flush). */
  sent: number;
  lastSentAt?: number;
}

/**
 * What a flush reports back: 'sent'; 'held' when nothing went out (all muted, snoozed), so the next tick
 * tries again as if nothing had been sent; 'done' once every alert of the group resolved.
 */
export type FlushResult = 'sent' | 'held' | 'done';

/**
 * Stage 7: Alertmanager's aggregation-group timing. A new group waits `group_wait` so alerts arriving
 * together go out together; then it ticks every `group_interval` and notifies when its alerts changed since
 * the last notification, or when `repeat_interval` has passed without change.
 */
export class GroupScheduler {
  readonly #clock: Clock;
  readonly #flush: (group: Group, reason: 'first' | 'changed' | 'repeat') => FlushResult;
  readonly #groups = new Map<string, { group: Group; dirty: boolean; timer: TimerHandle }>();

  constructor(clock: Clock, flush: (group: Group, reason: 'first' | 'changed' | 'repeat') => FlushResult) {
    this.#clock = clock;
    this.#flush = flush;
  }

  /** An alert of the group arrived or changed state. */
  touch(key: string, route: RouteNode, incidentId: string, fingerprint: string): void {
    const entry = this.#groups.get(key);
    if (entry !== undefined) {
      entry.group.fingerprints.add(fingerprint);
      entry.dirty = true;
      return;
    }
    const group: Group = { key, route, incidentId, fingerprints: new Set([fingerprint]), sent: 0 };
    const fresh = {
      group,
      dirty: true,
      timer: this.#clock.schedule(route.groupWaitMs, () => {
        this.#tick(key);
      }),
    };
    this.#groups.set(key, fresh);
  }

  /** Groups of an incident (for acknowledge/resolve from the API). */
  groupsOf(incidentId: string): Group[] {
    return [...this.#groups.values()].filter((e) => e.group.incidentId === incidentId).map((e) => e.group);
  }

  /** A resolved alert left memory: no group of its incident waits for it any more. */
  forget(incidentId: string, fingerprint: string): void {
    for (const e of this.#groups.values())
      if (e.group.incidentId === incidentId) e.group.fingerprints.delete(fingerprint);
  }

  drop(incidentId: string): void {
    for (const [key, e] of this.#groups)
      if (e.group.incidentId === incidentId) {
        e.timer.cancel();
        this.#groups.delete(key);
      }
  }

  get size(): number {
    return this.#groups.size;
  }

  stop(): void {
    for (const e of this.#groups.values()) e.timer.cancel();
    this.#groups.clear();
  }

  #tick(key: string): void {
    const entry = this.#groups.get(key);
    if (entry === undefined) return;
    const { group } = entry;
    const now = this.#clock.now();
    let result: FlushResult = 'held';
    const reason =
      group.sent === 0
        ? 'first'
        : entry.dirty
          ? 'changed'
          : now - (group.lastSentAt ?? now) >= group.route.repeatIntervalMs
            ? 'repeat'
            : undefined;
    if (reason !== undefined) {
      result = this.#flush(group, reason);
      if (result === 'sent') {
        entry.dirty = false;
        group.sent++;
        group.lastSentAt = now;
      }
    }
    if (result === 'done') {
      this.#groups.delete(key);
      return;
    }
    entry.timer = this.#clock.schedule(group.route.groupIntervalMs, () => {
      this.#tick(key);
    });
  }
}
