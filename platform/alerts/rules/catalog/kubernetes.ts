import { runbookSlug } from '../../stages/enrich.ts';
import { runbookPath, type AlertingRule, type PlatformAlert, type RecordingRule, type Runbook } from '../model.ts';

/**
 * The signals of the Kubernetes remediation policies (detectors/remediation/policies/kubernetes.yml), on what
 * kube-prometheus-stack scrapes (kube-state-metrics, the kubelet's cAdvisor) and on the services' own metrics (job
 * `insitechart-<service>`, infra/pulumi/observability.ts). Each alert names the service in its `service` label (the
 * container's, the job's or the autoscaler's name, never a fixed label): the policies act on that service, and the
 * alert resolving is their verification. None of them can fire in embedded mode (no such series there).
 */
const requests = 'insitechart_http_request_duration_seconds';
const errors = 'service:insitechart_http_errors:ratio_rate5m';
const latency = 'service:insitechart_http_latency:p99_rate5m';
const images = 'service:kube_pod_container_images_30m:count';
const cpu = 'service:container_cpu_usage:ratio_requests_rate5m';
const throttled = 'service:container_cpu_throttled:ratio_rate5m';
const atMax = 'service:kube_hpa_at_max_replicas:bool';
const byService = (expr: string, from: string, regex: string) =>
  `label_replace(${expr}, "service", "$1", "${from}", "${regex}")`;
const fromJob = (expr: string) => byService(expr, 'job', 'insitechart-(.+)');
const fromContainer = (expr: string) => byService(expr, 'container', '(.+)');
const containers = 'container!="", container!="POD"';

/** A deploy is recent for this long: its containers ran more than one image within it. */
const deployWindow = '30m';
/** A service whose image changed within the window: a deploy went out, or a rollback. */
const changed = `on (namespace, service) ${images} > 1`;

export const kubernetesRecordingRules: readonly RecordingRule[] = [
  {
    record: errors,
    expr: fromJob(
      `sum by (namespace, job) (rate(${requests}_count{job=~"insitechart-.+", status_code=~"5.."}[5m]))\n` +
        `  / sum by (namespace, job) (rate(${requests}_count{job=~"insitechart-.+"}[5m]))`,
    ),
  },
  {
    record: latency,
    expr: fromJob(
      `histogram_quantile(0.99, sum by (namespace, job, le) (rate(${requests}_bucket{job=~"insitechart-.+"}[5m])))`,
    ),
  },
  {
    // How many images a service's containers ran within the window: more than one, an image went out (a deploy, or
    // the rollback of one); a first install counts one. It stays above one for the window after a rollback, so the
    // alert below resolves when the errors do, not when the bad image is gone.
    record: images,
    expr: fromContainer(
      'count by (namespace, container) (\n' +
        `  count by (namespace, container, image) (max_over_time(kube_pod_container_info{${containers}}[${deployWindow}]))\n)`,
    ),
  },
  {
    record: cpu,
    expr: fromContainer(
      `sum by (namespace, container) (rate(container_cpu_usage_seconds_total{${containers}}[5m]))\n` +
        `  / sum by (namespace, container) (kube_pod_container_resource_requests{resource="cpu", ${containers}})`,
    ),
  },
  {
    record: throttled,
    expr: fromContainer(
      `sum by (namespace, container) (rate(container_cpu_cfs_throttled_periods_total{${containers}}[5m]))\n` +
        `  / sum by (namespace, container) (rate(container_cpu_cfs_periods_total{${containers}}[5m]))`,
    ),
  },
  {
    // KEDA's own HPA is named keda-hpa-<scaledobject>; the stack names both after the service.
    record: atMax,
    expr: byService(
      'kube_horizontalpodautoscaler_status_current_replicas\n' +
        '  >= bool on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_spec_max_replicas',
      'horizontalpodautoscaler',
      '(?:keda-hpa-)?(.+)',
    ),
  },
];

function alert(name: string, expr: string, forDuration: string, summary: string, runbook: Runbook): PlatformAlert {
  const rule: AlertingRule = {
    alert: name,
    expr,
    for: forDuration,
    // The service label comes from the expression: the policies act on it.
    labels: { severity: 'warning' },
    annotations: { summary, runbook_url: runbookPath(runbookSlug(name)) },
  };
  return { name, service: 'kubernetes', rules: [rule], runbook };
}

const seeEngine =
  "See what the remediation engine did: the incident's timeline (`#/incidents/<id>`) or " +
  '`GET /api/remediations?status=failed`, and the reason when it refused.';

const deployRegression = alert(
  'DeployRegression',
  `(\n  (${errors} > 0.05 unless ${errors} offset ${deployWindow} > 0.05)\n` +
    `  or (${latency} > 1 unless ${latency} offset ${deployWindow} > 1)\n` +
    // Once firing it stays while the errors or the latency do (within the window): a rollback that did not help must
    // not look verified because 30 minutes ago the errors were already there.
    `  or (${errors} > 0.05 or ${latency} > 1) and on (namespace, service) ALERTS{alertname="DeployRegression", alertstate="firing"}\n` +
    `)\nand ${changed}`,
  '2m',
  '{{ $labels.service }} fails or slows down since a new image went out',
  {
    whatFired:
      "A service's share of 5xx responses went over 5% (or its p99 latency over 1 s) within 30 minutes of its image " +
      'changing (a deploy, or a rollback: the alert stays while the errors do), and it was not over 30 minutes ago.',
    impact: 'The new version breaks or slows the features that service serves for every user it reaches.',
    diagnosis: [
      { what: 'Error ratio per service', expr: errors },
      { what: 'p99 latency per service', expr: latency },
      { what: 'Images running per container', expr: 'count by (container, image) (kube_pod_container_info)' },
    ],
    panels: [
      { dashboard: 'insitechart-overview', panel: 'Errors by route' },
      { dashboard: 'insitechart-overview', panel: 'Latency by route' },
    ],
    mitigation: [
      seeEngine,
      'Roll back by hand when the engine could not: `pulumi config set --path \'services["<service>"].imageTag\' ' +
        '<previous tag>` and `pulumi up` (the stack output `previousImageTag` names the tag that ran before).',
      'A canary still in progress: set its weight to 0 (`.github/workflows/deploy.yml`, the rollback job).',
      'The next deploy from main puts the new tag out again: revert or fix the commit first.',
    ],
    remediation:
      'On Kubernetes the remediation engine (policy `deploy-regression-rollback`, medium risk: an sre approves) sets ' +
      "the service's image tag back to the stack's `previousImageTag` (recorded by the deploy workflow) with a " +
      'targeted `pulumi up`, and rolls forward again if this alert has not resolved within 10 minutes. Without a ' +
      'recorded previous tag it refuses, for a person.',
    escalation: 'The owning team at once; the platform on-call when the API SLO burns.',
  },
);

const saturated = alert(
  'SaturatedAtMaxReplicas',
  `(\n  ${cpu} > 0.8 and on (namespace, service) (${throttled} > 0.25 or ${latency} > 1)\n` +
    `  or ${fromJob('max by (namespace, job) (insitechart_bus_consumer_lag_events)')} > 10000\n` +
    `    and on (namespace, service) ${fromJob('max by (namespace, job) (deriv(insitechart_bus_consumer_lag_events[10m]))')} > 0\n` +
    `)\nand on (namespace, service) ${atMax} == 1`,
  '10m',
  "{{ $labels.service }} is saturated at its autoscaler's maximum of replicas",
  {
    whatFired:
      "A service's autoscaler (HPA, or KEDA's) is at its maxReplicas, and the service is saturated: CPU over 80% of " +
      'its requests with throttling over 25% of periods or p99 latency over 1 s, or a consumer lag over 10,000 ' +
      'events still growing, for 10 minutes.',
    impact: 'Requests queue and slow down, or consumers fall behind (stale quotes, late alerts).',
    diagnosis: [
      { what: 'CPU used per request', expr: cpu },
      { what: 'Throttled share of CPU periods', expr: throttled },
      { what: 'Autoscalers at their maximum', expr: `${atMax} == 1` },
      { what: 'Consumer lag per group', expr: 'max by (job, group, topic) (insitechart_bus_consumer_lag_events)' },
    ],
    panels: [
      { dashboard: 'insitechart-overview', panel: 'CPU' },
      { dashboard: 'insitechart-backbone', panel: 'Consumer lag' },
    ],
    mitigation: [
      seeEngine,
      'Raise `services["<service>"].maxReplicas` (and `maxReplicasLimit` when at it) and `pulumi up`; a consumer ' +
        "gains nothing beyond its topic's partition count.",
      'Look for the cause of the load (a client retrying, a slow dependency holding requests) before adding more.',
    ],
    remediation:
      "On Kubernetes the remediation engine (policy `saturated-scale-out`) raises the autoscaler's maxReplicas by 2 " +
      '(cut to the blast radius, never above `maxReplicasLimit`) with a targeted `pulumi up` of the autoscaler, and ' +
      'puts it back once the signal stayed normal for 30 minutes, or at once if this alert has not resolved within ' +
      '10 minutes.',
    escalation: 'Ticket to the owning team; page the platform on-call when the API latency SLO burns.',
  },
);

const stuck = alert(
  'PodStuckNotReady',
  'count by (namespace, service) (\n' +
    fromContainer(
      `kube_pod_container_status_ready{${containers}} == 0\n` +
        '  and on (namespace, pod, container) kube_pod_container_status_running == 1\n' +
        '  unless on (namespace, pod, container) increase(kube_pod_container_status_restarts_total[15m]) > 0',
    ) +
    `\n)\nunless ${changed}`,
  '10m',
  '{{ $value }} pods of {{ $labels.service }} run but are not ready',
  {
    whatFired:
      'Pods of a service run and pass their liveness probe (no restart in 15 minutes) but have failed their ' +
      "readiness probe (`/readyz`) for 10 minutes, outside the 30 minutes after an image change (a rollout's own).",
    impact: 'The stuck pods get no traffic: the service runs short of capacity, or not at all when all are stuck.',
    diagnosis: [
      { what: 'Containers running but not ready', expr: 'kube_pod_container_status_ready == 0' },
      { what: 'Restarts in the last hour', expr: 'increase(kube_pod_container_status_restarts_total[1h])' },
    ],
    panels: [{ dashboard: 'insitechart-overview', panel: 'Errors by route' }],
    mitigation: [
      seeEngine,
      "`kubectl -n insitechart describe pod <pod>`: the readiness probe's last failure; `GET /readyz` names what " +
        'the process waits for (the backbone, its store).',
      'A dependency down (Kafka, Elasticsearch): follow its own alert; restarting will not help.',
      'Restart by hand: `pulumi config set --path \'services["<service>"].restartedAt\' "$(date -u +%FT%TZ)"` and ' +
        '`pulumi up`.',
    ],
    remediation:
      'On Kubernetes the remediation engine (policy `pod-stuck-restart`) restarts the rollout through the stack (the ' +
      'pod template annotation `insitechart.io/restartedAt`, a targeted `pulumi up`; pods replaced a quarter at a ' +
      'time), bounded by the cooldown and the hourly budgets; a restart has no undo.',
    escalation: 'Ticket to the owning team; page the platform on-call when every pod of a service is stuck.',
  },
);

const working = `container_memory_working_set_bytes{${containers}}`;
const limit = 'kube_pod_container_resource_limits{resource="memory"}';
const leak = alert(
  'ContainerMemoryLeak',
  'count by (namespace, service) (\n' +
    fromContainer(
      `predict_linear(${working}[30m], 3600) > on (namespace, pod, container) group_left ${limit}\n` +
        `  and on (namespace, pod, container) ${working} / on (namespace, pod, container) group_left ${limit} > 0.8`,
    ) +
    '\n)',
  '15m',
  '{{ $value }} pods of {{ $labels.service }} grow towards their memory limit',
  {
    whatFired:
      "A service's containers use over 80% of their memory limit and a linear fit of the last 30 minutes reaches " +
      'the limit within the hour, for 15 minutes: memory that grows and is not given back.',
    impact:
      'At the limit the kernel kills the container (OOMKilled): its requests and consumers fail while it restarts.',
    diagnosis: [
      { what: 'Working set per container', expr: working },
      { what: 'Share of the memory limit', expr: `${working} / on (namespace, pod, container) group_left ${limit}` },
    ],
    panels: [{ dashboard: 'insitechart-overview', panel: 'Memory' }],
    mitigation: [
      seeEngine,
      'Take a heap snapshot before it restarts (`kubectl exec` into the pod, `kill -USR2` with `--heapsnapshot-signal`).',
      'A leak that returns after each restart needs a fix, not restarts: raise the limit only to buy time.',
    ],
    remediation:
      'On Kubernetes the remediation engine (policy `memory-leak-restart`) restarts the rollout through the stack ' +
      '(`insitechart.io/restartedAt`, a targeted `pulumi up`): new pods start with their memory freed; at most 3 ' +
      'cures of the same cause an hour, then a person.',
    escalation: 'Ticket to the owning team with the heap snapshot; page when pods are OOMKilled repeatedly.',
  },
);

export const kubernetesAlerts: readonly PlatformAlert[] = [deployRegression, saturated, stuck, leak];
