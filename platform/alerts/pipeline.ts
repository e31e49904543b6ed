import type { Clock, TimerHandle } from './clock.ts';
import type { AlertsConfig, ReceiverConfig } from './config/schema.ts';
import { MemoryDigestBuffer, type DigestBuffer } from './fatigue/digest.ts';
import { RateLimiter } from './fatigue/rate-limit.ts';
import { IncidentLifecycle, type IncidentEvent } from './incident-lifecycle.ts';
import type { Alert, Incident, IncidentAlert, Remediation } from './model.ts';
import { hash, Notifier, type DigestItem } from './notify/notifier.ts';
import type { OutboxItem } from './notify/outbox.ts';
import type { Directory } from './oncall/directory.ts';
import { CorrelateStage, correlatorFor } from './stages/correlate-stage.ts';
import type { IncidentCorrelator } from './correlation/correlator.ts';
import { IncidentMoves, type IncidentPersistence } from './correlation/incident-moves.ts';
import type { ServiceGraph } from './correlation/service-graph.ts';
import { FileResolvedStage } from './stages/file-resolved-stage.ts';
import { DedupStage } from './stages/dedup-stage.ts';
import { Dedup } from './stages/dedup.ts';
import { EnrichStage, enricherFor } from './stages/enrich-stage.ts';
import type { Enricher } from './stages/enrich.ts';
import { GroupScheduler, type FlushResult, type Group } from './stages/group.ts';
import { Inhibitor } from './stages/inhibit.ts';
import { ResolveStage } from './stages/resolve-stage.ts';
import { forgetOldResolved } from './stages/resolved-sample.ts';
import { RouteStage } from './stages/route-stage.ts';
import { compileRoute, type RouteNode } from './stages/route.ts';
import type { Silence } from './stages/silence.ts';
import type { AlertContext, ProcessOutcome, Stage } from './stages/stage.ts';
import { SuppressStage } from './stages/suppress-stage.ts';

export type { DigestItem } from './notify/notifier.ts';

export interface PipelineOptions {
  readonly config: AlertsConfig;
  readonly clock: Clock;
  readonly directory: Directory;
  /** Where notifications go (the outbox). */
  readonly enqueue: (items: readonly OutboxItem[]) => void;
  /** Persistence of incident changes (SQLite in the service, nothing in unit tests). */
  readonly persist?: IncidentPersistence;
  readonly silences: () => Iterable<Silence>;
  readonly runbooks: ReadonlySet<string>;
  /** Held notifications (SQLite in the service, so they survive restarts). */
  readonly digest?: DigestBuffer<DigestItem>;
  /** Runs work in one transaction with its outbox rows (SQLite in the service). */
  readonly transact?: <T>(work: () => T) => T;
  /**
   * The open incidents as persisted. Stages change memory before the transaction commits; when it fails,
   * memory is rebuilt from here, so a redelivered alert is processed again instead of being taken for a
   * duplicate of one that was never stored.
   */
  readonly load?: () => readonly Incident[];
  /** The service graph seen in traces, for the entity correlator (kept across rebuilds). */
  readonly serviceGraph?: ServiceGraph;
  /** Told of failed timer work (flushes, escalations, digests); it is retried on the next tick. */
  readonly onError?: (error: unknown, context: string) => void;
}

/** What is rebuilt from storage after a failed write: everything that remembers alerts. */
interface State {
  readonly dedup: Dedup;
  readonly correlator: IncidentCorrelator;
  readonly inhibitor: Inhibitor;
  readonly groups: GroupScheduler;
  readonly incidents: Map<string, Incident>;
  readonly lifecycle: IncidentLifecycle;
  readonly suppress: SuppressStage;
  readonly router: RouteStage;
  readonly stages: readonly Stage[];
}

/**
 * The alert pipeline: dedup -> resolve -> enrich -> correlate -> suppress (inhibit, silence, maintenance,
 * prioritise) -> route; group flushes notify teams and start escalation (incident-lifecycle.ts), pages go
 * through fatigue control into the outbox (notify/notifier.ts). Each stage is a file under stages/ behind
 * one Stage interface; this file wires them and keeps memory consistent with what was stored.
 */
export class Pipeline {
  readonly #config: AlertsConfig;
  readonly #clock: Clock;
  readonly #options: PipelineOptions;
  readonly #enricher: Enricher;
  readonly #routes: RouteNode;
  readonly #receivers: Map<string, ReceiverConfig>;
  readonly #notifier: Notifier;
  readonly #digest: DigestBuffer<DigestItem>;
  readonly #transact: <T>(work: () => T) => T;
  readonly #listeners: ((e: IncidentEvent) => void)[] = [];
  #state: State;
  /** A write failed after memory changed: rebuild from storage before anything else runs. */
  #stale = false;
  #digestTimer: TimerHandle;

  constructor(options: PipelineOptions) {
    const c = options.config;
    this.#options = options;
    this.#config = c;
    this.#clock = options.clock;
    this.#transact = options.transact ?? (<T>(work: () => T): T => work());
    this.#enricher = enricherFor(c, options.runbooks);
    this.#routes = compileRoute(c.route);
    this.#receivers = new Map(c.receivers.map((r) => [r.name, r]));
    this.#digest = options.digest ?? new MemoryDigestBuffer<DigestItem>();
    this.#notifier = new Notifier({
      config: c,
      directory: options.directory,
      limiter: new RateLimiter(c.fatigue.rate_limit.max, c.fatigue.rate_limit.per),
      digest: this.#digest,
      enqueue: options.enqueue,
    });
    this.#state = this.#build();
    this.#digestTimer = this.#scheduleDigest();
  }

  #build(): State {
    const c = this.#config;
    const save = (i: Incident): void => this.#options.persist?.incident(i);
    const dedup = new Dedup(c.priority.flap.window, c.retention.fingerprints);
    const correlator = correlatorFor(c, this.#options.serviceGraph);
    const inhibitor = new Inhibitor(c.inhibit_rules);
    const incidents = new Map<string, Incident>();
    const groups = new GroupScheduler(this.#clock, (group, reason) => this.#groupFlush(group, reason));
    const router = new RouteStage(this.#routes, groups);
    const lifecycle = new IncidentLifecycle({
      clock: this.#clock,
      directory: this.#options.directory,
      notifier: this.#notifier,
      save,
      emit: (e) => {
        this.#emit(e);
      },
      timerWork: (work) => {
        this.#timerWork('escalation', work);
      },
      closed: (incident) => {
        correlator.close(incident);
        this.#notifier.resolved(incident, router.notifiedReceivers(incident, this.#receivers));
        groups.drop(incident.id);
        incidents.delete(incident.id);
      },
    });
    const suppress = new SuppressStage({
      dedup,
      inhibitor,
      silences: this.#options.silences,
      maintenance: c.maintenance_windows,
      priority: { businessImpact: c.priority.business_impact, flapThreshold: c.priority.flap.threshold },
    });
    const filing = {
      saveAlert: (id: string, a: IncidentAlert) => this.#options.persist?.alert(id, a),
      save,
      close: (incident: Incident, now: number) => {
        lifecycle.close(incident, now);
      },
    };
    const stages: Stage[] = [
      new DedupStage(dedup, correlator),
      new ResolveStage({ inhibitor, router, correlator, ...filing }),
      new EnrichStage(this.#enricher),
      new CorrelateStage(correlator, incidents, () => this.moves),
      suppress,
      router,
      new FileResolvedStage(filing),
    ];
    return { dedup, correlator, inhibitor, groups, incidents, lifecycle, suppress, router, stages };
  }

  /** Rebuilds state from stored open incidents (after a restart): nothing notified before is sent again. */
  restore(incidents: readonly Incident[]): void {
    const s = this.#state;
    for (const incident of incidents) {
      s.incidents.set(incident.id, incident);
      forgetOldResolved(incident, () => undefined);
      for (const ia of incident.alerts.values()) {
        s.dedup.observe(ia.alert, ia.lastSeen);
        s.inhibitor.observe(ia.alert);
        if (ia.alert.status === 'firing') s.correlator.attach(incident, ia.alert);
      }
      for (const ia of incident.alerts.values()) s.router.route(incident, ia);
      s.lifecycle.resume(incident);
    }
  }

  onIncident(listener: (e: IncidentEvent) => void): void {
    this.#listeners.push(listener);
  }

  recordRemediation(r: Remediation): void {
    this.#enricher.recordRemediation(r);
  }

  /** Runs one alert through the stages, in one transaction with what it stores and enqueues. */
  process(alert: Alert, acceptedAt = this.#clock.now()): { outcome: ProcessOutcome; incidentId?: string } {
    return this.atomically(() => {
      const ctx: AlertContext = { alert, now: this.#clock.now(), acceptedAt };
      for (const stage of this.#state.stages) if (stage.run(ctx) === 'stop') break;
      const { incident, entry } = ctx;
      const outcome = ctx.outcome ?? 'deduplicated';
      if (entry !== undefined && incident !== undefined && alert.status === 'firing') {
        this.#options.persist?.incident(incident);
        this.#options.persist?.alert(incident.id, entry);
        if (outcome === 'opened') this.#emit({ incident, change: 'opened' });
      }
      const id = incident?.id ?? ctx.existing?.id;
      return id === undefined ? { outcome } : { outcome, incidentId: id };
    });
  }

  /**
   * Runs `work` in one transaction; if it fails, memory (which the work may have changed before the
   * write) is rebuilt from storage before the next operation. The API's actions run through here too.
   */
  atomically<T>(work: () => T): T {
    this.#refresh();
    try {
      return this.#transact(work);
    } catch (error) {
      if (this.#options.load !== undefined) {
        this.#stale = true;
        // After the caller's transaction (if any) has rolled back.
        setImmediate(() => {
          this.#refresh();
        });
      }
      throw error;
    }
  }

  /** Replaces every stateful stage with one rebuilt from the given (default: stored) open incidents. */
  rebuild(incidents = this.#options.load?.() ?? []): void {
    this.#stopState();
    this.#state = this.#build();
    this.restore(incidents);
  }

  incident(id: string): Incident | undefined {
    this.#refresh();
    return this.#state.incidents.get(id);
  }

  get openIncidents(): number {
    return this.#state.correlator.openCount;
  }

  /** The firing alerts of open incidents, for the resolve timeout (resolve-timeout.ts). */
  firingAlerts(): IncidentAlert[] {
    this.#refresh();
    const all = [...this.#state.incidents.values()].flatMap((i) => [...i.alerts.values()]);
    return all.filter((ia) => ia.alert.status === 'firing');
  }

  /** Fingerprints remembered for dedup (bounded by `retention.fingerprints`). */
  get fingerprints(): number {
    return this.#state.dedup.size;
  }

  acknowledge(id: string, by: string): Incident {
    return this.atomically(() => {
      const incident = this.#mustBeOpen(id);
      this.#state.lifecycle.acknowledge(incident, by);
      return incident;
    });
  }

  resolve(id: string, by: string): Incident {
    return this.atomically(() => {
      const incident = this.#mustBeOpen(id);
      incident.acknowledgedBy ??= by;
      this.#state.lifecycle.close(incident, this.#clock.now());
      return incident;
    });
  }

  snooze(id: string, until: number, by: string): Incident {
    return this.atomically(() => {
      const incident = this.#mustBeOpen(id);
      this.#state.lifecycle.snooze(incident, until, by);
      return incident;
    });
  }

  /** Hands the incident to someone else, who is paged at once. */
  reassign(id: string, userId: string, by: string): Incident {
    return this.atomically(() => {
      const incident = this.#mustBeOpen(id);
      this.#state.lifecycle.reassign(incident, userId, by);
      return incident;
    });
  }

  /** Operators' merges and splits (correlation/incident-moves.ts); run them through `atomically`. */
  get moves(): IncidentMoves {
    return new IncidentMoves(this.#state, this.#clock, this.#options.persist, this.#listeners);
  }

  /** Sends every digest now (also runs on the digest interval). */
  flushDigests(): void {
    this.atomically(() => {
      this.#notifier.flushDigests(this.#clock.now());
    });
  }

  get pendingDigest(): number {
    return this.#digest.pending;
  }

  stop(): void {
    this.#stopState();
    this.#digestTimer.cancel();
  }

  #stopState(): void {
    this.#state.groups.stop();
    this.#state.lifecycle.stop();
  }

  #refresh(): void {
    if (!this.#stale) return;
    this.#stale = false;
    this.rebuild();
  }

  /** Timer-driven work never throws out of its timer: a failure is reported and memory rebuilt. */
  #timerWork(context: string, work: () => void): void {
    try {
      this.atomically(work);
    } catch (error) {
      this.#options.onError?.(error, context);
    }
  }

  #groupFlush(group: Group, reason: 'first' | 'changed' | 'repeat'): FlushResult {
    let result: FlushResult = 'held';
    this.#timerWork('group flush', () => {
      result = this.#flush(group, reason);
    });
    return result;
  }

  /** A group's timer fired: notify the receiver's team targets and start (or update) the escalation. */
  #flush(group: Group, reason: 'first' | 'changed' | 'repeat'): FlushResult {
    const s = this.#state;
    const incident = s.incidents.get(group.incidentId);
    if (incident === undefined || incident.status === 'resolved') return 'done';
    const now = this.#clock.now();
    const alerts = [...group.fingerprints]
      .map((fp) => incident.alerts.get(fp))
      .filter((a): a is IncidentAlert => a !== undefined);
    for (const ia of alerts) if (ia.alert.status === 'firing') s.suppress.evaluate(ia, now);
    const active = alerts.filter((a) => a.alert.status === 'firing' && a.suppressedBy === undefined);
    if (alerts.every((a) => a.alert.status === 'resolved')) return 'done';
    if (active.length === 0 || incident.status === 'snoozed') return 'held';
    const receiver = this.#receivers.get(group.route.receiver);
    if (receiver === undefined) return 'held';
    const state = hash(
      alerts
        .map((a) => `${a.alert.fingerprint}:${a.alert.status}:${a.suppressedBy ?? ''}`)
        .sort()
        .join(','),
    );
    const kind = reason === 'first' ? 'page' : 'update';
    const suffix =
      reason === 'repeat' ? `repeat:${String(Math.floor(now / group.route.repeatIntervalMs))}` : `${kind}:${state}`;
    this.#notifier.team(incident, receiver, group.route.id, { kind, suffix }, active);
    if (receiver.escalation_policy !== undefined && incident.escalation === undefined) {
      incident.escalation = { policyId: receiver.escalation_policy, epoch: 0, startedAt: now };
      s.lifecycle.escalate(incident);
      this.#options.persist?.incident(incident);
    } else if (kind === 'update' && incident.assignee !== undefined && incident.status === 'triggered') {
      const user = this.#options.directory.user(incident.assignee);
      if (user !== undefined) this.#notifier.page(incident, user, `${group.route.id}:${suffix}`, 'update', now);
    }
    return 'sent';
  }

  #mustBeOpen(id: string): Incident {
    const incident = this.#state.incidents.get(id);
    if (incident === undefined) throw new RangeError(`no open incident ${id}`);
    return incident;
  }

  #scheduleDigest(): TimerHandle {
    return this.#clock.schedule(this.#config.fatigue.digest.interval, () => {
      this.#timerWork('digest', () => {
        this.#notifier.flushDigests(this.#clock.now());
      });
      // Housekeeping rides on the digest tick: forget fingerprints resolved for a day.
      this.#state.dedup.prune(this.#clock.now(), 86_400_000);
      this.#digestTimer = this.#scheduleDigest();
    });
  }

  #emit(e: IncidentEvent): void {
    for (const l of this.#listeners) l(e);
  }
}
