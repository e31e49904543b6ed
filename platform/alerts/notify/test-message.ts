import type { NotificationMessage } from './message.ts';

/** Test support: a page for one critical alert. */
export function testMessage(overrides: Partial<NotificationMessage> = {}): NotificationMessage {
  return {
    kind: 'page',
    incidentId: 'inc-1',
    title: 'PostgresDown on db',
    status: 'triggered',
    severity: 'critical',
    priority: 1,
    alertCount: 1,
    alerts: [
      {
        labels: { alertname: 'PostgresDown', service: 'db', cluster: 'eu', instance: 'db-0' },
        annotations: { summary: 'primary is down' },
        status: 'firing',
        startsAt: '2026-03-02T10:00:00.000Z',
        fingerprint: 'f1',
      },
    ],
    links: {
      incident: 'https://app.example/incidents/inc-1',
      runbook: 'https://app.example/runbooks/instance-down.md',
    },
    remediations: ['restart (applied)'],
    traceIds: ['4bf92f3577b34da6a3ce929d0e0e4736'],
    language: 'en',
    recipient: { id: 'alice', name: 'Alice' },
    ...overrides,
  };
}
