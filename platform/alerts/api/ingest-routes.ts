import type { Router } from 'express';
import type { EventBus } from '../../backbone/bus.ts';
import type { TopicInput } from '../../backbone/topics.ts';
import { alertmanagerWebhook, fromAlertmanager } from '../ingest/alertmanager.ts';
import { fromGeneric, parseGeneric } from '../ingest/generic.ts';

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
    await publishAll(alerts);
    onAccepted('alertmanager', alerts.length);
    res.status(202).json({ accepted: alerts.length });
  });
  api.post('/alerts', async (req, res) => {
    const alerts = fromGeneric(parseGeneric(req.body), new Date());
    await publishAll(alerts);
    onAccepted('generic', alerts.length);
    res.status(202).json({ accepted: alerts.length, fingerprints: alerts.map((a) => a.fingerprint) });
  });
}
