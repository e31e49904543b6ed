import type { DatabaseSync } from 'node:sqlite';
import { transaction } from '../../storage/sqlite.ts';

export interface IncidentRetention {
  /** Resolved incidents (and their alerts) older than this go. */
  readonly incidentsMs: number;
  /** Rows kept per incident: its resolved alerts least recently seen beyond this go (firing ones stay). */
  readonly alertsPerIncident: number;
  /** Rows kept in all: resolved alerts least recently seen beyond this go (firing ones stay). */
  readonly alertRows: number;
}

/** How often retention runs: a crowded incident holds at most what it receives in this time above its bound. */
export const retentionEveryMs = 60_000;

/** The configuration's `retention` section as the store needs it. */
export function retentionOf(c: {
  readonly retention: { incidents: number; incident_alerts: number; incident_alert_rows: number };
}): IncidentRetention {
  return {
    incidentsMs: c.retention.incidents,
    alertsPerIncident: c.retention.incident_alerts,
    alertRows: c.retention.incident_alert_rows,
  };
}

/**
 * Retention of `incidents` and `incident_alerts`: an incident that keeps receiving alerts while a few never
 * resolve would otherwise grow its rows for as long as it is open, and closed incidents accumulate. A
 * pruned alert is counted in its incident's `pruned_alerts`, so `alertCount` stays the number it had.
 * Firing alerts are never pruned. Returns the rows deleted.
 */
export function pruneIncidents(db: DatabaseSync, r: IncidentRetention, now: number): number {
  return transaction(db, () => {
    const old = `SELECT id FROM incidents WHERE status = 'resolved' AND resolved_at < ?`;
    let n = Number(
      db.prepare(`DELETE FROM incident_alerts WHERE incident_id IN (${old})`).run(now - r.incidentsMs).changes,
    );
    n += Number(
      db.prepare(`DELETE FROM incidents WHERE status = 'resolved' AND resolved_at < ?`).run(now - r.incidentsMs)
        .changes,
    );
    const crowded = db
      .prepare(`SELECT incident_id AS id, COUNT(*) AS rows FROM incident_alerts GROUP BY incident_id HAVING rows > ?`)
      .all(r.alertsPerIncident) as { id: string; rows: number }[];
    for (const { id, rows } of crowded) n += prune(db, `incident_id = ?`, [id], rows - r.alertsPerIncident);
    const { rows } = db.prepare(`SELECT COUNT(*) AS rows FROM incident_alerts`).get() as { rows: number };
    if (rows > r.alertRows) n += prune(db, '1 = 1', [], rows - r.alertRows);
    return n;
  });
}

/** Deletes up to `limit` resolved alert rows matching `where`, least recently seen first, counting them. */
function prune(db: DatabaseSync, where: string, params: readonly string[], limit: number): number {
  const victims = `SELECT rowid FROM incident_alerts WHERE ${where} AND status = 'resolved' ORDER BY seen_at LIMIT ?`;
  const counts = db
    .prepare(
      `SELECT incident_id AS id, COUNT(*) AS n FROM incident_alerts WHERE rowid IN (${victims}) GROUP BY incident_id`,
    )
    .all(...params, limit) as { id: string; n: number }[];
  const bump = db.prepare(`UPDATE incidents SET pruned_alerts = pruned_alerts + ? WHERE id = ?`);
  for (const { id, n } of counts) bump.run(n, id);
  return Number(db.prepare(`DELETE FROM incident_alerts WHERE rowid IN (${victims})`).run(...params, limit).changes);
}
