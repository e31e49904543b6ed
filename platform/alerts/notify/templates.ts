import type { ChannelType } from './targets.ts';
import type { Language, NotificationMessage } from './message.ts';

/** A rendered message: `subject` for mail and push titles, `text` for bodies, `short` for SMS. */
export interface Rendered {
  readonly subject: string;
  readonly text: string;
  readonly short: string;
}

interface Phrases {
  readonly kind: Record<NotificationMessage['kind'], string>;
  readonly alerts: (n: number) => string;
  readonly runbook: string;
  readonly dashboard: string;
  readonly incident: string;
  readonly remediations: string;
  readonly traces: string;
  readonly digest: (n: number) => string;
}

const phrases: Record<Language, Phrases> = {
  en: {
    kind: { page: 'PAGE', update: 'UPDATE', resolved: 'RESOLVED', digest: 'DIGEST', price: 'PRICE ALERT' },
    alerts: (n) => `${n} alert${n === 1 ? '' : 's'}`,
    runbook: 'Runbook',
    dashboard: 'Dashboard',
    incident: 'Incident',
    remediations: 'Recent remediations',
    traces: 'Related traces',
    digest: (n) => `${n} lower-priority notification${n === 1 ? '' : 's'} held for this digest`,
  },
  de: {
    kind: {
      page: 'ALARM',
      update: 'AKTUALISIERUNG',
      resolved: 'BEHOBEN',
      digest: 'ZUSAMMENFASSUNG',
      price: 'KURSALARM',
    },
    alerts: (n) => `${n} Alarm${n === 1 ? '' : 'e'}`,
    runbook: 'Runbook',
    dashboard: 'Dashboard',
    incident: 'Vorfall',
    remediations: 'Letzte Gegenmaßnahmen',
    traces: 'Zugehörige Traces',
    digest: (n) => `${n} Benachrichtigung${n === 1 ? '' : 'en'} niedriger Priorität gesammelt`,
  },
  fr: {
    kind: { page: 'ALERTE', update: 'MISE À JOUR', resolved: 'RÉSOLU', digest: 'RÉSUMÉ', price: 'ALERTE DE COURS' },
    alerts: (n) => `${n} alerte${n === 1 ? '' : 's'}`,
    runbook: 'Procédure',
    dashboard: 'Tableau de bord',
    incident: 'Incident',
    remediations: 'Remédiations récentes',
    traces: 'Traces liées',
    digest: (n) => `${n} notification${n === 1 ? '' : 's'} de faible priorité regroupée${n === 1 ? '' : 's'}`,
  },
};

/** Renders a message in the recipient's language, shaped for the channel (Slack mrkdwn, SMS 160 chars). */
export function render(message: NotificationMessage, channel: ChannelType): Rendered {
  const p = phrases[message.language];
  const head = `[${p.kind[message.kind]}] P${message.priority} ${message.title}`;
  const bold = (s: string): string => (channel === 'slack' ? `*${s}*` : s);
  const link = (label: string, url: string | undefined): string[] =>
    url === undefined ? [] : [channel === 'slack' ? `<${url}|${label}>` : `${label}: ${url}`];
  const lines: string[] = [bold(head), `${message.severity} · ${message.status} · ${p.alerts(message.alertCount)}`];
  if (message.kind === 'digest') {
    lines.push(p.digest(message.items?.length ?? 0));
    for (const item of message.items ?? []) lines.push(`- P${item.priority} ${item.title}`);
  }
  for (const a of message.alerts.slice(0, 5)) {
    const summary = a.annotations.summary ?? a.annotations.description ?? '';
    lines.push(
      `- ${a.status === 'resolved' ? '✓' : '•'} ${a.labels.alertname ?? '?'} ${a.labels.service ?? a.labels.job ?? ''} ${summary}`.trimEnd(),
    );
  }
  lines.push(
    ...link(p.incident, message.links.incident),
    ...link(p.runbook, message.links.runbook),
    ...link(p.dashboard, message.links.dashboard),
  );
  if (message.remediations.length > 0) lines.push(`${p.remediations}: ${message.remediations.join('; ')}`);
  if (message.traceIds.length > 0) lines.push(`${p.traces}: ${message.traceIds.join(', ')}`);
  const short = `${head} (${p.alerts(message.alertCount)})${message.links.incident !== undefined ? ` ${message.links.incident}` : ''}`;
  return { subject: head, text: lines.join('\n'), short: short.length > 160 ? `${short.slice(0, 157)}...` : short };
}
