/**
 * Prometheus, Alertmanager and Grafana (kube-prometheus-stack) with the platform's generated rules and
 * dashboards, the scrape of every service, and the OpenTelemetry Collector's configuration. The rules and
 * dashboards are read from the generated files (`npm run rules`, `npm run dashboards`), never copied.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { parse, stringify } from 'yaml';
import type { StackConfig } from './config.ts';
import { httpPort, serviceRoleLabel } from './pod.ts';

/** Prometheus scrapes every service this often; the event-loop delay gauges describe windows as long. */
export const scrapeIntervalSeconds = 15;

const root = join(import.meta.dirname, '..', '..');
export const rulesDir = join(root, 'platform', 'alerts', 'rules');
export const dashboardsDir = join(root, 'dashboards', 'generated');
export const kubePrometheusStackVersion = '75.15.1';
export const release = 'kube-prometheus-stack';

interface Rule {
  readonly alert?: string;
  readonly annotations?: Record<string, string>;
}
interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}

/** Every group of the generated rule files (`*.rules.yml`), runbook links made absolute on the public URL. */
export function ruleGroups(publicUrl: string, dir = rulesDir): RuleGroup[] {
  const base = publicUrl.replace(/\/+$/, '');
  // Every generated file, in name order (platform, security, slo), as prometheusRule() lists them.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.rules.yml'))
    .sort();
  return files.flatMap((file) => {
    const doc = parse(readFileSync(join(dir, file), 'utf8')) as { groups?: RuleGroup[] };
    if (!Array.isArray(doc.groups)) throw new Error(`${file}: no rule groups`);
    return doc.groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) => {
        const url = r.annotations?.runbook_url;
        return url?.startsWith('/') === true ? { ...r, annotations: { ...r.annotations, runbook_url: base + url } } : r;
      }),
    }));
  });
}

/** The generated dashboards: file name -> JSON text. */
export function dashboardFiles(dir = dashboardsDir): ReadonlyMap<string, string> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error(`${dir}: no dashboards (run npm run dashboards)`);
  return new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/** Traces, metrics and logs from every service go through the collector to the detector tier's OTLP receiver. */
export function otelCollectorConfig(namespace: string): string {
  const pipeline = { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlphttp/detectors'] };
  return stringify({
    extensions: { health_check: { endpoint: '0.0.0.0:13133', path: '/healthz' } },
    receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } },
    processors: {
      memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 20 },
      batch: {},
    },
    exporters: {
      'otlphttp/detectors': {
        endpoint: `http://detectors.${namespace}.svc:${httpPort}`,
        headers: { authorization: 'Bearer ${env:INGEST_TOKEN}' },
      },
    },
    service: { extensions: ['health_check'], pipelines: { traces: pipeline, metrics: pipeline, logs: pipeline } },
  });
}

export interface ObservabilityInputs {
  readonly config: StackConfig;
  readonly ingestToken: pulumi.Input<string>;
  readonly opts: pulumi.CustomResourceOptions;
}

export function deployObservability({ config, ingestToken, opts }: ObservabilityInputs): { prometheusUrl: string } {
  const mon = config.monitoringNamespace;
  const ns = config.namespace;
  const stack = new k8s.helm.v3.Release(
    release,
    {
      name: release,
      chart: 'kube-prometheus-stack',
      version: kubePrometheusStackVersion,
      repositoryOpts: { repo: 'https://prometheus-community.github.io/helm-charts' },
      namespace: mon,
      createNamespace: true,
      values: {
        prometheus: {
          prometheusSpec: {
            // Pick up every PrometheusRule and ServiceMonitor, not only the chart's own.
            ruleSelectorNilUsesHelmValues: false,
            serviceMonitorSelectorNilUsesHelmValues: false,
            retention: config.environment === 'prod' ? '30d' : '7d',
            enableFeatures: ['exemplar-storage'],
            externalLabels: { environment: config.environment },
          },
        },
        alertmanager: {
          alertmanagerSpec: { secrets: ['insitechart-alertmanager-token'] },
          config: {
            route: { receiver: 'insitechart', group_by: ['alertname', 'service'], routes: [] },
            receivers: [
              {
                name: 'insitechart',
                webhook_configs: [
                  {
                    url: `http://alerts.${ns}.svc:${httpPort}/api/alerts/alertmanager`,
                    send_resolved: true,
                    http_config: {
                      authorization: {
                        type: 'Bearer',
                        credentials_file: '/etc/alertmanager/secrets/insitechart-alertmanager-token/token',
                      },
                    },
                  },
                ],
              },
            ],
          },
        },
        grafana: {
          sidecar: {
            dashboards: { enabled: true, label: 'grafana_dashboard', folderAnnotation: 'grafana_folder' },
          },
          'grafana.ini': { server: { root_url: `${config.publicUrl.replace(/\/+$/, '')}/grafana` } },
        },
      },
    },
    opts,
  );
  const inMonitoring = { ...opts, dependsOn: [stack] };

  new k8s.core.v1.Secret(
    'alertmanager-token',
    { metadata: { name: 'insitechart-alertmanager-token', namespace: mon }, stringData: { token: ingestToken } },
    inMonitoring,
  );
  for (const [file, json] of dashboardFiles()) {
    const name = file.replace(/\.json$/, '');
    new k8s.core.v1.ConfigMap(
      `dashboard-${name}`,
      {
        metadata: {
          name: `${name}-dashboard`,
          namespace: mon,
          labels: { grafana_dashboard: '1' },
          annotations: { grafana_folder: 'InsiteChart' },
        },
        data: { [file]: json },
      },
      inMonitoring,
    );
  }
  new k8s.apiextensions.CustomResource(
    'rules',
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'insitechart', namespace: ns, labels: { 'app.kubernetes.io/name': 'insitechart' } },
      spec: { groups: ruleGroups(config.publicUrl) },
    },
    inMonitoring,
  );
  new k8s.apiextensions.CustomResource(
    'scrape',
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'insitechart', namespace: ns },
      spec: {
        // The canary and preview Services select the same pods: scraping them too would count every pod twice.
        selector: {
          matchLabels: { 'app.kubernetes.io/part-of': 'insitechart' },
          matchExpressions: [{ key: serviceRoleLabel, operator: 'DoesNotExist' }],
        },
        endpoints: [
          {
            port: 'http',
            path: '/metrics',
            interval: `${String(scrapeIntervalSeconds)}s`,
            // Jobs named insitechart-<service>, as the rules (up{job=~"insitechart.*"}) and dashboards expect.
            relabelings: [
              {
                sourceLabels: ['__meta_kubernetes_service_label_app_kubernetes_io_name'],
                targetLabel: 'job',
                replacement: 'insitechart-$1',
              },
              { targetLabel: 'environment', replacement: config.environment },
            ],
          },
        ],
      },
    },
    inMonitoring,
  );
  new k8s.core.v1.ConfigMap(
    'otel-collector',
    { metadata: { name: 'otel-collector', namespace: ns }, data: { 'config.yaml': otelCollectorConfig(ns) } },
    opts,
  );
  return { prometheusUrl: `http://${release}-prometheus.${mon}.svc:9090` };
}
