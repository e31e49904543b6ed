import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSqlite } from '../../storage/sqlite.ts';
import type { Incident, IncidentAlert } from '../model.ts';
import { alert } from '../test-support.ts';
import { pruneIncidents } from './incident-retention.ts';
import { IncidentStore } from './incidents.ts';

const day = 86_400_000;

function incident(id: string, status: Incident['status'], at: number): Incident {
  return {
    id,
    status,
    title: id,
    severity: 'warning',
    priority: 3,
    createdAt: at,
    updatedAt: at,
    lastAlertAt: at,
    ...(status === 'resolved' ? { resolvedAt: at } : {}),
    alerts: new Map(),
  };
}

function entry(name: string, status: 'firing' | 'resolved', seen: number): IncidentAlert {
  return {
    alert: alert({ alertname: name }, seen, status),
    enrichment: { remediations: [], traceIds: [] },
    priority: 3,
    firstSeen: seen,
    lastSeen: seen,
    routes: [],
  };
}

describe('incident retention', () => {
  it('prunes resolved alerts of a crowded incident oldest first, keeps firing ones, and keeps the count', () => {
    const db = openSqlite(':memory:', { synchronous: 'NORMAL' });
    const store = new IncidentStore(db);
    const now = Date.parse('2026-03-02T10:00:00Z');
    store.saveIncident(incident('open', 'triggered', now));
    for (let i = 0; i < 300; i++) store.saveAlert('open', entry(`R${String(i)}`, 'resolved', now + i));
    for (let i = 0; i < 20; i++) store.saveAlert('open', entry(`F${String(i)}`, 'firing', now - day));
    store.saveIncident(incident('old', 'resolved', now - 40 * day));
    store.saveAlert('old', entry('gone', 'resolved', now - 40 * day));
    store.saveIncident(incident('recent', 'resolved', now - day));
    store.saveAlert('recent', entry('kept', 'resolved', now - day));

    const deleted = pruneIncidents(db, { incidentsMs: 30 * day, alertsPerIncident: 150, alertRows: 10_000 }, now);
    assert.equal(deleted, 2 + 170, 'the old incident with its alert, and 170 resolved alerts of the crowded one');
    assert.equal(store.get('old'), undefined);
    assert.equal(store.get('recent')?.alertCount, 1);
    const open = store.get('open');
    assert.equal(open?.alertCount, 320, 'pruned alerts still count');
    const kept = new Set(open.alerts.map((a) => a.labels.alertname));
    assert.equal(kept.size, 150);
    for (let i = 0; i < 20; i++) assert.ok(kept.has(`F${String(i)}`), 'firing alerts are never pruned');
    assert.ok(kept.has('R299') && !kept.has('R0'), 'the least recently seen resolved ones went');

    // The total row bound: resolved rows go until it holds (firing ones stay even past it).
    pruneIncidents(db, { incidentsMs: 30 * day, alertsPerIncident: 150, alertRows: 100 }, now);
    const { rows } = db.prepare('SELECT COUNT(*) AS rows FROM incident_alerts').get() as { rows: number };
    assert.equal(rows, 100);
    assert.equal(store.get('open')?.alertCount, 320);
    db.close();
  });
});
