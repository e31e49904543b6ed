import { runbookSlug } from '../../stages/enrich.ts';
import { runbookPath, type PlatformAlert } from '../model.ts';
import { defineAlert } from './define.ts';

/** The persistent services' claims (infra/pulumi/volume.ts names them `<service>-data`). */
const claims = 'persistentvolumeclaim=~".+-data"';
const free = `kubelet_volume_stats_available_bytes{${claims}}`;

/**
 * A data volume short of free space, on the kubelet's volume statistics (Kubernetes; kube-prometheus-stack scrapes
 * them). The `service` label is the claim's owner, taken from its name, not a fixed label: the remediation policy
 * `data-volume-filling-expand` grows that service's claim, and the alert resolving is its verification.
 */
const dataVolumeFillingUp: PlatformAlert = {
  name: 'DataVolumeFillingUp',
  service: 'storage',
  rules: [
    {
      alert: 'DataVolumeFillingUp',
      expr:
        `label_replace(\n  ${free} / kubelet_volume_stats_capacity_bytes{${claims}} < 0.15\n` +
        `    and predict_linear(${free}[1h], 6 * 3600) < 0,\n` +
        '  "service", "$1", "persistentvolumeclaim", "(.+)-data"\n)',
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary:
          '{{ $labels.persistentvolumeclaim }} ({{ $labels.namespace }}) has under 15% free and fills within 6 hours',
        runbook_url: runbookPath(runbookSlug('DataVolumeFillingUp')),
      },
    },
  ],
  runbook: {
    whatFired:
      "A service's data volume (its PersistentVolumeClaim `<service>-data`) has under 15% free, and a linear fit of " +
      "the last hour of free space reaches zero within 6 h (the kubelet's volume statistics).",
    impact:
      "When the claim is full, that service's SQLite stores (incidents, bar history, portfolios, pending approvals) " +
      'stop accepting writes: its requests and consumers fail.',
    diagnosis: [
      { what: 'Free share per claim', expr: `${free} / kubelet_volume_stats_capacity_bytes{${claims}}` },
      { what: 'Hours until full', expr: `${free} / clamp_min(-deriv(${free}[1h]), 1e-9) / 3600` },
    ],
    panels: [{ dashboard: 'insitechart-overview', panel: 'Data volumes free' }],
    mitigation: [
      "See what the remediation engine did: the incident's timeline (`#/incidents/<id>`) or " +
        '`GET /api/remediations?status=failed` (an `expand-volume` on the service, or why it was refused).',
      'Find what grows on the volume: `kubectl exec deploy/<service> -- du -xh /data | sort -h | tail`; a lagging ' +
        'consumer or a table outgrowing its bound fills faster than any growth.',
      'Grow it by hand when the engine could not: raise `services["<service>"].storageGi` (and `maxStorageGi` when ' +
        'at it) in the stack and `pulumi up`; a StorageClass without expansion needs the data moved to a bigger claim.',
      'Never delete the SQLite files (or their WAL) by hand.',
    ],
    remediation:
      'On Kubernetes the remediation engine (policy `data-volume-filling-expand`) grows the claim by half through the ' +
      'Pulumi stack (only when its StorageClass allows expansion, never above `maxStorageGi`, never back) and waits up ' +
      'to 10 minutes for this alert to resolve. In embedded mode nothing is grown (DATA_DIR is a host directory).',
    escalation:
      'Ticket to the platform team; page the on-call when the claim is at its maximum, its StorageClass does not ' +
      'allow expansion, or under an hour remains.',
  },
};

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
  dataVolumeFillingUp,
];
