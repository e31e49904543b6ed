import type { Clock, TimerHandle } from './clock.ts';
import type { Incident } from './model.ts';
import { hash, type Notifier } from './notify/notifier.ts';
import type { Directory } from './oncall/directory.ts';
import { escalationPosition, stepOf } from './oncall/escalation.ts';
import { onCallAt } from './oncall/schedule.ts';

export interface IncidentEvent {
  readonly incident: Incident;
  readonly change: 'opened' | 'resolved' | 'acknowledged' | 'snoozed' | 'reassigned' | 'escalated';
}

export interface LifecycleOptions {
  readonly clock: Clock;
  readonly directory: Directory;
  readonly notifier: Notifier;
  readonly save: (incident: Incident) => void;
  readonly emit: (e: IncidentEvent) => void;
  /** Runs timer-driven work in one transaction with its outbox rows, recovering if the write fails. */
  readonly timerWork: (work: () => void) => void;
  /** Tells the rest of the pipeline an incident closed (correlation, groups, resolve notifications). */
  readonly closed: (incident: Incident) => void;
}

/**
 * An incident's life after it opened: acknowledge, snooze (and its end), reassign, resolve, and the
 * escalation policy's steps on their timeouts. Each change is saved and announced.
 */
export class IncidentLifecycle {
  readonly #o: LifecycleOptions;
  readonly #escalationTimers = new Map<string, TimerHandle>();
  readonly #snoozeTimers = new Map<string, TimerHandle>();

  constructor(options: LifecycleOptions) {
    this.#o = options;
  }

  /** Re-arms the timers of an incident restored after a restart. */
  resume(incident: Incident): void {
    if (incident.status === 'snoozed' && incident.snoozedUntil !== undefined) this.#armSnooze(incident);
    else if (incident.status === 'triggered') this.escalate(incident);
  }

  acknowledge(incident: Incident, by: string): void {
    incident.status = 'acknowledged';
    incident.acknowledgedBy = by;
    incident.updatedAt = this.#o.clock.now();
    this.cancelTimers(incident.id);
    this.#o.save(incident);
    this.#o.emit({ incident, change: 'acknowledged' });
  }

  snooze(incident: Incident, until: number, by: string): void {
    incident.status = 'snoozed';
    incident.snoozedUntil = until;
    incident.acknowledgedBy = by;
    incident.updatedAt = this.#o.clock.now();
    this.cancelTimers(incident.id);
    this.#armSnooze(incident);
    this.#o.save(incident);
    this.#o.emit({ incident, change: 'snoozed' });
  }

  /** Hands the incident to someone else, who is paged at once. */
  reassign(incident: Incident, userId: string, by: string): void {
    const user = this.#o.directory.user(userId);
    if (user === undefined) throw new RangeError(`unknown user ${userId}`);
    const now = this.#o.clock.now();
    incident.assignee = userId;
    incident.acknowledgedBy = undefined;
    incident.status = 'triggered';
    incident.updatedAt = now;
    this.cancelTimers(incident.id);
    this.#o.notifier.page(incident, user, `reassign.${hash(`${by}:${String(now)}`)}`, 'page', now);
    this.#o.save(incident);
    this.#o.emit({ incident, change: 'reassigned' });
  }

  close(incident: Incident, now: number): void {
    incident.status = 'resolved';
    incident.resolvedAt = now;
    incident.updatedAt = now;
    this.cancelTimers(incident.id);
    this.#o.closed(incident);
    this.#o.save(incident);
    this.#o.emit({ incident, change: 'resolved' });
  }

  /** Pages every step reached so far (each once: the idempotency key) and arms the next step's timeout. */
  escalate(incident: Incident): void {
    const esc = incident.escalation;
    if (esc === undefined || incident.status !== 'triggered') return;
    const { directory, clock } = this.#o;
    const policy = directory.policy(esc.policyId);
    if (policy === undefined) return;
    const now = clock.now();
    const position = escalationPosition(policy, now - esc.startedAt);
    for (let k = 0; k <= position.reached; k++) {
      const step = stepOf(policy, k);
      if (step === undefined) continue;
      const people = step.targets
        .map((t) => {
          if ('user' in t) return t.user;
          const schedule = directory.schedule(t.schedule);
          return schedule === undefined ? undefined : onCallAt(schedule, now);
        })
        .filter((u): u is string => u !== undefined);
      if (k === position.reached && people[0] !== undefined && incident.assignee !== people[0]) {
        incident.assignee = people[0];
        if (k > 0) this.#o.emit({ incident, change: 'escalated' });
      }
      for (const person of people) {
        const user = directory.user(person);
        if (user !== undefined) this.#o.notifier.page(incident, user, `${String(esc.epoch)}.${String(k)}`, 'page', now);
      }
    }
    this.#o.save(incident);
    this.#escalationTimers.get(incident.id)?.cancel();
    if (position.nextAtMs !== undefined) {
      this.#escalationTimers.set(
        incident.id,
        clock.schedule(esc.startedAt + position.nextAtMs - now, () => {
          this.#o.timerWork(() => {
            this.escalate(incident);
          });
        }),
      );
    }
  }

  cancelTimers(id: string): void {
    this.#escalationTimers.get(id)?.cancel();
    this.#escalationTimers.delete(id);
    this.#snoozeTimers.get(id)?.cancel();
    this.#snoozeTimers.delete(id);
  }

  stop(): void {
    for (const t of this.#escalationTimers.values()) t.cancel();
    for (const t of this.#snoozeTimers.values()) t.cancel();
    this.#escalationTimers.clear();
    this.#snoozeTimers.clear();
  }

  #armSnooze(incident: Incident): void {
    const until = incident.snoozedUntil ?? this.#o.clock.now();
    this.#snoozeTimers.set(
      incident.id,
      this.#o.clock.schedule(until - this.#o.clock.now(), () => {
        this.#o.timerWork(() => {
          this.#endSnooze(incident);
        });
      }),
    );
  }

  /** A snooze ran out: the incident triggers again and its escalation starts over (a new epoch). */
  #endSnooze(incident: Incident): void {
    this.#snoozeTimers.delete(incident.id);
    if (incident.status !== 'snoozed') return;
    incident.status = 'triggered';
    delete incident.snoozedUntil;
    if (incident.escalation !== undefined)
      incident.escalation = {
        ...incident.escalation,
        epoch: incident.escalation.epoch + 1,
        startedAt: this.#o.clock.now(),
      };
    this.escalate(incident);
    this.#o.save(incident);
  }
}
