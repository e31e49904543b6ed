/** Prometheus rule objects (the rule file format) and the runbook every platform alert carries. */

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export type Severity = 'critical' | 'error' | 'warning';

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>> & { readonly severity: Severity };
  readonly annotations: Readonly<Record<string, string>> & {
    readonly summary: string;
    readonly runbook_url: string;
  };
}

export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

/** A dashboard panel a runbook points to: the dashboard's uid and the panel's title. */
export interface PanelRef {
  readonly dashboard: string;
  readonly panel: string;
}

/** The runbook template's sections (rendered by runbook.ts into runbooks/<slug>.md). */
export interface Runbook {
  readonly whatFired: string;
  readonly impact: string;
  /** Each query is evaluated against a real Prometheus by the dashboards' test. */
  readonly diagnosis: readonly { readonly what: string; readonly expr: string }[];
  readonly panels: readonly PanelRef[];
  readonly mitigation: readonly string[];
  readonly remediation: string;
  readonly escalation: string;
}

/** One alertname: its rules (one per severity at most) and its runbook. */
export interface PlatformAlert {
  readonly name: string;
  readonly service: string;
  readonly rules: readonly AlertingRule[];
  readonly runbook: Runbook;
}

/** Where the platform serves runbooks; the alert pipeline makes the path absolute on PUBLIC_URL. */
export function runbookPath(slug: string): string {
  return `/runbooks/${slug}.md`;
}

export function isAlertingRule(rule: RecordingRule | AlertingRule): rule is AlertingRule {
  return 'alert' in rule;
}
