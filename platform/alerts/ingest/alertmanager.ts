import { z } from 'zod';
import type { TopicInput } from '../../backbone/topics.ts';

const labels = z.record(z.string(), z.string());
const time = z.iso.datetime({ offset: true });

/** Alertmanager's webhook payload, version 4 (unknown fields from newer versions are ignored). */
export const alertmanagerWebhook = z.object({
  version: z.literal('4', { error: 'only Alertmanager webhook version 4 is supported' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labels,
  commonLabels: labels,
  commonAnnotations: labels,
  externalURL: z.string(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: labels.refine((l) => Object.keys(l).length > 0, 'an alert needs labels'),
        annotations: labels.default({}),
        startsAt: time,
        endsAt: time.optional(),
        generatorURL: z.string().default(''),
        fingerprint: z.string().min(1),
      }),
    )
    .min(1)
    .max(10_000),
});

/** Go's zero time, which Alertmanager sends for "no end yet". */
const zeroTime = /^0001-01-01T/;

/** Each alert of the payload as an `alerts.ops` event (a resolved alert resolves its part of the incident). */
export function fromAlertmanager(payload: z.output<typeof alertmanagerWebhook>): TopicInput<'alerts.ops'>[] {
  return payload.alerts.map((a) => ({
    fingerprint: `am:${a.fingerprint}`,
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    ...(a.endsAt !== undefined && !zeroTime.test(a.endsAt) ? { endsAt: a.endsAt } : {}),
    source: `alertmanager:${payload.receiver}`,
    ...(a.generatorURL !== '' ? { generatorURL: a.generatorURL } : {}),
  }));
}
