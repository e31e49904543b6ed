/**
 * What a dashboard says, apart from how Grafana draws it: build.ts turns a spec into Grafana JSON with the
 * foundation SDK, and the tests read the same specs to evaluate every query against a real Prometheus.
 */

/**
 * Whether a panel has data on a healthy running platform. `always`: the test requires data. `on-activity`:
 * the metric exists but only moves on events (errors, detections, pages). `pending-metric`: the metric is
 * added by open work (see metrics.ts). `external-exporter`: node_exporter or blackbox_exporter provides it.
 */
export type Populated = 'always' | 'on-activity' | 'pending-metric' | 'external-exporter';

export interface QuerySpec {
  readonly expr: string;
  readonly legend: string;
}

export interface MetricPanelSpec {
  readonly kind: 'timeseries' | 'stat';
  readonly title: string;
  readonly description: string;
  /** A Grafana unit id (units.jsonschema.json), e.g. s, reqps, percentunit, bytes. */
  readonly unit: string;
  readonly queries: readonly QuerySpec[];
  readonly populated: Populated;
  /** Alertname whose runbook the panel links to. */
  readonly runbook?: string;
  /** Latency panels: exemplars on, and a link to the traces of the series' route or service. */
  readonly traces?: boolean;
  readonly width?: number;
}

export interface LogsPanelSpec {
  readonly kind: 'logs';
  readonly title: string;
  readonly description: string;
  /** Lucene query on the Elasticsearch log index. */
  readonly query: string;
}

export type PanelSpec = MetricPanelSpec | LogsPanelSpec;

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly rows: readonly RowSpec[];
}

/** The label matchers every platform query carries: the environment, service and instance variables. */
export const SCOPE = 'environment=~"$environment",job=~"$service",instance=~"$instance"';

/** `metric{scope,extra}`: a platform series filtered by the dashboard's variables. */
export function m(metric: string, extra = ''): string {
  return `${metric}{${SCOPE}${extra === '' ? '' : `,${extra}`}}`;
}

export function metricPanels(spec: DashboardSpec): MetricPanelSpec[] {
  return spec.rows.flatMap((r) => r.panels.filter((p): p is MetricPanelSpec => p.kind !== 'logs'));
}

/** `rate(metric{scope,extra}[$__rate_interval])`. */
export function rate(metric: string, extra = ''): string {
  return `rate(${m(metric, extra)}[$__rate_interval])`;
}

/** `increase(metric{scope,extra}[$__rate_interval])`: counts per point, for rare events. */
export function increase(metric: string, extra = ''): string {
  return `increase(${m(metric, extra)}[$__rate_interval])`;
}
