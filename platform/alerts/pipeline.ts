import { createHash } from 'node:crypto';
import type { Clock, TimerHandle } from './clock.ts';
import type { AlertsConfig, ReceiverConfig, UserConfig } from './config/schema.ts';
import { MemoryDigestBuffer, type DigestBuffer } from './fatigue/digest.ts';
import { decide } from './fatigue/policy.ts';
import { RateLimiter } from './fatigue/rate-limit.ts';
import {
  severities,
  severityOf,
  type Alert,
  type Incident,
  type IncidentAlert,
  type Priority,
  type Remediation,
} from './model.ts';
import type { NotificationMessage } from './notify/message.ts';
import type { OutboxItem } from './notify/outbox.ts';
import type { ChannelTarget } from './notify/targets.ts';
import type { Directory } from './oncall/directory.ts';
import { escalationPosition, stepOf } from './oncall/escalation.ts';
import { onCallAt } from './oncall/schedule.ts';
import { createCorrelator } from './correlation/create.ts';
import type { IncidentCorrelator } from './correlation/correlator.ts';
import { newIncidentId } from './stages/correlate.ts';
import { Dedup } from './stages/dedup.ts';
import { Enricher } from './stages/enrich.ts';
import { GroupScheduler, type FlushResult, type Group } from './stages/group.ts';
import { Inhibitor } from './stages/inhibit.ts';
import { prioritise } from './stages/prioritise.ts';
import { compileRoute, groupKey, matchRoutes, type RouteNode } from './stages/route.ts';
import { inMaintenance, silencedBy, type Silence } from './stages/silence.ts';

export interface PipelineOptions {
  readonly config: AlertsConfig;
  readonly clock: Clock;
  readonly directory: Directory;
  /** Where notifications go (the outbox). */
  readonly enqueue: (items: readonly OutboxItem[]) => void;
  /** Persistence of incident changes (SQLite in the service, nothing in unit tests). */
  readonly persist?: {
    incident(i: Incident): void;
    alert(incidentId: string, a: IncidentAlert): void;
    /** An operator moved an alert to another incident (merge, split). */
    moveAlert?(fromId: string, toId: string, a: IncidentAlert): void;
  };
  readonly silences: () => Iterable<Silence>;
  readonly runbooks: ReadonlySet<string>;
  /** Held notifications (SQLite in the service, so they survive restarts). */
  readonly digest?: DigestBuffer<DigestItem>;
  /** Runs timer-driven work (flushes, escalations, digests) in one transaction with its outbox rows. */
  readonly transact?: <T>(work: () => T) => T;
}

export interface DigestItem {
  readonly title: string;
  readonly priority: Priority;
  readonly incidentId?: string;
}

export type ProcessOutcome = 'deduplicated' | 'opened' | 'joined' | 'updated' | 'resolved-alert' | 'unknown-resolved';

export interface IncidentEvent {
  readonly incident: Incident;
  readonly change: 'opened' | 'resolved' | 'acknowledged' | 'snoozed' | 'reassigned' | 'escalated';
}

const hash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);
const targetId = (t: ChannelTarget): string => hash(JSON.stringify(t));

/**
 * The alert pipeline: dedup -> enrich -> correlate -> inhibit / silence / maintenance -> prioritise ->
 * route (groups with Alertmanager timing) -> on-call escalation -> fatigue control -> outbox.
 * Every stage is its own module under stages/, oncall/, fatigue/ and notify/; this file wires them.
 */
export class Pipeline {
  readonly #config: AlertsConfig;
  readonly #clock: Clock;
  readonly #directory: Directory;
  readonly #options: PipelineOptions;
  readonly #dedup: Dedup;
  readonly #enricher: Enricher;
  readonly #correlator: IncidentCorrelator;
  readonly #inhibitor: Inhibitor;
  readonly #routes: RouteNode;
  readonly #routeById = new Map<string, RouteNode>();
  readonly #receivers: Map<string, ReceiverConfig>;
  readonly #groups: GroupScheduler;
  readonly #limiter: RateLimiter;
  readonly #digest: DigestBuffer<DigestItem>;
  readonly #transact: <T>(work: () => T) => T;
  readonly #incidents = new Map<string, Incident>();
  readonly #escalationTimers = new Map<string, TimerHandle>();
  readonly #snoozeTimers = new Map<string, TimerHandle>();
  #digestTimer: TimerHandle;
  readonly #listeners: ((e: IncidentEvent) => void)[] = [];

  constructor(options: PipelineOptions) {
    const c = options.config;
    this.#options = options;
    this.#config = c;
    this.#clock = options.clock;
    this.#directory = options.directory;
    this.#digest = options.digest ?? new MemoryDigestBuffer<DigestItem>();
    this.#transact = options.transact ?? (<T>(work: () => T): T => work());
    this.#dedup = new Dedup(c.priority.flap.window);
    this.#enricher = new Enricher({
      dashboardUrl: absolute(c.enrichment.dashboard_url, c.public_url),
      runbookBaseUrl: absolute(c.enrichment.runbook_base_url, c.public_url),
      runbooks: options.runbooks,
      remediationWindowMs: c.enrichment.remediation_window,
    });
    this.#correlator = createCorrelator(c);
    this.#inhibitor = new Inhibitor(c.inhibit_rules);
    this.#routes = compileRoute(c.route);
    const index = (n: RouteNode): void => {
      this.#routeById.set(n.id, n);
      n.routes.forEach(index);
    };
    index(this.#routes);
    this.#receivers = new Map(c.receivers.map((r) => [r.name, r]));
    this.#groups = new GroupScheduler(this.#clock, (group, reason) => this.#transact(() => this.#flush(group, reason)));
    this.#limiter = new RateLimiter(c.fatigue.rate_limit.max, c.fatigue.rate_limit.per);
    this.#digestTimer = this.#scheduleDigest();
  }

  /** Rebuilds state from stored open incidents (after a restart): nothing notified before is sent again. */
  restore(incidents: readonly Incident[]): void {
    for (const incident of incidents) {
      this.#incidents.set(incident.id, incident);
      for (const ia of incident.alerts.values()) {
        this.#dedup.observe(ia.alert, ia.lastSeen);
        this.#inhibitor.observe(ia.alert);
        if (ia.alert.status === 'firing') this.#correlator.attach(incident, ia.alert);
      }
      for (const ia of incident.alerts.values()) this.#route(incident, ia);
      if (incident.status === 'snoozed' && incident.snoozedUntil !== undefined) this.#armSnooze(incident);
      else if (incident.status === 'triggered') this.#escalate(incident);
    }
  }

  onIncident(listener: (e: IncidentEvent) => void): void {
    this.#listeners.push(listener);
  }

  recordRemediation(r: Remediation): void {
    this.#enricher.recordRemediation(r);
  }

  /** Runs one alert through the stages. */
  process(alert: Alert, acceptedAt = this.#clock.now()): { outcome: ProcessOutcome; incidentId?: string } {
    const now = this.#clock.now();
    const seen = this.#dedup.observe(alert, now);
    const existing = this.#correlator.incidentOf(alert.fingerprint);
    // A repeat is dropped, except a firing alert whose incident someone resolved: it still fires, so it
    // opens a new incident.
    if (seen === 'duplicate' && (existing !== undefined || alert.status === 'resolved')) {
      const ia = existing?.alerts.get(alert.fingerprint);
      if (ia !== undefined) ia.lastSeen = now;
      return existing === undefined
        ? { outcome: 'deduplicated' }
        : { outcome: 'deduplicated', incidentId: existing.id };
    }
    // A resolved alert never seen firing is still filed (with its cause, or alone): none accepted goes missing.
    if (alert.status === 'resolved' && (seen !== 'new' || existing !== undefined))
      return this.#resolveAlert(alert, existing, now);

    const enrichment = this.#enricher.enrich(alert, now);
    let incident = this.#correlator.match(alert);
    const opened = incident === undefined;
    if (incident === undefined) {
      incident = {
        id: newIncidentId(now),
        status: 'triggered',
        title: titleOf(alert),
        severity: severityOf(alert.labels),
        priority: 5,
        createdAt: now,
        updatedAt: now,
        lastAlertAt: alert.startsAt,
        alerts: new Map(),
      };
      this.#incidents.set(incident.id, incident);
    }
    const previous = incident.alerts.get(alert.fingerprint);
    const ia: IncidentAlert = {
      alert,
      enrichment,
      priority: 5,
      firstSeen: previous?.firstSeen ?? now,
      lastSeen: now,
      routes: [],
      acceptedAt,
    };
    incident.alerts.set(alert.fingerprint, ia);
    const why = this.#correlator.attach(incident, alert);
    ia.correlation = previous?.correlation ?? why;
    this.#inhibitor.observe(alert);
    incident.lastAlertAt = Math.max(incident.lastAlertAt, alert.startsAt);
    incident.updatedAt = now;
    if (severities.indexOf(severityOf(alert.labels)) < severities.indexOf(incident.severity))
      incident.severity = severityOf(alert.labels);
    this.#evaluate(ia, now);
    incident.priority = incidentPriority(incident);
    this.#route(incident, ia);
    this.#options.persist?.incident(incident);
    this.#options.persist?.alert(incident.id, ia);
    if (opened) this.#emit({ incident, change: 'opened' });
    if (alert.status === 'resolved') {
      if ([...incident.alerts.values()].every((a) => a.alert.status === 'resolved')) this.#close(incident, now);
      return { outcome: 'resolved-alert', incidentId: incident.id };
    }
    return { outcome: opened ? 'opened' : previous === undefined ? 'joined' : 'updated', incidentId: incident.id };
  }

  incident(id: string): Incident | undefined {
    return this.#incidents.get(id);
  }

  get openIncidents(): number {
    return this.#correlator.openCount;
  }

  acknowledge(id: string, by: string): Incident {
    const incident = this.#mustBeOpen(id);
    incident.status = 'acknowledged';
    incident.acknowledgedBy = by;
    incident.updatedAt = this.#clock.now();
    this.#cancelTimers(id);
    this.#options.persist?.incident(incident);
    this.#emit({ incident, change: 'acknowledged' });
    return incident;
  }

  resolve(id: string, by: string): Incident {
    const incident = this.#mustBeOpen(id);
    incident.acknowledgedBy ??= by;
    this.#close(incident, this.#clock.now());
    return incident;
  }

  snooze(id: string, until: number, by: string): Incident {
    const incident = this.#mustBeOpen(id);
    incident.status = 'snoozed';
    incident.snoozedUntil = until;
    incident.acknowledgedBy = by;
    incident.updatedAt = this.#clock.now();
    this.#cancelTimers(id);
    this.#armSnooze(incident);
    this.#options.persist?.incident(incident);
    this.#emit({ incident, change: 'snoozed' });
    return incident;
  }

  /** Hands the incident to someone else, who is paged at once. */
  reassign(id: string, userId: string, by: string): Incident {
    const incident = this.#mustBeOpen(id);
    const user = this.#directory.user(userId);
    if (user === undefined) throw new RangeError(`unknown user ${userId}`);
    const now = this.#clock.now();
    incident.assignee = userId;
    incident.acknowledgedBy = undefined;
    incident.status = 'triggered';
    incident.updatedAt = now;
    this.#cancelTimers(id);
    this.#page(incident, user, `reassign.${hash(`${by}:${String(now)}`)}`, 'page', now);
    this.#options.persist?.incident(incident);
    this.#emit({ incident, change: 'reassigned' });
    return incident;
  }

  /** An operator says `fromId` is part of `intoId`: its alerts move there, the correlator learns, it resolves. */
  merge(intoId: string, fromId: string, by: string): Incident {
    const into = this.#mustBeOpen(intoId);
    const from = this.#mustBeOpen(fromId);
    if (into === from) throw new RangeError('an incident cannot be merged into itself');
    this.#correlator.feedback(into, from, 'together');
    this.#moveAlerts(from, into, [...from.alerts.keys()], by);
    this.#close(from, this.#clock.now());
    return into;
  }

  /** An operator says these alerts are not part of incident `id`: they move to a new incident. */
  split(id: string, fingerprints: readonly string[], by: string): Incident {
    const from = this.#mustBeOpen(id);
    const missing = fingerprints.find((fp) => !from.alerts.has(fp));
    if (missing !== undefined) throw new RangeError(`incident ${id} has no alert ${missing}`);
    if (new Set(fingerprints).size >= from.alerts.size) throw new RangeError('a split leaves an alert behind');
    const first = from.alerts.get(fingerprints[0] ?? '');
    if (first === undefined) throw new RangeError('name the alerts to split off');
    const now = this.#clock.now();
    const to: Incident = {
      id: newIncidentId(now),
      status: 'triggered',
      title: titleOf(first.alert),
      severity: severityOf(first.alert.labels),
      priority: 5,
      createdAt: now,
      updatedAt: now,
      lastAlertAt: first.alert.startsAt,
      alerts: new Map(),
    };
    this.#incidents.set(to.id, to);
    this.#options.persist?.incident(to);
    this.#moveAlerts(from, to, fingerprints, by);
    this.#correlator.feedback(from, to, 'apart');
    this.#emit({ incident: to, change: 'opened' });
    return to;
  }

  #moveAlerts(from: Incident, to: Incident, fingerprints: readonly string[], by: string): void {
    const now = this.#clock.now();
    for (const fp of fingerprints) {
      const ia = from.alerts.get(fp);
      if (ia === undefined) continue;
      from.alerts.delete(fp);
      this.#correlator.detach(from, ia.alert);
      to.alerts.set(fp, ia);
      this.#correlator.attach(to, ia.alert);
      ia.correlation = { kind: 'moved', score: 0, shared: [], by };
      to.lastAlertAt = Math.max(to.lastAlertAt, ia.alert.startsAt);
      if (severities.indexOf(severityOf(ia.alert.labels)) < severities.indexOf(to.severity))
        to.severity = severityOf(ia.alert.labels);
      this.#options.persist?.moveAlert?.(from.id, to.id, ia);
      this.#route(to, ia);
    }
    for (const i of [from, to]) {
      i.updatedAt = now;
      if (i.alerts.size > 0) i.priority = incidentPriority(i);
      this.#options.persist?.incident(i);
    }
  }

  /** Sends every digest now (also runs on the digest interval). */
  flushDigests(): void {
    this.#transact(() => {
      this.#flushDigests();
    });
  }

  #flushDigests(): void {
    const now = this.#clock.now();
    for (const [person, items] of this.#digest.drain()) {
      const user = this.#directory.user(person);
      if (user === undefined || items.length === 0) continue;
      const top = Math.min(...items.map((i) => i.priority)) as Priority;
      const message: NotificationMessage = {
        kind: 'digest',
        title: `${String(items.length)} notifications`,
        status: 'digest',
        severity: 'info',
        priority: top,
        alertCount: items.length,
        alerts: [],
        links: {},
        remediations: [],
        traceIds: [],
        language: user.language,
        recipient: { id: user.id, name: user.name },
        items,
      };
      this.#options.enqueue(
        user.contacts.map((t, i) => ({
          key: `digest:${person}:${String(now)}:${t.type}#${String(i)}`,
          target: t,
          message,
          recipient: person,
        })),
      );
    }
  }

  get pendingDigest(): number {
    return this.#digest.pending;
  }

  stop(): void {
    this.#groups.stop();
    this.#digestTimer.cancel();
    for (const t of this.#escalationTimers.values()) t.cancel();
    for (const t of this.#snoozeTimers.values()) t.cancel();
  }

  #resolveAlert(
    alert: Alert,
    incident: Incident | undefined,
    now: number,
  ): { outcome: ProcessOutcome; incidentId?: string } {
    this.#inhibitor.observe(alert);
    const ia = incident?.alerts.get(alert.fingerprint);
    if (incident === undefined || ia === undefined) return { outcome: 'unknown-resolved' };
    ia.alert = alert;
    ia.lastSeen = now;
    incident.updatedAt = now;
    this.#options.persist?.alert(incident.id, ia);
    const allResolved = [...incident.alerts.values()].every((a) => a.alert.status === 'resolved');
    if (allResolved) this.#close(incident, now);
    else {
      for (const r of ia.routes) this.#touch(r, incident, ia);
      incident.priority = incidentPriority(incident);
      this.#options.persist?.incident(incident);
    }
    return { outcome: 'resolved-alert', incidentId: incident.id };
  }

  #close(incident: Incident, now: number): void {
    incident.status = 'resolved';
    incident.resolvedAt = now;
    incident.updatedAt = now;
    this.#cancelTimers(incident.id);
    this.#correlator.close(incident);
    this.#notifyResolved(incident);
    this.#groups.drop(incident.id);
    this.#incidents.delete(incident.id);
    this.#options.persist?.incident(incident);
    this.#emit({ incident, change: 'resolved' });
  }

  /** Stages 4 and 5 for one alert (re-run at every flush, as Alertmanager re-checks at notify time). */
  #evaluate(ia: IncidentAlert, now: number): void {
    const { labels } = ia.alert;
    const p = prioritise(ia.alert, this.#dedup.transitions(ia.alert.fingerprint, now), {
      businessImpact: this.#config.priority.business_impact,
      flapThreshold: this.#config.priority.flap.threshold,
    });
    ia.priority = p.priority;
    const inhibitor = this.#inhibitor.inhibitedBy(ia.alert);
    const silence = inhibitor === undefined ? silencedBy(labels, this.#options.silences(), now) : undefined;
    const window =
      inhibitor === undefined && silence === undefined
        ? inMaintenance(labels, this.#config.maintenance_windows, now)
        : undefined;
    const [by, detail] =
      inhibitor !== undefined
        ? (['inhibited', inhibitor] as const)
        : silence !== undefined
          ? (['silenced', silence.id] as const)
          : window !== undefined
            ? (['maintenance', window.id] as const)
            : p.flapping
              ? (['flapping', ''] as const)
              : [undefined, undefined];
    if (by === undefined) {
      delete ia.suppressedBy;
      delete ia.suppressedDetail;
    } else {
      ia.suppressedBy = by;
      ia.suppressedDetail = detail;
    }
  }

  #route(incident: Incident, ia: IncidentAlert): void {
    const routes = matchRoutes(this.#routes, ia.alert.labels);
    ia.routes = routes.map((r) => r.id);
    for (const r of routes) this.#touch(r.id, incident, ia, r);
  }

  #touch(routeId: string, incident: Incident, ia: IncidentAlert, node?: RouteNode): void {
    const route = node ?? this.#routeById.get(routeId);
    if (route !== undefined)
      this.#groups.touch(
        groupKey(route, incident.id, ia.alert.labels, ia.alert.fingerprint),
        route,
        incident.id,
        ia.alert.fingerprint,
      );
  }

  /** A group's timer fired: notify the receiver's team targets and start (or update) the escalation. */
  #flush(group: Group, reason: 'first' | 'changed' | 'repeat'): FlushResult {
    const incident = this.#incidents.get(group.incidentId);
    if (incident === undefined || incident.status === 'resolved') return 'done';
    const now = this.#clock.now();
    const alerts = [...group.fingerprints]
      .map((fp) => incident.alerts.get(fp))
      .filter((a): a is IncidentAlert => a !== undefined);
    for (const ia of alerts) if (ia.alert.status === 'firing') this.#evaluate(ia, now);
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
    const message = this.#message(incident, active, kind, 'en');
    this.#options.enqueue(
      receiver.targets.map((t) => ({
        key: `${incident.id}:${group.route.id}:${targetId(t)}:${suffix}`,
        target: t,
        message,
        recipient: receiver.name,
      })),
    );
    if (receiver.escalation_policy !== undefined && incident.escalation === undefined) {
      incident.escalation = { policyId: receiver.escalation_policy, epoch: 0, startedAt: now };
      this.#escalate(incident);
      this.#options.persist?.incident(incident);
    } else if (kind === 'update' && incident.assignee !== undefined && incident.status === 'triggered') {
      const user = this.#directory.user(incident.assignee);
      if (user !== undefined) this.#page(incident, user, `${group.route.id}:${suffix}`, 'update', now);
    }
    return 'sent';
  }

  /** Pages every step reached so far (each once: the idempotency key) and arms the next step's timeout. */
  #escalate(incident: Incident): void {
    const esc = incident.escalation;
    if (esc === undefined || incident.status !== 'triggered') return;
    const policy = this.#directory.policy(esc.policyId);
    if (policy === undefined) return;
    const now = this.#clock.now();
    const position = escalationPosition(policy, now - esc.startedAt);
    for (let k = 0; k <= position.reached; k++) {
      const step = stepOf(policy, k);
      if (step === undefined) continue;
      const people = step.targets
        .map((t) => {
          if ('user' in t) return t.user;
          const schedule = this.#directory.schedule(t.schedule);
          return schedule === undefined ? undefined : onCallAt(schedule, now);
        })
        .filter((u): u is string => u !== undefined);
      if (k === position.reached && people[0] !== undefined && incident.assignee !== people[0]) {
        incident.assignee = people[0];
        if (k > 0) this.#emit({ incident, change: 'escalated' });
      }
      for (const person of people) {
        const user = this.#directory.user(person);
        if (user !== undefined) this.#page(incident, user, `${String(esc.epoch)}.${String(k)}`, 'page', now);
      }
    }
    this.#options.persist?.incident(incident);
    this.#escalationTimers.get(incident.id)?.cancel();
    if (position.nextAtMs !== undefined) {
      this.#escalationTimers.set(
        incident.id,
        this.#clock.schedule(esc.startedAt + position.nextAtMs - now, () => {
          this.#transact(() => {
            this.#escalate(incident);
          });
        }),
      );
    }
  }

  /** One person, every contact: now, or into their digest (fatigue control). */
  #page(incident: Incident, user: UserConfig, step: string, kind: 'page' | 'update', now: number): void {
    const decision = decide(user, incident.priority, now, this.#limiter, this.#config.fatigue.digest.min_priority);
    if (!decision.send) {
      this.#digest.add(user.id, { title: incident.title, priority: incident.priority, incidentId: incident.id });
      return;
    }
    const active = [...incident.alerts.values()].filter(
      (a) => a.alert.status === 'firing' && a.suppressedBy === undefined,
    );
    const message = {
      ...this.#message(incident, active.length > 0 ? active : [...incident.alerts.values()], kind, user.language),
      recipient: { id: user.id, name: user.name },
      step: Number(step.split('.')[1] ?? 0),
    };
    this.#options.enqueue(
      user.contacts.map((t, i) => ({
        key: `${incident.id}:${step}:${user.id}:${t.type}#${String(i)}${kind === 'update' ? ':update' : ''}`,
        target: t,
        message,
        recipient: user.id,
      })),
    );
  }

  #notifyResolved(incident: Incident): void {
    const all = [...incident.alerts.values()];
    const seen = new Set<string>();
    for (const ia of all)
      for (const routeId of ia.routes) {
        const route = this.#routeById.get(routeId);
        const receiver = route === undefined ? undefined : this.#receivers.get(route.receiver);
        if (
          receiver === undefined ||
          seen.has(receiver.name) ||
          this.#groups.groupsOf(incident.id).every((g) => g.sent === 0)
        )
          continue;
        seen.add(receiver.name);
        const message = this.#message(incident, all, 'resolved', 'en');
        this.#options.enqueue(
          receiver.targets.map((t) => ({
            key: `${incident.id}:resolved:${receiver.name}:${targetId(t)}`,
            target: t,
            message,
            recipient: receiver.name,
          })),
        );
      }
    const user = incident.assignee === undefined ? undefined : this.#directory.user(incident.assignee);
    if (user !== undefined && incident.escalation !== undefined) {
      const message = {
        ...this.#message(incident, all, 'resolved', user.language),
        recipient: { id: user.id, name: user.name },
      };
      this.#options.enqueue(
        user.contacts.map((t, i) => ({
          key: `${incident.id}:resolved:${user.id}:${t.type}#${String(i)}`,
          target: t,
          message,
          recipient: user.id,
        })),
      );
    }
  }

  #message(
    incident: Incident,
    alerts: readonly IncidentAlert[],
    kind: NotificationMessage['kind'],
    language: NotificationMessage['language'],
  ): NotificationMessage {
    const first = alerts[0];
    const acceptedAt = alerts.reduce((m, a) => Math.max(m, a.acceptedAt ?? 0), 0);
    return {
      kind,
      incidentId: incident.id,
      title: incident.title,
      status: incident.status,
      severity: incident.severity,
      priority: incident.priority,
      alertCount: alerts.length,
      alerts: alerts.slice(0, 20).map((a) => ({
        labels: a.alert.labels,
        annotations: a.alert.annotations,
        status: a.alert.status,
        startsAt: new Date(a.alert.startsAt).toISOString(),
        ...(a.alert.endsAt !== undefined ? { endsAt: new Date(a.alert.endsAt).toISOString() } : {}),
        fingerprint: a.alert.fingerprint,
      })),
      links: {
        incident: `${this.#config.public_url}/incidents/${incident.id}`,
        ...(first?.enrichment.runbookUrl !== undefined ? { runbook: first.enrichment.runbookUrl } : {}),
        ...(first?.enrichment.dashboardUrl !== undefined ? { dashboard: first.enrichment.dashboardUrl } : {}),
      },
      remediations: [
        ...new Set(alerts.flatMap((a) => a.enrichment.remediations.map((r) => `${r.action} (${r.status})`))),
      ].slice(0, 5),
      traceIds: [...new Set(alerts.flatMap((a) => a.enrichment.traceIds))].slice(0, 5),
      language,
      ...(acceptedAt > 0 ? { acceptedAt } : {}),
    };
  }

  #armSnooze(incident: Incident): void {
    const until = incident.snoozedUntil ?? this.#clock.now();
    this.#snoozeTimers.set(
      incident.id,
      this.#clock.schedule(until - this.#clock.now(), () => {
        this.#transact(() => {
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
        startedAt: this.#clock.now(),
      };
    this.#escalate(incident);
    this.#options.persist?.incident(incident);
  }

  #cancelTimers(id: string): void {
    this.#escalationTimers.get(id)?.cancel();
    this.#escalationTimers.delete(id);
    this.#snoozeTimers.get(id)?.cancel();
    this.#snoozeTimers.delete(id);
  }

  #mustBeOpen(id: string): Incident {
    const incident = this.#incidents.get(id);
    if (incident === undefined) throw new RangeError(`no open incident ${id}`);
    return incident;
  }

  #scheduleDigest(): TimerHandle {
    return this.#clock.schedule(this.#config.fatigue.digest.interval, () => {
      this.flushDigests();
      // Housekeeping rides on the digest tick: forget fingerprints resolved for a day.
      this.#dedup.prune(this.#clock.now(), 86_400_000);
      this.#digestTimer = this.#scheduleDigest();
    });
  }

  #emit(e: IncidentEvent): void {
    for (const l of this.#listeners) l(e);
  }
}

function titleOf(alert: Alert): string {
  const name = alert.labels.alertname ?? 'alert';
  const where = alert.labels.service ?? alert.labels.job ?? alert.labels.instance;
  return alert.annotations.summary ?? (where === undefined ? name : `${name} on ${where}`);
}

/** The incident's priority: the most urgent of its live, unsuppressed alerts (or of all, if none is). */
function incidentPriority(incident: Incident): Priority {
  const all = [...incident.alerts.values()];
  const live = all.filter((a) => a.alert.status === 'firing' && a.suppressedBy === undefined);
  return Math.min(...(live.length > 0 ? live : all).map((a) => a.priority)) as Priority;
}

/** Links in notifications must work outside the app: relative ones are made absolute on public_url. */
function absolute(url: string, base: string): string {
  return /^https?:\/\//.test(url) ? url : `${base.replace(/\/$/, '')}/${url.replace(/^\//, '')}`;
}
