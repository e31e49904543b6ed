import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { prometheusRule } from '../../platform/alerts/rules/prometheus-rule.ts';
import { canaryStrategy } from './rollout/argo.ts';
import { canarySteps } from './rollout/plan.ts';
import { services } from './services.ts';
import {
  clusterObjects,
  deploy,
  field,
  ofType,
  secretValue,
  testConfig,
  testSecrets,
  type Recorded,
} from './testing/mocks.ts';

type Env = { name: string; value?: string; valueFrom?: unknown }[];

const named = (rs: readonly Recorded[], kind: string, name: string): Recorded => {
  const found = ofType(rs, kind).find((r) => field(r.inputs, 'metadata', 'name') === name);
  assert.ok(found, `${kind} ${name}`);
  return found;
};
const workloadOf = (rs: readonly Recorded[], name: string): Recorded =>
  [...ofType(rs, 'Deployment'), ...ofType(rs, 'Rollout')].find((r) => field(r.inputs, 'metadata', 'name') === name) ??
  assert.fail(`no workload ${name}`);
const container = (w: Recorded) => field(w.inputs, 'spec', 'template', 'spec', 'containers', 0);
const envOf = (w: Recorded): Map<string, string | undefined> =>
  new Map(((field(container(w), 'env') ?? []) as Env).map((e) => [e.name, e.value]));

describe('every service, rolling updates', () => {
  let rs: Recorded[];
  before(async () => {
    rs = (await deploy(testConfig())).resources;
  });

  it('deploys each service with its image, a ClusterIP Service on its port and a PDB', () => {
    for (const s of services) {
      const w = workloadOf(rs, s.name);
      assert.equal(w.type, 'kubernetes:apps/v1:Deployment');
      const image = field(container(w), 'image');
      if (s.target === undefined) assert.match(String(image), /^otel\/opentelemetry-collector-contrib:\d/);
      else assert.equal(image, `ghcr.io/acme/insitechart/${s.target}:abc123`);
      const svc = named(rs, 'Service', s.name);
      assert.equal(field(svc.inputs, 'spec', 'type'), 'ClusterIP');
      assert.deepEqual(field(svc.inputs, 'spec', 'selector'), field(w.inputs, 'spec', 'selector', 'matchLabels'));
      named(rs, 'PodDisruptionBudget', s.name);
    }
  });

  it('runs one-copy services as one replica, recreated, without an autoscaler', () => {
    for (const s of services.filter((x) => x.instances === 'single')) {
      const w = workloadOf(rs, s.name);
      assert.equal(field(w.inputs, 'spec', 'replicas'), 1, s.name);
      assert.equal(field(w.inputs, 'spec', 'strategy', 'type'), 'Recreate', s.name);
      const scalers = [...ofType(rs, 'HorizontalPodAutoscaler'), ...ofType(rs, 'ScaledObject')];
      assert.ok(!scalers.some((r) => field(r.inputs, 'metadata', 'name') === s.name), s.name);
    }
  });

  it('scales consumers on Kafka lag of their own groups plus CPU (KEDA), the others on CPU (HPA)', () => {
    const sentiment = named(rs, 'ScaledObject', 'sentiment');
    const triggers = field(sentiment.inputs, 'spec', 'triggers') as { type: string; metadata: unknown }[];
    assert.deepEqual(
      triggers.map((t) => [t.type, field(t.metadata, 'consumerGroup'), field(t.metadata, 'topic')]),
      [
        ['kafka', 'sentiment-symbols', 'market.bars'],
        ['cpu', undefined, undefined],
      ],
    );
    assert.equal(field(triggers[0]?.metadata, 'bootstrapServers'), 'insitechart-kafka-bootstrap.insitechart.svc:9092');
    assert.deepEqual(field(sentiment.inputs, 'spec', 'scaleTargetRef'), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'sentiment',
    });
    for (const name of ['web', 'otel-collector']) {
      const hpa = named(rs, 'HorizontalPodAutoscaler', name);
      assert.equal(field(hpa.inputs, 'spec', 'metrics', 0, 'resource', 'name'), 'cpu');
      assert.equal(field(hpa.inputs, 'spec', 'minReplicas'), 3);
      assert.equal(field(hpa.inputs, 'spec', 'maxReplicas'), 12);
    }
  });

  it('wires Kafka, the collector, Elasticsearch and Prometheus into the services that use them', () => {
    for (const s of services.filter((x) => x.target !== undefined)) {
      const env = envOf(workloadOf(rs, s.name));
      assert.equal(env.get('KAFKA_BROKERS'), s.kafka ? 'insitechart-kafka-bootstrap.insitechart.svc:9092' : undefined);
      assert.equal(env.get('OTEL_EXPORTER_OTLP_ENDPOINT'), 'http://otel-collector.insitechart.svc:4318');
      assert.equal(env.get('OTEL_SERVICE_NAME'), s.name);
      assert.equal(
        env.get('ELASTICSEARCH_URL'),
        'http://elastic:$(ES_PASSWORD)@insitechart-es-http.insitechart.svc:9200',
      );
    }
    const detectors = envOf(workloadOf(rs, 'detectors'));
    assert.equal(
      detectors.get('DETECTOR_PROMETHEUS_URL'),
      'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
    );
    assert.equal(envOf(workloadOf(rs, 'alerts')).get('ALERTS_CONFIG'), '/etc/insitechart/alerts.json');
    const claim = field(workloadOf(rs, 'alerts').inputs, 'spec', 'template', 'spec', 'volumes');
    assert.ok(JSON.stringify(claim).includes('"claimName":"alerts-data"'));
    named(rs, 'PersistentVolumeClaim', 'alerts-data');
  });

  it('puts the secrets in a Secret and the shared settings in a ConfigMap', () => {
    const secret = named(rs, 'Secret', 'insitechart-secrets');
    assert.deepEqual(secretValue(field(secret.inputs, 'stringData')), {
      ADMIN_PASSWORD: testSecrets.adminPassword,
      INGEST_TOKEN: testSecrets.ingestToken,
      'alerts.json': testSecrets.alertsConfig,
    });
    assert.equal(
      field(named(rs, 'ConfigMap', 'insitechart-config').inputs, 'data', 'PUBLIC_URL'),
      'https://insitechart.example',
    );
  });

  it('runs Kafka (Strimzi, KRaft) and Elasticsearch (ECK) with the configured sizes', () => {
    assert.equal(field(named(rs, 'KafkaNodePool', 'pool').inputs, 'spec', 'replicas'), 3);
    const kafka = named(rs, 'Kafka', 'insitechart');
    assert.equal(field(kafka.inputs, 'spec', 'kafka', 'config', 'min.insync.replicas'), 2);
    assert.equal(field(kafka.inputs, 'spec', 'kafka', 'config', 'auto.create.topics.enable'), false);
    assert.equal(field(named(rs, 'Elasticsearch', 'insitechart').inputs, 'spec', 'nodeSets', 0, 'count'), 3);
  });

  it('provisions the generated rules (the same as prometheusRule()) and one ConfigMap per dashboard', () => {
    const rule = named(rs, 'PrometheusRule', 'insitechart');
    const expected = prometheusRule({ namespace: 'insitechart', publicUrl: 'https://insitechart.example' });
    assert.deepEqual(field(rule.inputs, 'spec', 'groups'), JSON.parse(JSON.stringify(expected.spec.groups)));
    const files = readdirSync(join(import.meta.dirname, '..', '..', 'dashboards', 'generated')).filter((f) =>
      f.endsWith('.json'),
    );
    const maps = ofType(rs, 'ConfigMap').filter(
      (r) => field(r.inputs, 'metadata', 'labels', 'grafana_dashboard') === '1',
    );
    assert.deepEqual(maps.map((m) => Object.keys(field(m.inputs, 'data') as object)[0]).sort(), files.sort());
    for (const m of maps) assert.equal(field(m.inputs, 'metadata', 'namespace'), 'monitoring');
  });

  it('installs kube-prometheus-stack with Alertmanager posting to the alerts service with a token', () => {
    const release = ofType(rs, 'Release')[0];
    assert.ok(release);
    const values = field(release.inputs, 'values');
    assert.equal(field(values, 'prometheus', 'prometheusSpec', 'ruleSelectorNilUsesHelmValues'), false);
    const hook = field(values, 'alertmanager', 'config', 'receivers', 0, 'webhook_configs', 0);
    assert.equal(field(hook, 'url'), 'http://alerts.insitechart.svc:8080/api/alerts/alertmanager');
    assert.equal(field(hook, 'http_config', 'authorization', 'type'), 'Bearer');
    assert.deepEqual(secretValue(field(named(rs, 'Secret', 'insitechart-alertmanager-token').inputs, 'stringData')), {
      token: testSecrets.ingestToken,
    });
  });

  it('scrapes every service as insitechart-<service>, the job name the rules expect', () => {
    const monitor = named(rs, 'ServiceMonitor', 'insitechart');
    const relabel = field(monitor.inputs, 'spec', 'endpoints', 0, 'relabelings', 0);
    assert.deepEqual([field(relabel, 'targetLabel'), field(relabel, 'replacement')], ['job', 'insitechart-$1']);
    // Each scrape must see every event-loop stall since the one before: the delay window is the scrape interval.
    const interval = String(field(monitor.inputs, 'spec', 'endpoints', 0, 'interval'));
    const windowMs = Number(field(named(rs, 'ConfigMap', 'insitechart-config').inputs, 'data', 'EVENT_LOOP_WINDOW_MS'));
    assert.equal(`${String(windowMs / 1_000)}s`, interval);
    const collector = named(rs, 'ConfigMap', 'otel-collector');
    assert.match(
      String(field(collector.inputs, 'data', 'config.yaml')),
      /endpoint: http:\/\/detectors\.insitechart\.svc:8080/,
    );
  });

  it('gates rollouts on error rate, latency and the anomaly score with the configured limits', () => {
    const template = named(rs, 'AnalysisTemplate', 'insitechart-gates');
    const metrics = field(template.inputs, 'spec', 'metrics') as { name: string; successCondition: string }[];
    assert.deepEqual(
      metrics.map((m) => [m.name, m.successCondition]),
      [
        ['error-rate', 'result[0] <= 0.01'],
        ['latency-p99', 'result[0] <= 0.5'],
        ['anomaly-score', 'result[0] <= 0.8'],
      ],
    );
  });
});

describe('canary and blue-green', () => {
  it('deploys scalable services as canary Rollouts with the planned steps, one-copy services as Deployments', async () => {
    const config = testConfig({ strategy: 'canary', canary: { weights: [10, 50], pauseSeconds: 60 } });
    const { resources: rs, outputs } = await deploy(config);
    for (const s of services) {
      const kind = s.instances === 'scalable' ? 'Rollout' : 'Deployment';
      assert.equal(outputs.workloads[s.name], kind, s.name);
      assert.equal(workloadOf(rs, s.name).type.endsWith(`:${kind}`), true, s.name);
    }
    const web = workloadOf(rs, 'web');
    assert.deepEqual(
      field(web.inputs, 'spec', 'strategy'),
      canaryStrategy('web', canarySteps({ weights: [10, 50], pauseSeconds: 60 })),
    );
    assert.equal(
      field(named(rs, 'Service', 'web-canary').inputs, 'metadata', 'labels', 'insitechart.io/service-role'),
      'canary',
    );
    assert.equal(
      field(named(rs, 'HorizontalPodAutoscaler', 'web').inputs, 'spec', 'scaleTargetRef', 'kind'),
      'Rollout',
    );
    assert.equal(field(named(rs, 'ScaledObject', 'sentiment').inputs, 'spec', 'scaleTargetRef', 'kind'), 'Rollout');
  });

  it('holds a canary at the weight the stack pins, per service, and rolls one service back by its tag', async () => {
    const config = testConfig({
      strategy: 'canary',
      canaryWeight: 10,
      services: { web: { canaryWeight: 0, imageTag: 'v1-stable' } },
    });
    const { resources: rs } = await deploy(config);
    const steps = (name: string) => field(workloadOf(rs, name).inputs, 'spec', 'strategy', 'canary', 'steps');
    assert.deepEqual(steps('web'), [{ setWeight: 0 }, { pause: {} }]);
    assert.deepEqual((steps('sentiment') as unknown[])[0], { setWeight: 10 });
    assert.equal(field(container(workloadOf(rs, 'web')), 'image'), 'ghcr.io/acme/insitechart/web:v1-stable');
    assert.equal(field(container(workloadOf(rs, 'sentiment')), 'image'), 'ghcr.io/acme/insitechart/sentiment:abc123');
  });

  it('deploys blue-green with a preview Service and gates before and after the switch', async () => {
    const { resources: rs } = await deploy(testConfig({ strategy: 'blue-green' }));
    const bg = field(workloadOf(rs, 'web').inputs, 'spec', 'strategy', 'blueGreen');
    assert.equal(field(bg, 'activeService'), 'web');
    assert.equal(field(bg, 'previewService'), 'web-preview');
    assert.equal(field(bg, 'prePromotionAnalysis', 'templates', 0, 'templateName'), 'insitechart-gates');
    assert.equal(field(bg, 'postPromotionAnalysis', 'args', 0, 'value'), 'web');
    named(rs, 'Service', 'web-preview');
  });

  it('restarts a service when its restartedAt changes (a pod template annotation)', async () => {
    const { resources: rs } = await deploy(
      testConfig({ services: { analytics: { restartedAt: '2026-12-07T04:00:00Z' } } }),
    );
    const annotations = field(workloadOf(rs, 'analytics').inputs, 'spec', 'template', 'metadata', 'annotations');
    assert.equal(field(annotations, 'insitechart.io/restartedAt'), '2026-12-07T04:00:00Z');
    assert.equal(
      field(workloadOf(rs, 'web').inputs, 'spec', 'template', 'metadata', 'annotations', 'insitechart.io/restartedAt'),
      undefined,
    );
  });
});

describe('what the Kubernetes remediations read and update', () => {
  const resolved = <T>(o: { apply: (f: (v: T) => void) => unknown }): Promise<T> =>
    new Promise((resolve) => o.apply(resolve));

  it('exports each autoscaler with the limit a scale-out may raise it to, and targets it alone', async () => {
    const { resources: rs, outputs } = await deploy(
      testConfig({ services: { web: { replicas: 3, maxReplicas: 12, maxReplicasLimit: 16 } } }),
    );
    assert.deepEqual(outputs.scaling.web, { autoscaler: 'hpa', minReplicas: 3, maxReplicas: 12, maxReplicasLimit: 16 });
    assert.deepEqual(outputs.scaling.sentiment, {
      autoscaler: 'keda',
      minReplicas: 3,
      maxReplicas: 12,
      maxReplicasLimit: 24,
    });
    // One-copy services have no autoscaler: nothing to raise.
    assert.deepEqual(Object.keys(outputs.scaling).sort(), ['otel-collector', 'sentiment', 'web']);
    const [web] = outputs.remediationTargets.web?.scaler ?? [];
    assert.ok(web !== undefined);
    assert.match(await resolved(web), /HorizontalPodAutoscaler::web$/);
    const [sentiment] = outputs.remediationTargets.sentiment?.scaler ?? [];
    assert.ok(sentiment !== undefined);
    assert.match(await resolved(sentiment), /ScaledObject::sentiment$/);
    assert.equal(outputs.remediationTargets.alerts?.scaler, undefined);
    assert.equal(field(named(rs, 'HorizontalPodAutoscaler', 'web').inputs, 'spec', 'maxReplicas'), 12);
  });

  it('exports per service the live tag and the one a rollback returns to, when the deploy recorded one', async () => {
    const recorded = await deploy(
      testConfig({ imageTag: 'v2', previousImageTag: 'v1', services: { analytics: { previousImageTag: 'v0' } } }),
    );
    assert.deepEqual(recorded.outputs.imageTags.web, { live: 'v2', previous: 'v1' });
    // A service's own previous tag (set by hand) wins over the deploy's.
    assert.deepEqual(recorded.outputs.imageTags.analytics, { live: 'v2', previous: 'v0' });
    assert.equal(recorded.outputs.imageTags['otel-collector'], undefined);
    const none = await deploy(testConfig({ imageTag: 'v2' }));
    assert.deepEqual(none.outputs.imageTags.web, { live: 'v2' });
  });
});

describe('data volumes', () => {
  const resolved = <T>(o: { apply: (f: (v: T) => void) => unknown }): Promise<T> =>
    new Promise((resolve) => o.apply(resolve));
  const storageOf = (rs: readonly Recorded[], claim: string) =>
    field(named(rs, 'PersistentVolumeClaim', claim).inputs, 'spec', 'resources', 'requests', 'storage');

  it('gives each persistent service a claim of its configured size and exports what may grow', async () => {
    clusterObjects.set('kubernetes:storage.k8s.io/v1:StorageClass/fast-ssd', { allowVolumeExpansion: true });
    // A class that does not say allowVolumeExpansion does not allow it.
    clusterObjects.set('kubernetes:storage.k8s.io/v1:StorageClass/fixed', {});
    const grown = await deploy(
      testConfig({ storageClass: 'fast-ssd', services: { alerts: { storageGi: 15, maxStorageGi: 40 } } }),
    );
    assert.equal(storageOf(grown.resources, 'alerts-data'), '15Gi');
    assert.equal(storageOf(grown.resources, 'market-data-data'), '10Gi', 'the others keep the default');
    assert.deepEqual(
      Object.keys(grown.outputs.dataVolumes).sort(),
      services
        .filter((s) => s.persistent)
        .map((s) => s.name)
        .sort(),
    );
    const alerts = grown.outputs.dataVolumes.alerts;
    assert.ok(alerts);
    assert.deepEqual(
      [alerts.claim, alerts.sizeGi, alerts.maxGi, alerts.storageClass],
      ['alerts-data', 15, 40, 'fast-ssd'],
    );
    assert.equal(await resolved(alerts.expandable), true, "read from the cluster's StorageClass");
    assert.equal(ofType(grown.resources, 'StorageClass').length, 0, 'read, never created or changed');

    const fixed = (await deploy(testConfig({ storageClass: 'fixed' }))).outputs.dataVolumes['market-data'];
    assert.ok(fixed);
    assert.equal(await resolved(fixed.expandable), false, 'a class without allowVolumeExpansion');
    const unnamed = await deploy(testConfig());
    const defaultClass = unnamed.outputs.dataVolumes.alerts;
    assert.ok(defaultClass);
    assert.equal(await resolved(defaultClass.expandable), false, 'the cluster default class is not assumed to grow');
    assert.equal(defaultClass.maxGi, 50);
  });
});
