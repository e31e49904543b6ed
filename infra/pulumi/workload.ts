/**
 * One service's resources: its workload (a Deployment, or an Argo Rollout for canary and blue-green), its
 * Services, a PodDisruptionBudget, storage, and scaling (KEDA on consumer lag and CPU for consumers, an HPA
 * on CPU otherwise; none for a service that must run as one copy).
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { serviceSettings, type StackConfig } from './config.ts';
import { httpPort, labelsFor, otelCollectorImage, podTemplate, serviceRoleLabel, type PodContext } from './pod.ts';
import { blueGreenStrategy, canaryStrategy } from './rollout/argo.ts';
import { canarySteps } from './rollout/plan.ts';
import type { ServiceSpec } from './services.ts';
import { dataVolume, type DataVolume } from './volume.ts';

export interface WorkloadContext extends Omit<PodContext, 'image' | 'restartedAt'> {
  readonly config: StackConfig;
  readonly opts: pulumi.CustomResourceOptions;
  /** Whether the stack's StorageClass allows growing a claim (volume.ts). */
  readonly volumeExpansion: pulumi.Output<boolean>;
}

/**
 * The resources a remediation may update, by what it changes (the stack output `remediationTargets`): the executor
 * updates only these (`pulumi up --target`), so the remediation service's RBAC covers them and nothing else.
 */
export interface RemediationTargets {
  /** The workload and its autoscaler: replicas, image tag, canary weight, restart stamp. */
  readonly workload: readonly pulumi.Output<string>[];
  /** The data volume's claim: its size. */
  readonly volume?: readonly pulumi.Output<string>[];
  /** The autoscaler alone (HPA or ScaledObject): its maxReplicas, which a scale-out remediation raises. */
  readonly scaler?: readonly pulumi.Output<string>[];
}

/** A scalable service's autoscaler as deployed (the stack output `scaling`, read by the Pulumi executor). */
export interface Scaling {
  readonly autoscaler: 'hpa' | 'keda';
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The highest maxReplicas a remediation may set (`maxReplicasLimit`). */
  readonly maxReplicasLimit: number;
}

export interface Workload {
  readonly kind: 'Deployment' | 'Rollout';
  readonly image: string;
  readonly volume?: DataVolume;
  readonly scaling?: Scaling;
  readonly targets: RemediationTargets;
}

const rolloutApi = 'argoproj.io/v1alpha1';

function ports(spec: ServiceSpec): k8s.types.input.core.v1.ServicePort[] {
  return spec.target === undefined
    ? [
        { name: 'otlp-grpc', port: 4317, targetPort: 4317 },
        { name: 'otlp-http', port: 4318, targetPort: 4318 },
      ]
    : [{ name: 'http', port: httpPort, targetPort: httpPort }];
}

export function imageOf(config: StackConfig, spec: ServiceSpec, tag: string): string {
  return spec.target === undefined ? otelCollectorImage : `${config.imageRepository}/${spec.target}:${tag}`;
}

export function deployService(spec: ServiceSpec, ctx: WorkloadContext): Workload {
  const { config, opts } = ctx;
  const settings = serviceSettings(config, spec.name);
  const namespace = config.namespace;
  const labels = labelsFor(spec.name);
  const metadata = (name: string) => ({ name, namespace, labels });
  const image = imageOf(config, spec, settings.imageTag);
  const template = podTemplate(spec, {
    ...ctx,
    image,
    ...(settings.restartedAt === undefined ? {} : { restartedAt: settings.restartedAt }),
  });

  const claim = spec.persistent ? dataVolume(spec, config, ctx.volumeExpansion, opts) : undefined;

  new k8s.core.v1.Service(
    spec.name,
    { metadata: metadata(spec.name), spec: { type: 'ClusterIP', selector: labels, ports: ports(spec) } },
    opts,
  );

  const podSet = { replicas: settings.replicas, revisionHistoryLimit: 5, selector: { matchLabels: labels }, template };
  const progressive = settings.strategy === 'canary' || settings.strategy === 'blue-green';
  const kind = progressive ? 'Rollout' : 'Deployment';
  let workloadUrn: pulumi.Output<string>;
  if (progressive) {
    // Argo points these at the new (canary, preview) pods by their template hash.
    const extra = settings.strategy === 'canary' ? `${spec.name}-canary` : `${spec.name}-preview`;
    new k8s.core.v1.Service(
      extra,
      {
        metadata: { ...metadata(extra), labels: { ...labels, [serviceRoleLabel]: settings.strategy } },
        spec: { type: 'ClusterIP', selector: labels, ports: ports(spec) },
      },
      opts,
    );
    const strategy =
      settings.strategy === 'canary'
        ? canaryStrategy(
            spec.name,
            canarySteps({
              weights: config.canary.weights,
              pauseSeconds: config.canary.pauseSeconds,
              ...(settings.canaryWeight === undefined ? {} : { pin: settings.canaryWeight }),
            }),
          )
        : blueGreenStrategy(spec.name);
    workloadUrn = new k8s.apiextensions.CustomResource(
      spec.name,
      {
        apiVersion: rolloutApi,
        kind: 'Rollout',
        metadata: metadata(spec.name),
        spec: { ...podSet, strategy },
      },
      opts,
    ).urn;
  } else {
    workloadUrn = new k8s.apps.v1.Deployment(
      spec.name,
      {
        metadata: metadata(spec.name),
        spec: {
          ...podSet,
          // One copy only ever: never two side by side, even for a moment.
          strategy:
            spec.instances === 'single'
              ? { type: 'Recreate' }
              : { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        },
      },
      opts,
    ).urn;
  }

  new k8s.policy.v1.PodDisruptionBudget(
    spec.name,
    // A one-copy service cannot stay up through a drain anyway; maxUnavailable 0 would block node drains forever.
    { metadata: metadata(spec.name), spec: { selector: { matchLabels: labels }, maxUnavailable: 1 } },
    opts,
  );

  const scaler = spec.instances === 'scalable' ? scale(spec, ctx, kind, settings) : undefined;
  const targets: RemediationTargets = {
    workload: scaler === undefined ? [workloadUrn] : [workloadUrn, scaler],
    ...(claim === undefined ? {} : { volume: [claim.urn] }),
    ...(scaler === undefined ? {} : { scaler: [scaler] }),
  };
  const scaling: Scaling | undefined =
    scaler === undefined
      ? undefined
      : {
          autoscaler: spec.consumes.length > 0 ? 'keda' : 'hpa',
          minReplicas: settings.replicas,
          maxReplicas: settings.maxReplicas,
          maxReplicasLimit: settings.maxReplicasLimit,
        };
  return {
    kind,
    image,
    targets,
    ...(claim === undefined ? {} : { volume: claim.volume }),
    ...(scaling === undefined ? {} : { scaling }),
  };
}

function scale(
  spec: ServiceSpec,
  ctx: WorkloadContext,
  kind: Workload['kind'],
  settings: ReturnType<typeof serviceSettings>,
): pulumi.Output<string> {
  const { config, opts } = ctx;
  const scaleTargetRef = { apiVersion: kind === 'Rollout' ? rolloutApi : 'apps/v1', kind, name: spec.name };
  const metadata = { name: spec.name, namespace: config.namespace, labels: labelsFor(spec.name) };
  if (spec.consumes.length > 0) {
    // KEDA builds the HPA itself from these triggers; a second HPA on the same target would fight it.
    return new k8s.apiextensions.CustomResource(
      spec.name,
      {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata,
        spec: {
          scaleTargetRef,
          minReplicaCount: settings.replicas,
          maxReplicaCount: settings.maxReplicas,
          cooldownPeriod: 300,
          triggers: [
            ...spec.consumes.map((c) => ({
              type: 'kafka',
              metadata: {
                bootstrapServers: ctx.kafkaBootstrap,
                consumerGroup: c.group,
                topic: c.topic,
                lagThreshold: String(settings.lagThreshold),
                // More replicas than partitions would sit idle.
                allowIdleConsumers: 'false',
              },
            })),
            { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
          ],
        },
      },
      opts,
    ).urn;
  }
  return new k8s.autoscaling.v2.HorizontalPodAutoscaler(
    spec.name,
    {
      metadata,
      spec: {
        scaleTargetRef,
        minReplicas: settings.replicas,
        maxReplicas: settings.maxReplicas,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        ],
      },
    },
    opts,
  ).urn;
}
