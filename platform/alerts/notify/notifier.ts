import { createHash } from 'node:crypto';
import type { AlertsConfig, ReceiverConfig, UserConfig } from '../config/schema.ts';
import type { DigestBuffer } from '../fatigue/digest.ts';
import { decide } from '../fatigue/policy.ts';
import type { RateLimiter } from '../fatigue/rate-limit.ts';
import type { Incident, IncidentAlert, Priority } from '../model.ts';
import type { Directory } from '../oncall/directory.ts';
import type { NotificationMessage } from './message.ts';
import type { OutboxItem } from './outbox.ts';
import type { ChannelTarget } from './targets.ts';

export interface DigestItem {
  readonly title: string;
  readonly priority: Priority;
  readonly incidentId?: string;
}

export interface NotifierOptions {
  readonly config: AlertsConfig;
  readonly directory: Directory;
  readonly limiter: RateLimiter;
  readonly digest: DigestBuffer<DigestItem>;
  readonly enqueue: (items: readonly OutboxItem[]) => void;
}

export const hash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);
const targetId = (t: ChannelTarget): string => hash(JSON.stringify(t));

/**
 * Turns pipeline decisions into outbox rows: team notifications, pages to people (through fatigue
 * control), resolutions and digests. Every row's key is its idempotency key, so a decision taken again
 * after a restart or a redelivery enqueues nothing new.
 */
export class Notifier {
  readonly #o: NotifierOptions;

  constructor(options: NotifierOptions) {
    this.#o = options;
  }

  /** A group of a route notifies its receiver's team targets. */
  team(
    incident: Incident,
    receiver: ReceiverConfig,
    routeId: string,
    notice: { readonly kind: 'page' | 'update'; readonly suffix: string },
    active: readonly IncidentAlert[],
  ): void {
    const { kind, suffix } = notice;
    const message = this.message(incident, active, kind, 'en');
    this.#o.enqueue(
      receiver.targets.map((t) => ({
        key: `${incident.id}:${routeId}:${targetId(t)}:${suffix}`,
        target: t,
        message,
        recipient: receiver.name,
      })),
    );
  }

  /** One person, every contact: now, or into their digest (fatigue control). */
  page(incident: Incident, user: UserConfig, step: string, kind: 'page' | 'update', now: number): void {
    const minPriority = this.#o.config.fatigue.digest.min_priority;
    if (!decide(user, incident.priority, now, this.#o.limiter, minPriority).send) {
      this.#o.digest.add(user.id, { title: incident.title, priority: incident.priority, incidentId: incident.id });
      return;
    }
    const active = [...incident.alerts.values()].filter(
      (a) => a.alert.status === 'firing' && a.suppressedBy === undefined,
    );
    const message = {
      ...this.message(incident, active.length > 0 ? active : [...incident.alerts.values()], kind, user.language),
      recipient: { id: user.id, name: user.name },
      step: Number(step.split('.')[1] ?? 0),
    };
    this.#o.enqueue(
      user.contacts.map((t, i) => ({
        key: `${incident.id}:${step}:${user.id}:${t.type}#${String(i)}${kind === 'update' ? ':update' : ''}`,
        target: t,
        message,
        recipient: user.id,
      })),
    );
  }

  /** The incident resolved: the receivers that were notified, and the person it was assigned to. */
  resolved(incident: Incident, receivers: readonly ReceiverConfig[]): void {
    const all = [...incident.alerts.values()];
    for (const receiver of receivers) {
      const message = this.message(incident, all, 'resolved', 'en');
      this.#o.enqueue(
        receiver.targets.map((t) => ({
          key: `${incident.id}:resolved:${receiver.name}:${targetId(t)}`,
          target: t,
          message,
          recipient: receiver.name,
        })),
      );
    }
    const user = incident.assignee === undefined ? undefined : this.#o.directory.user(incident.assignee);
    if (user === undefined || incident.escalation === undefined) return;
    const message = {
      ...this.message(incident, all, 'resolved', user.language),
      recipient: { id: user.id, name: user.name },
    };
    this.#o.enqueue(
      user.contacts.map((t, i) => ({
        key: `${incident.id}:resolved:${user.id}:${t.type}#${String(i)}`,
        target: t,
        message,
        recipient: user.id,
      })),
    );
  }

  /** Sends every held digest. */
  flushDigests(now: number): void {
    for (const [person, items] of this.#o.digest.drain()) {
      const user = this.#o.directory.user(person);
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
      this.#o.enqueue(
        user.contacts.map((t, i) => ({
          key: `digest:${person}:${String(now)}:${t.type}#${String(i)}`,
          target: t,
          message,
          recipient: person,
        })),
      );
    }
  }

  message(
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
      // A resolution covers every alert, also those no longer in memory (stages/resolved-sample.ts).
      alertCount: alerts.length + (kind === 'resolved' ? (incident.forgotten ?? 0) : 0),
      alerts: alerts.slice(0, 20).map((a) => ({
        labels: a.alert.labels,
        annotations: a.alert.annotations,
        status: a.alert.status,
        startsAt: new Date(a.alert.startsAt).toISOString(),
        ...(a.alert.endsAt !== undefined ? { endsAt: new Date(a.alert.endsAt).toISOString() } : {}),
        fingerprint: a.alert.fingerprint,
      })),
      links: {
        incident: `${this.#o.config.public_url}/incidents/${incident.id}`,
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
}
