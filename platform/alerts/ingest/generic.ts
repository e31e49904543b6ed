import { z } from 'zod';
import type { TopicInput } from '../../backbone/topics.ts';
import { fingerprintOf } from '../fingerprint.ts';

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'label names are letters, digits and _');
export const genericAlert = z.strictObject({
  labels: z
    .record(labelName, z.string())
    .refine((l) => typeof l.alertname === 'string' && l.alertname.length > 0, 'labels.alertname is required'),
  annotations: z.record(z.string(), z.string()).default({}),
  status: z.enum(['firing', 'resolved']).default('firing'),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  endsAt: z.iso.datetime({ offset: true }).optional(),
  generatorURL: z.string().optional(),
  /** Defaults to a hash of the labels: send the same labels to update or resolve the alert. */
  fingerprint: z.string().min(1).max(200).optional(),
});

export const batch = z.strictObject({
  source: z.string().min(1).max(100).default('api'),
  alerts: z.array(genericAlert).min(1).max(10_000),
});
export type GenericPayload = z.output<typeof batch>;

/** Any source's alerts: one alert, or `{ source, alerts: [...] }` (told apart by shape, for clear errors). */
export function parseGeneric(body: unknown): GenericPayload {
  if (typeof body === 'object' && body !== null && 'alerts' in body) return batch.parse(body);
  return { source: 'api', alerts: [genericAlert.parse(body)] };
}

export function fromGeneric(payload: GenericPayload, now: Date): TopicInput<'alerts.ops'>[] {
  return payload.alerts.map((a) => ({
    fingerprint: a.fingerprint ?? fingerprintOf(a.labels),
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt ?? now.toISOString(),
    ...(a.endsAt !== undefined ? { endsAt: a.endsAt } : {}),
    source: payload.source,
    ...(a.generatorURL !== undefined ? { generatorURL: a.generatorURL } : {}),
  }));
}
