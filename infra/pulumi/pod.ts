/**
 * The pod template of each service: image, environment, probes, resources and the hardened security context.
 * Pure (plain objects): the workload module puts it in a Deployment or a Rollout, and the policy tests read it.
 */
import type * as k8s from '@pulumi/kubernetes';
import type { ServiceSpec } from './services.ts';

type PodTemplate = k8s.types.input.core.v1.PodTemplateSpec;
type EnvVar = k8s.types.input.core.v1.EnvVar;

export const httpPort = 8080;
export const configMapName = 'insitechart-config';
export const secretName = 'insitechart-secrets';
export const otelCollectorImage = 'otel/opentelemetry-collector-contrib:0.120.0';
/** The `node` user of the official Node image the Dockerfile runs as; the collector image's own user. */
const nodeUid = 1000;
const collectorUid = 10001;

export interface PodContext {
  readonly image: string;
  readonly kafkaBootstrap: string;
  readonly elasticsearchHost: string;
  readonly prometheusUrl: string;
  readonly otlpEndpoint: string;
  /** Changing it restarts the pods (the `restart` remediation sets it). */
  readonly restartedAt?: string;
  /** The stack the remediation service updates (its own stack's name). */
  readonly stackName: string;
}

/** The ServiceAccount of a service that drives the stack (rbac.ts binds its roles). */
export const stackDriverAccount = (service: string): string => `${service}-pulumi`;

/** Marks the extra Services of a Rollout (canary, preview), which select the same pods as the main one. */
export const serviceRoleLabel = 'insitechart.io/service-role';

export const labelsFor = (service: string): Record<string, string> => ({
  'app.kubernetes.io/name': service,
  'app.kubernetes.io/part-of': 'insitechart',
});

function platformEnv(spec: ServiceSpec, ctx: PodContext): EnvVar[] {
  const env: EnvVar[] = [
    { name: 'PORT', value: String(httpPort) },
    { name: 'DATA_DIR', value: '/data' },
    { name: 'OTEL_SERVICE_NAME', value: spec.name },
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: ctx.otlpEndpoint },
    { name: 'ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: secretName, key: 'ADMIN_PASSWORD' } } },
    // ECK's generated password for the `elastic` user; Kubernetes expands $(ES_PASSWORD) in the next variable.
    { name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'insitechart-es-elastic-user', key: 'elastic' } } },
    { name: 'ELASTICSEARCH_URL', value: `http://elastic:$(ES_PASSWORD)@${ctx.elasticsearchHost}` },
  ];
  if (spec.kafka) {
    env.push({ name: 'KAFKA_BROKERS', value: ctx.kafkaBootstrap }, { name: 'KAFKA_CLIENT_ID', value: spec.name });
  }
  if (spec.drivesStack) {
    env.push(
      { name: 'REMEDIATION_PULUMI_STACK', value: ctx.stackName },
      // The image's root filesystem is read-only: the workspace's settings live on the /tmp volume.
      { name: 'REMEDIATION_PULUMI_WORKSPACE', value: '/tmp/pulumi/workspace' },
      { name: 'REMEDIATION_PROMETHEUS_URL', value: ctx.prometheusUrl },
      // Optional in the Secret: without it the service refuses to start, naming PULUMI_ACCESS_TOKEN.
      {
        name: 'PULUMI_ACCESS_TOKEN',
        valueFrom: { secretKeyRef: { name: secretName, key: 'PULUMI_ACCESS_TOKEN', optional: true } },
      },
    );
  } else if (spec.readsPrometheus) {
    env.push(
      { name: 'DETECTOR_SOURCES', value: 'prometheus,otlp' },
      { name: 'DETECTOR_PROMETHEUS_URL', value: ctx.prometheusUrl },
    );
  }
  if (spec.name === 'alerts') env.push({ name: 'ALERTS_CONFIG', value: '/etc/insitechart/alerts.json' });
  return env;
}

const probe = (path: string, port: number, periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path, port },
  periodSeconds,
  failureThreshold,
  timeoutSeconds: 3,
});

function containerSecurity(uid: number): k8s.types.input.core.v1.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

const resourcesOf = (spec: ServiceSpec) => ({
  requests: { cpu: spec.resources.cpu, memory: spec.resources.memory },
  limits: { cpu: spec.resources.cpuLimit, memory: spec.resources.memory },
});

export function podTemplate(spec: ServiceSpec, ctx: PodContext): PodTemplate {
  const collector = spec.target === undefined;
  const uid = collector ? collectorUid : nodeUid;
  const volumes: k8s.types.input.core.v1.Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }];
  const mounts: k8s.types.input.core.v1.VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  if (collector) {
    volumes.push({ name: 'config', configMap: { name: 'otel-collector' } });
    mounts.push({ name: 'config', mountPath: '/conf', readOnly: true });
  } else {
    volumes.push(
      spec.persistent
        ? { name: 'data', persistentVolumeClaim: { claimName: `${spec.name}-data` } }
        : { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
    );
    mounts.push({ name: 'data', mountPath: '/data' });
  }
  if (spec.name === 'alerts') {
    volumes.push({
      name: 'alerts-config',
      secret: { secretName, items: [{ key: 'alerts.json', path: 'alerts.json' }] },
    });
    mounts.push({ name: 'alerts-config', mountPath: '/etc/insitechart', readOnly: true });
  }
  const health = collector ? 13133 : httpPort;
  const container: k8s.types.input.core.v1.Container = {
    name: spec.name,
    image: ctx.image,
    ports: collector
      ? [
          { name: 'otlp-grpc', containerPort: 4317 },
          { name: 'otlp-http', containerPort: 4318 },
          { name: 'health', containerPort: 13133 },
        ]
      : [{ name: 'http', containerPort: httpPort }],
    ...(collector
      ? {
          args: ['--config=/conf/config.yaml'],
          env: [{ name: 'INGEST_TOKEN', valueFrom: { secretKeyRef: { name: secretName, key: 'INGEST_TOKEN' } } }],
        }
      : { env: platformEnv(spec, ctx), envFrom: [{ configMapRef: { name: configMapName } }] }),
    resources: resourcesOf(spec),
    // The collector's health_check extension serves one path for both questions.
    livenessProbe: probe('/healthz', health, 10, 3),
    readinessProbe: probe(collector ? '/healthz' : '/readyz', health, 5, 2),
    // Loading TensorFlow.js or bundling the web client may take a while on a cold node.
    startupProbe: probe('/healthz', health, 2, 60),
    securityContext: containerSecurity(uid),
    volumeMounts: mounts,
  };
  return {
    metadata: {
      labels: labelsFor(spec.name),
      annotations: {
        'prometheus.io/scrape': String(!collector),
        ...(ctx.restartedAt === undefined ? {} : { 'insitechart.io/restartedAt': ctx.restartedAt }),
      },
    },
    spec: {
      // Only a service that drives the stack talks to the Kubernetes API, with its own account (rbac.ts).
      ...(spec.drivesStack
        ? { serviceAccountName: stackDriverAccount(spec.name), automountServiceAccountToken: true }
        : { automountServiceAccountToken: false }),
      // SHUTDOWN_TIMEOUT_MS (10 s) plus the time to flush logs and spans.
      terminationGracePeriodSeconds: 20,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: uid,
        fsGroup: uid,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [container],
      volumes,
    },
  };
}
