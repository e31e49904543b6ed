import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Incident, IncidentAlert, IncidentStatus } from '../model.ts';
import { migrate } from '../../storage/sqlite.ts';

/** Incident as the API returns it. */
export interface IncidentView {
  readonly id: string;
  readonly status: IncidentStatus;
  readonly title: string;
  readonly severity: Incident['severity'];
  readonly priority: Incident['priority'];
  readonly assignee: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly resolvedAt: string | null;
  readonly snoozedUntil: string | null;
  readonly acknowledgedBy: string | null;
  readonly alertCount: number;
  readonly alerts: readonly {
    readonly fingerprint: string;
    readonly status: 'firing' | 'resolved';
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
    readonly startsAt: string;
    readonly priority: number;
    readonly suppressedBy: string | null;
    readonly runbookUrl: string | null;
    readonly dashboardUrl: string | null;
    readonly traceIds: readonly string[];
    readonly remediations: readonly unknown[];
    /** Why the alert is in this incident (what it shares with it), from the correlator. */
    readonly correlation: IncidentAlert['correlation'] | null;
  }[];
}

interface IncidentRow {
  id: string;
  status: IncidentStatus;
  title: string;
  severity: Incident['severity'];
  priority: number;
  assignee: string | null;
  created_at: number;
  updated_at: number;
  last_alert_at: number;
  resolved_at: number | null;
  snoozed_until: number | null;
  acknowledged_by: string | null;
  escalation: string | null;
  pruned_alerts: number;
}

const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/** Incidents and their alerts in SQLite: the pipeline writes each change, the API reads from here. */
export class IncidentStore {
  readonly #db: DatabaseSync;
  readonly #upsertIncident: StatementSync;
  readonly #upsertAlert: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    migrate(db, 'incidents', [
      `
      CREATE TABLE IF NOT EXISTS incidents (
        id TEXT PRIMARY KEY, status TEXT NOT NULL, title TEXT NOT NULL, severity TEXT NOT NULL, priority INTEGER NOT NULL,
        assignee TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_alert_at INTEGER NOT NULL,
        resolved_at INTEGER, snoozed_until INTEGER, acknowledged_by TEXT, escalation TEXT);
      CREATE INDEX IF NOT EXISTS incidents_status ON incidents (status, updated_at);
      CREATE TABLE IF NOT EXISTS incident_alerts (
        incident_id TEXT NOT NULL REFERENCES incidents(id), fingerprint TEXT NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (incident_id, fingerprint));`,
      // Retention (store/incident-retention.ts): when a row was last written, what was pruned per incident.
      `ALTER TABLE incident_alerts ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX IF NOT EXISTS incident_alerts_seen ON incident_alerts (status, seen_at);
      ALTER TABLE incidents ADD COLUMN pruned_alerts INTEGER NOT NULL DEFAULT 0;`,
    ]);
    this.#upsertIncident =
      db.prepare(`INSERT INTO incidents (id, status, title, severity, priority, assignee, created_at, updated_at, last_alert_at, resolved_at, snoozed_until, acknowledged_by, escalation)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status, title = excluded.title, severity = excluded.severity,
      priority = excluded.priority, assignee = excluded.assignee, updated_at = excluded.updated_at, last_alert_at = excluded.last_alert_at,
      resolved_at = excluded.resolved_at, snoozed_until = excluded.snoozed_until, acknowledged_by = excluded.acknowledged_by, escalation = excluded.escalation`);
    this.#upsertAlert =
      db.prepare(`INSERT INTO incident_alerts (incident_id, fingerprint, status, data, seen_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (incident_id, fingerprint) DO UPDATE SET status = excluded.status, data = excluded.data, seen_at = excluded.seen_at`);
  }

  saveIncident(i: Incident): void {
    this.#upsertIncident.run(
      i.id,
      i.status,
      i.title,
      i.severity,
      i.priority,
      i.assignee ?? null,
      i.createdAt,
      i.updatedAt,
      i.lastAlertAt,
      i.resolvedAt ?? null,
      i.snoozedUntil ?? null,
      i.acknowledgedBy ?? null,
      i.escalation === undefined ? null : JSON.stringify(i.escalation),
    );
  }

  /** The pipeline's `persist` option: every incident and alert change written here. */
  persistence(): {
    incident(i: Incident): void;
    alert(incidentId: string, a: IncidentAlert): void;
    moveAlert(fromId: string, toId: string, a: IncidentAlert): void;
  } {
    return {
      incident: (i) => {
        this.saveIncident(i);
      },
      alert: (id, a) => {
        this.saveAlert(id, a);
      },
      moveAlert: (fromId, toId, a) => {
        this.moveAlert(fromId, toId, a);
      },
    };
  }

  saveAlert(incidentId: string, a: IncidentAlert): void {
    this.#upsertAlert.run(incidentId, a.alert.fingerprint, a.alert.status, JSON.stringify(a), a.lastSeen);
  }

  /** Moves an alert to another incident (an operator merged or split incidents). */
  moveAlert(fromId: string, toId: string, a: IncidentAlert): void {
    this.#db
      .prepare(`DELETE FROM incident_alerts WHERE incident_id = ? AND fingerprint = ?`)
      .run(fromId, a.alert.fingerprint);
    this.saveAlert(toId, a);
  }

  /** Open (not resolved) incidents with their alerts, to rebuild the pipeline's state after a restart. */
  loadOpen(): Incident[] {
    const rows = this.#db
      .prepare(`SELECT * FROM incidents WHERE status != 'resolved'`)
      .all() as unknown as IncidentRow[];
    const alertsOf = this.#db.prepare(`SELECT data FROM incident_alerts WHERE incident_id = ?`);
    return rows.map((r) => {
      const alerts = new Map<string, IncidentAlert>();
      for (const a of alertsOf.all(r.id) as { data: string }[]) {
        const parsed = JSON.parse(a.data) as IncidentAlert;
        alerts.set(parsed.alert.fingerprint, parsed);
      }
      const incident: Incident = {
        id: r.id,
        status: r.status,
        title: r.title,
        severity: r.severity,
        priority: r.priority as Incident['priority'],
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        lastAlertAt: r.last_alert_at,
        alerts,
      };
      if (r.assignee !== null) incident.assignee = r.assignee;
      if (r.snoozed_until !== null) incident.snoozedUntil = r.snoozed_until;
      if (r.acknowledged_by !== null) incident.acknowledgedBy = r.acknowledged_by;
      if (r.escalation !== null) incident.escalation = JSON.parse(r.escalation) as NonNullable<Incident['escalation']>;
      return incident;
    });
  }

  list(filter: {
    status?: IncidentStatus | 'open';
    limit: number;
    offset?: number;
    alertsPerIncident: number;
  }): IncidentView[] {
    const where =
      filter.status === undefined ? '' : filter.status === 'open' ? `WHERE status != 'resolved'` : 'WHERE status = ?';
    const params = filter.status === undefined || filter.status === 'open' ? [] : [filter.status];
    const rows = this.#db
      .prepare(`SELECT * FROM incidents ${where} ORDER BY updated_at DESC, id LIMIT ? OFFSET ?`)
      .all(...params, filter.limit, filter.offset ?? 0) as unknown as IncidentRow[];
    return rows.map((r) => this.#view(r, filter.alertsPerIncident));
  }

  get(id: string): IncidentView | undefined {
    const row = this.#db.prepare(`SELECT * FROM incidents WHERE id = ?`).get(id) as unknown as IncidentRow | undefined;
    return row === undefined ? undefined : this.#view(row, 1_000);
  }

  #view(r: IncidentRow, maxAlerts: number): IncidentView {
    const id = r.id;
    const count = (
      this.#db.prepare(`SELECT COUNT(*) AS n FROM incident_alerts WHERE incident_id = ?`).get(id) as { n: number }
    ).n;
    const alerts = (
      this.#db.prepare(`SELECT data FROM incident_alerts WHERE incident_id = ? LIMIT ?`).all(id, maxAlerts) as {
        data: string;
      }[]
    ).map((a) => {
      const ia = JSON.parse(a.data) as IncidentAlert;
      return {
        fingerprint: ia.alert.fingerprint,
        status: ia.alert.status,
        labels: { ...ia.alert.labels },
        annotations: { ...ia.alert.annotations },
        startsAt: new Date(ia.alert.startsAt).toISOString(),
        priority: ia.priority,
        suppressedBy: ia.suppressedBy ?? null,
        runbookUrl: ia.enrichment.runbookUrl ?? null,
        dashboardUrl: ia.enrichment.dashboardUrl ?? null,
        traceIds: ia.enrichment.traceIds,
        remediations: ia.enrichment.remediations,
        correlation: ia.correlation ?? null,
      };
    });
    return {
      id,
      status: r.status,
      title: r.title,
      severity: r.severity,
      priority: r.priority as Incident['priority'],
      assignee: r.assignee,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
      resolvedAt: iso(r.resolved_at),
      snoozedUntil: iso(r.snoozed_until),
      acknowledgedBy: r.acknowledged_by,
      // Alerts pruned by retention (incident-retention.ts) still count.
      alertCount: count + r.pruned_alerts,
      alerts,
    };
  }
}
