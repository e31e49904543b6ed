import { m, type DashboardSpec } from '../lib/spec.ts';

const http = 'insitechart_http_request_duration_seconds';

export const overview: DashboardSpec = {
  uid: 'insitechart-overview',
  title: 'InsiteChart / Platform overview',
  description: 'RED (rate, errors, duration) and saturation per service and instance.',
  tags: ['overview'],
  rows: [
    {
      title: 'Requests (RED)',
      panels: [
        {
          kind: 'timeseries',
          title: 'Request rate by route',
          description: 'HTTP requests per second by service and route.',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (job, route) (rate(${m(`${http}_count`)}[$__rate_interval]))`,
              legend: '{{job}} {{route}}',
            },
          ],
          populated: 'always',
        },
        {
          kind: 'timeseries',
          title: 'Errors by route',
          description: 'Share of requests answered 5xx, by route.',
          unit: 'percentunit',
          queries: [
            {
              expr: `sum by (job, route) (rate(${m(`${http}_count`, 'status_code=~"5.."')}[$__rate_interval])) / sum by (job, route) (rate(${m(`${http}_count`)}[$__rate_interval]))`,
              legend: '{{job}} {{route}}',
            },
          ],
          populated: 'on-activity',
          runbook: 'HighErrorRate',
        },
        {
          kind: 'timeseries',
          title: 'Latency by route',
          description: 'p50 and p99 request duration by route; exemplars open the trace of a request.',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.99, sum by (job, route, le) (rate(${m(`${http}_bucket`)}[$__rate_interval])))`,
              legend: 'p99 {{route}}',
            },
            {
              expr: `histogram_quantile(0.5, sum by (job, route, le) (rate(${m(`${http}_bucket`)}[$__rate_interval])))`,
              legend: 'p50 {{route}}',
            },
          ],
          populated: 'always',
          runbook: 'HighLatency',
          traces: true,
        },
        {
          kind: 'stat',
          title: 'Instances up',
          description: 'Scrape targets answering, per service.',
          unit: 'short',
          queries: [{ expr: 'sum by (job) (up{environment=~"$environment",job=~"$service"})', legend: '{{job}}' }],
          populated: 'always',
          runbook: 'InstanceDown',
        },
      ],
    },
    {
      title: 'Saturation',
      panels: [
        {
          kind: 'timeseries',
          title: 'Event-loop lag',
          description: 'p99 event-loop delay per instance: CPU-bound work blocks every request.',
          unit: 's',
          queries: [
            { expr: `max by (job, instance) (${m('nodejs_eventloop_lag_p99_seconds')})`, legend: '{{instance}}' },
          ],
          populated: 'always',
          runbook: 'HighLatency',
        },
        {
          kind: 'timeseries',
          title: 'CPU',
          description: 'CPU seconds per second per instance (1 = one core).',
          unit: 'short',
          queries: [
            {
              expr: `sum by (job, instance) (rate(${m('process_cpu_seconds_total')}[$__rate_interval]))`,
              legend: '{{instance}}',
            },
          ],
          populated: 'always',
        },
        {
          kind: 'timeseries',
          title: 'Memory',
          description: 'Resident memory and V8 heap used per instance.',
          unit: 'bytes',
          queries: [
            { expr: `sum by (job, instance) (${m('process_resident_memory_bytes')})`, legend: 'rss {{instance}}' },
            { expr: `sum by (job, instance) (${m('nodejs_heap_size_used_bytes')})`, legend: 'heap {{instance}}' },
          ],
          populated: 'always',
        },
        {
          kind: 'timeseries',
          title: 'File descriptors',
          description: 'Open file descriptors against the limit (sockets count).',
          unit: 'percentunit',
          queries: [
            {
              expr: `sum by (job, instance) (${m('process_open_fds')}) / sum by (job, instance) (${m('process_max_fds')})`,
              legend: '{{instance}}',
            },
          ],
          populated: 'always',
        },
        {
          kind: 'timeseries',
          title: 'Disk free',
          description: 'Free share of each filesystem (node_exporter) and its 4-hour linear prediction.',
          unit: 'percentunit',
          queries: [
            {
              expr: 'node_filesystem_avail_bytes{environment=~"$environment",fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes{environment=~"$environment",fstype!~"tmpfs|overlay"}',
              legend: '{{instance}} {{mountpoint}}',
            },
          ],
          populated: 'external-exporter',
          runbook: 'DiskFillPredicted',
        },
        {
          kind: 'timeseries',
          title: 'Data volumes free',
          description: "Free share of each service's data volume (PersistentVolumeClaim, the kubelet's statistics).",
          unit: 'percentunit',
          queries: [
            {
              expr: 'kubelet_volume_stats_available_bytes{persistentvolumeclaim=~".+-data"} / kubelet_volume_stats_capacity_bytes{persistentvolumeclaim=~".+-data"}',
              legend: '{{namespace}} {{persistentvolumeclaim}}',
            },
          ],
          populated: 'external-exporter',
          runbook: 'DataVolumeFillingUp',
        },
        {
          kind: 'stat',
          title: 'Certificate days left',
          description: 'Days until the earliest TLS certificate of each probed endpoint expires (blackbox_exporter).',
          unit: 'd',
          queries: [
            {
              expr: '(probe_ssl_earliest_cert_expiry{environment=~"$environment"} - time()) / 86400',
              legend: '{{instance}}',
            },
          ],
          populated: 'external-exporter',
          runbook: 'CertificateExpiringSoon',
        },
      ],
    },
    {
      title: 'Logs',
      panels: [
        {
          kind: 'logs',
          title: 'Logs',
          description: 'Warnings and errors of the selected services (Elasticsearch, ECS).',
          query: 'service.name:${service:lucene} AND log.level:(warn OR error OR fatal)',
        },
      ],
    },
  ],
};
