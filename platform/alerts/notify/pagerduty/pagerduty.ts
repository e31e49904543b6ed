import type { AddressPolicy } from '../../../net/address-policy.ts';
import type { Channel } from '../channel.ts';
import { postJson } from '../http.ts';
import type { NotificationMessage } from '../message.ts';
import { render } from '../templates.ts';

const severity = { critical: 'critical', error: 'error', warning: 'warning', info: 'info' } as const;

/** The Events API v2 event for a message: the incident id is the dedup_key, so PagerDuty keeps one incident. */
export function pagerdutyEvent(routingKey: string, message: NotificationMessage): Record<string, unknown> {
  const dedupKey = message.incidentId ?? message.title;
  if (message.kind === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  const first = message.alerts[0];
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: render(message, 'pagerduty').subject.slice(0, 1024),
      source: first?.labels.instance ?? first?.labels.service ?? 'insitechart',
      severity: severity[message.severity],
      component: first?.labels.service,
      group: first?.labels.cluster,
      class: first?.labels.alertname,
      custom_details: {
        alerts: message.alerts.map((a) => ({ status: a.status, labels: a.labels })),
        alert_count: message.alertCount,
        trace_ids: message.traceIds,
        remediations: message.remediations,
      },
    },
    links: [message.links.incident, message.links.runbook, message.links.dashboard]
      .filter((u): u is string => u !== undefined && /^https?:/.test(u))
      .map((href) => ({ href })),
  };
}

export function pagerdutyChannel(policy: AddressPolicy): Channel<'pagerduty'> {
  return {
    type: 'pagerduty',
    send: (target, message, ctx) =>
      postJson(policy, target.url, pagerdutyEvent(target.routing_key, message), {}, ctx.signal),
  };
}
