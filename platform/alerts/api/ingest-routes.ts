import type { Router } from 'express';
import type { EventBus } from '../../backbone/bus.ts';
import type { TopicInput } from '../../backbone/topics.ts';
import { alertmanagerWebhook, fromAlertmanager } from '../ingest/alertmanager.ts';
import { fromGeneric, parseGeneric } from '../ingest/generic.ts';
import { HttpError } from '../../http/errors.ts';

/** Clock skew a sender may have: an alert starting later than this ahead pinned its incident's last-alert time. */
export const MAX_ALERT_START_AHEAD_MS = 5 * 60_000;
/** Labels and annotations per alert (Prometheus alerts carry a few dozen). */
export const MAX_ALERT_FIELDS = 100;

/** Refuses the whole batch, naming the first alert that starts in the future or carries too many fields. */
function plausible(alerts: readonly TopicInput<'alerts.ops'>[]): void {
  const latest = Date.now() + MAX_ALERT_START_AHEAD_MS;
  alerts.forEach((a, i) => {
    if (Date.parse(a.startsAt) > latest)
      throw new HttpError(400, `alerts.${String(i)}.startsAt: ${a.startsAt} is ahead of the server's clock`);
    if (Object.keys(a.labels).length > MAX_ALERT_FIELDS || Object.keys(a.annotations).length > MAX_ALERT_FIELDS)
      throw new HttpError(400, `alerts.${String(i)}: at most ${String(MAX_ALERT_FIELDS)} labels and annotations`);
  });
}

/**
 * Ingest endpoints: validated, then published on `alerts.ops`. The 202 comes after the backbone
 * acknowledged every alert, so an accepted alert survives a crash of the pipeline.
 */
export function ingestRoutes(api: Router, bus: EventBus, onAccepted: (source: string, n: number) => void): void {
  const publishAll = async (alerts: TopicInput<'alerts.ops'>[]): Promise<void> => {
    await Promise.all(
      alerts.map((data) => bus.publish('alerts.ops', { key: data.fingerprint, data, source: data.source })),
    );
  };
  api.post('/alerts/alertmanager', async (req, res) => {
    const alerts = fromAlertmanager(alertmanagerWebhook.parse(req.body));
    plausible(alerts);
    await publishAll(alerts);
    onAccepted('alertmanager', alerts.length);
    res.status(202).json({ accepted: alerts.length });
  });
  api.post('/alerts', async (req, res) => {
    const alerts = fromGeneric(parseGeneric(req.body), new Date());
    plausible(alerts);
    await publishAll(alerts);
    onAccepted('generic', alerts.length);
    res.status(202).json({ accepted: alerts.length, fingerprints: alerts.map((a) => a.fingerprint) });
  });
}
