import { t } from '../../i18n/i18n.ts';

/** Every user-visible string of the ops view, from the locale files (i18n/locales/*.json, group `ops`). */
export const messages = {
  needsRole: t('ops.needsRole'),
  signIn: t('user.signIn'),
  services: t('ops.services'),
  service: t('ops.service'),
  state: t('ops.state'),
  why: t('ops.why'),
  healthy: t('ops.healthy'),
  degraded: t('ops.degraded'),
  faults: t('ops.faults'),
  noFaults: t('ops.noFaults'),
  faultLine: (kind: string, service: string, left: string) => t('ops.faultLine', { kind, service, left }),
  incidents: t('ops.incidents'),
  noIncidents: t('ops.noIncidents'),
  remediations: t('ops.remediations'),
  noRemediations: t('ops.noRemediations'),
  remediationsUnavailable: (why: string) => t('ops.remediationsUnavailable', { why }),
  remediationLine: (kind: string, service: string, reason: string) =>
    t('ops.remediationLine', { kind, service, reason }),
  warmup: t('ops.warmup'),
  warmupNone: t('ops.warmupNone'),
  checkWarming: (name: string, seconds: number) => t('ops.checkWarming', { name, seconds }),
  seriesWarming: (count: number, watched: number) => t('ops.seriesWarming', { count, watched }),
  seriesLine: (series: string, points: number, needed: number) => t('ops.seriesLine', { series, points, needed }),
  updated: (time: string) => t('ops.updated', { time }),
  failed: (what: string, why: string) => t('ops.failed', { what, why }),
} as const;
