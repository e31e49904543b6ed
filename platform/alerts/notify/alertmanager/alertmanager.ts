import type { AddressPolicy } from '../../../net/address-policy.ts';
import type { Channel } from '../channel.ts';
import { postJson } from '../http.ts';
import type { NotificationMessage } from '../message.ts';
import { commonLabels } from '../../model.ts';

/** The message as an Alertmanager webhook (version 4): what Keep, Grafana OnCall and others ingest. */
export function alertmanagerPayload(message: NotificationMessage, externalURL: string): Record<string, unknown> {
  const alerts = message.alerts.map((a) => ({
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
    generatorURL: message.links.incident ?? '',
    fingerprint: a.fingerprint,
  }));
  const common = commonLabels(message.alerts);
  return {
    version: '4',
    groupKey: message.incidentId ?? message.title,
    truncatedAlerts: Math.max(0, message.alertCount - alerts.length),
    status: message.kind === 'resolved' ? 'resolved' : 'firing',
    receiver: 'insitechart',
    groupLabels: { incident: message.incidentId ?? '' },
    commonLabels: common,
    commonAnnotations: {},
    externalURL,
    alerts,
  };
}

export function alertmanagerChannel(policy: AddressPolicy, externalURL: string): Channel<'alertmanager'> {
  return {
    type: 'alertmanager',
    send: (target, message, ctx) =>
      postJson(
        policy,
        target.url,
        alertmanagerPayload(message, externalURL),
        { 'idempotency-key': ctx.idempotencyKey },
        ctx.signal,
      ),
  };
}
