/** The alert pipeline's data: normalised alerts, the incidents they are grouped into, and what the stages add. */
export type Labels = Readonly<Record<string, string>>;

export const severities = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof severities)[number];

/** P1 (page now) .. P5 (digest only), as incident platforms number them. */
export type Priority = 1 | 2 | 3 | 4 | 5;

export interface Alert {
  readonly fingerprint: string;
  readonly status: 'firing' | 'resolved';
  readonly labels: Labels;
  readonly annotations: Labels;
  /** Epoch ms: event time, used for correlation so a replayed storm groups as it happened. */
  readonly startsAt: number;
  readonly endsAt?: number;
  readonly source: string;
  readonly generatorURL?: string;
  /** W3C trace ids that travelled with the alert (backbone envelope, annotations). */
  readonly traceIds: readonly string[];
}

export interface Remediation {
  readonly action: string;
  readonly target: Labels;
  readonly status: string;
  readonly reason: string;
  readonly at: number;
}

export interface Enrichment {
  readonly runbookUrl?: string;
  readonly dashboardUrl?: string;
  readonly remediations: readonly Remediation[];
  readonly traceIds: readonly string[];
}

export type Suppression = 'inhibited' | 'silenced' | 'maintenance' | 'flapping';

/** Why an alert is in its incident: the values it shares with it and what each weighed. */
export interface CorrelationWhy {
  readonly kind: 'opened' | 'joined' | 'moved';
  /** The join score (sum of the shared values' weights, decayed with the time since onset). */
  readonly score: number;
  readonly shared: readonly { readonly label: string; readonly value: string; readonly weight: number }[];
  /** Event time from the incident's onset (its first alert) to this alert's start. */
  readonly sinceOnsetSeconds?: number;
  /** Set when an operator moved the alert (merge or split). */
  readonly by?: string;
}

export interface IncidentAlert {
  alert: Alert;
  /** Set by the correlator: why this alert joined (or opened) its incident. */
  correlation?: CorrelationWhy;
  enrichment: Enrichment;
  priority: Priority;
  suppressedBy?: Suppression;
  /** Ids of the silences or inhibiting alerts, for the UI. */
  suppressedDetail?: string;
  firstSeen: number;
  lastSeen: number;
  /** Receivers (route ids) this alert was routed to. */
  routes: readonly string[];
  /** When the platform accepted this alert (wall clock), for notify-latency figures. */
  acceptedAt?: number;
}

export type IncidentStatus = 'triggered' | 'acknowledged' | 'snoozed' | 'resolved';

export interface Incident {
  readonly id: string;
  status: IncidentStatus;
  title: string;
  severity: Severity;
  priority: Priority;
  assignee?: string;
  createdAt: number;
  updatedAt: number;
  /** Event time of the latest alert that joined: the correlation window runs from here. */
  lastAlertAt: number;
  resolvedAt?: number;
  snoozedUntil?: number;
  acknowledgedBy?: string;
  /** Escalation: which policy, and when the current epoch (restarted by snooze expiry, reassign) began. */
  escalation?: { policyId: string; epoch: number; startedAt: number };
  /** Firing alerts and the latest resolved ones (stages/resolved-sample.ts); every alert is stored. */
  readonly alerts: Map<string, IncidentAlert>;
  /** Resolved alerts no longer in `alerts` (still stored): counted in what notifications say. */
  forgotten?: number;
}

export function severityOf(labels: Labels): Severity {
  const s = (labels.severity ?? '').toLowerCase();
  if (s === 'critical' || s === 'page' || s === 'p1') return 'critical';
  if (s === 'error' || s === 'high' || s === 'major' || s === 'p2') return 'error';
  if (s === 'info' || s === 'none' || s === 'low' || s === 'p5') return 'info';
  return 'warning';
}

/** The labels every alert of the incident shares (Alertmanager's CommonLabels). */
export function commonLabels(alerts: Iterable<{ readonly labels: Labels }>): Record<string, string> {
  let common: Record<string, string> | undefined;
  for (const a of alerts) {
    if (common === undefined) {
      common = { ...a.labels };
      continue;
    }
    common = Object.fromEntries(Object.entries(common).filter(([k, v]) => a.labels[k] === v));
  }
  return common ?? {};
}
