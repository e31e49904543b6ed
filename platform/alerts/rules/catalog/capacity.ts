import type { PlatformAlert } from '../model.ts';
import { defineAlert } from './define.ts';

export const capacityAlerts: readonly PlatformAlert[] = [
  defineAlert({
    name: 'CertificateExpiringSoon',
    service: 'edge',
    severity: 'warning',
    expr: '(probe_ssl_earliest_cert_expiry - time()) / 86400 < 14',
    for: '1h',
    summary: 'The TLS certificate of {{ $labels.instance }} expires in less than 14 days',
    runbook: {
      whatFired: "The blackbox exporter's TLS probe sees a certificate expiring within 14 days.",
      impact: 'None yet; at expiry every browser and API client refuses the connection.',
      diagnosis: [{ what: 'Days left per endpoint', expr: '(probe_ssl_earliest_cert_expiry - time()) / 86400' }],
      panels: [{ dashboard: 'insitechart-overview', panel: 'Certificate days left' }],
      mitigation: [
        "Check cert-manager's Certificate resource and its last renewal error.",
        'ACME challenge failing: fix DNS or the ingress route, then delete the failed CertificateRequest.',
        'Manual certificate: request and install a new one.',
      ],
      remediation: 'cert-manager renews 30 days before expiry by itself; this alert means it did not.',
      escalation: 'Ticket to the platform team; page when fewer than 3 days remain.',
    },
  }),
  defineAlert({
    name: 'DiskFillPredicted',
    service: 'storage',
    severity: 'critical',
    expr:
      'predict_linear(node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"}[6h], 4 * 3600) < 0\n' +
      '  and node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes < 0.2',
    for: '30m',
    summary: '{{ $labels.mountpoint }} on {{ $labels.instance }} will be full within 4 hours',
    runbook: {
      whatFired: 'A linear fit of the last 6 h of free space reaches zero within 4 h, with under 20% left.',
      impact: 'When full, the durable backbone and SQLite stores stop accepting writes: publishes fail.',
      diagnosis: [
        {
          what: 'Free share per filesystem',
          expr: 'node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes',
        },
        {
          what: 'Hours until full',
          expr: 'node_filesystem_avail_bytes / clamp_min(-deriv(node_filesystem_avail_bytes[6h]), 1e-9) / 3600',
        },
      ],
      panels: [{ dashboard: 'insitechart-overview', panel: 'Disk free' }],
      mitigation: [
        'Find what grows: `du -xh DATA_DIR | sort -h | tail` (backbone.db, alerts, history, models).',
        'A lagging consumer group keeps up to 200,000 events per partition: fix the lag first.',
        'Grow the volume (PVC resize) before it fills; never delete backbone.db by hand.',
      ],
      remediation: 'Retention trims committed events; nothing frees space beyond that.',
      escalation: 'Page the platform on-call: under 4 hours is an emergency.',
    },
  }),
];
