/**
 * The whole stack from a validated configuration: namespace, shared ConfigMap and Secret, Kafka and
 * Elasticsearch, the monitoring stack, the analysis template the rollouts' gates run, every service, the
 * NetworkPolicies and, only when configured, an Ingress. index.ts calls it with the stack's configuration;
 * the tests call it under pulumi.runtime.setMocks.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { serviceSettings, type StackConfig } from './config.ts';
import { deployDataServices } from './data.ts';
import { networkPolicies } from './network.ts';
import { deployObservability, scrapeIntervalSeconds } from './observability.ts';
import { configMapName, httpPort, secretName } from './pod.ts';
import { analysisTemplateName, analysisTemplateSpec } from './rollout/argo.ts';
import { services, type ServiceSpec } from './services.ts';
import { volumeExpansion, type DataVolume } from './volume.ts';
import { deployStackDriverRbac } from './rbac.ts';
import { deployService, type RemediationTargets, type Scaling, type Workload } from './workload.ts';

export interface PlatformSecrets {
  readonly adminPassword: pulumi.Input<string>;
  /** An API token with the `ingest` role (`npm run token -- create --role ingest`): Alertmanager and the collector. */
  readonly ingestToken: pulumi.Input<string>;
  /** The alert pipeline's JSON configuration (ALERTS_CONFIG). */
  readonly alertsConfig: pulumi.Input<string>;
  /** The remediation service's login to the stack's backend (Pulumi Cloud); without it, it refuses to start. */
  readonly pulumiAccessToken?: pulumi.Input<string>;
}

export interface PlatformOutputs {
  readonly namespace: string;
  readonly workloads: Readonly<Record<string, Workload['kind']>>;
  readonly images: Readonly<Record<string, string>>;
  /** Per persistent service: its claim, size, maximum and whether it may grow (the Pulumi executor reads this). */
  readonly dataVolumes: Readonly<Record<string, DataVolume>>;
  /** Per service, the URNs a remediation updates (`pulumi up --target`), by what it changes. */
  readonly remediationTargets: Readonly<Record<string, RemediationTargets>>;
  /** Per scalable service, its autoscaler's bounds (the Pulumi executor raises maxReplicas within the limit). */
  readonly scaling: Readonly<Record<string, Scaling>>;
  /** Per service, the image tag it runs and the one a rollback returns to (when the deploy recorded one). */
  readonly imageTags: Readonly<Record<string, { readonly live: string; readonly previous?: string }>>;
}

export function deployPlatform(config: StackConfig, secrets: PlatformSecrets): PlatformOutputs {
  const ns = new k8s.core.v1.Namespace('namespace', {
    metadata: {
      name: config.namespace,
      labels: {
        'app.kubernetes.io/part-of': 'insitechart',
        environment: config.environment,
        // Pod Security Admission: the hardened profile, enforced.
        'pod-security.kubernetes.io/enforce': 'restricted',
      },
    },
  });
  const opts: pulumi.CustomResourceOptions = { dependsOn: [ns] };

  new k8s.core.v1.ConfigMap(
    'config',
    {
      metadata: { name: configMapName, namespace: config.namespace },
      data: {
        PUBLIC_URL: config.publicUrl,
        LOG_LEVEL: config.environment === 'prod' ? 'info' : 'debug',
        BUS_PARTITIONS: '8',
        PUBLIC_MARKET_DATA: 'true',
        // One scrape sees every stall of the interval before it (platform/telemetry/event-loop-delay.ts).
        EVENT_LOOP_WINDOW_MS: String(scrapeIntervalSeconds * 1_000),
        ...(config.ingress === undefined ? {} : { ALLOWED_HOSTS: config.ingress.host }),
      },
    },
    opts,
  );
  new k8s.core.v1.Secret(
    'secrets',
    {
      metadata: { name: secretName, namespace: config.namespace },
      type: 'Opaque',
      stringData: {
        ADMIN_PASSWORD: secrets.adminPassword,
        INGEST_TOKEN: secrets.ingestToken,
        'alerts.json': secrets.alertsConfig,
        ...(secrets.pulumiAccessToken === undefined ? {} : { PULUMI_ACCESS_TOKEN: secrets.pulumiAccessToken }),
      },
    },
    opts,
  );

  const data = deployDataServices(config, opts);
  const { prometheusUrl } = deployObservability({ config, ingestToken: secrets.ingestToken, opts });
  new k8s.apiextensions.CustomResource(
    'analysis',
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: analysisTemplateName, namespace: config.namespace },
      spec: analysisTemplateSpec({
        prometheusUrl,
        intervalSeconds: config.canary.analysisIntervalSeconds,
        count: config.canary.analysisCount,
        gates: config.canary.gates,
      }),
    },
    opts,
  );

  const workloads: Record<string, Workload['kind']> = {};
  const images: Record<string, string> = {};
  const dataVolumes: Record<string, DataVolume> = {};
  const remediationTargets: Record<string, RemediationTargets> = {};
  const scaling: Record<string, Scaling> = {};
  const imageTags: Record<string, { live: string; previous?: string }> = {};
  const expandable = volumeExpansion(config, opts);
  // Fully qualified: a short name would resolve in whatever organisation the token's owner defaults to.
  const stackName = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
  for (const spec of services) {
    const w = deployService(spec, {
      config,
      opts,
      kafkaBootstrap: data.kafkaBootstrap,
      elasticsearchHost: data.elasticsearchHost,
      prometheusUrl,
      otlpEndpoint: `http://otel-collector.${config.namespace}.svc:4318`,
      volumeExpansion: expandable,
      stackName,
    });
    workloads[spec.name] = w.kind;
    images[spec.name] = w.image;
    remediationTargets[spec.name] = w.targets;
    if (w.volume !== undefined) dataVolumes[spec.name] = w.volume;
    if (w.scaling !== undefined) scaling[spec.name] = w.scaling;
    if (spec.target !== undefined) {
      const { imageTag, previousImageTag } = serviceSettings(config, spec.name);
      imageTags[spec.name] = {
        live: imageTag,
        ...(previousImageTag === undefined ? {} : { previous: previousImageTag }),
      };
    }
    if (spec.drivesStack) deployStackDriverRbac(spec, config, opts);
  }

  for (const p of networkPolicies(config, services)) {
    new k8s.networking.v1.NetworkPolicy(
      `netpol-${p.name}`,
      { metadata: { name: p.name, namespace: config.namespace }, spec: p.spec },
      opts,
    );
  }
  if (config.ingress !== undefined) ingress(config, config.ingress, services, opts);
  return { namespace: config.namespace, workloads, images, dataVolumes, remediationTargets, scaling, imageTags };
}

/** Longest prefix first, so /api/alerts reaches alerts and the rest of /api market-data. */
function ingress(
  config: StackConfig,
  settings: NonNullable<StackConfig['ingress']>,
  specs: readonly ServiceSpec[],
  opts: pulumi.CustomResourceOptions,
): void {
  const paths = specs
    .flatMap((s) => s.routes.map((path) => ({ path, service: s.name })))
    .sort((a, b) => b.path.length - a.path.length)
    .map(({ path, service }) => ({
      path,
      pathType: 'Prefix',
      backend: { service: { name: service, port: { number: httpPort } } },
    }));
  new k8s.networking.v1.Ingress(
    'ingress',
    {
      metadata: { name: 'insitechart', namespace: config.namespace },
      spec: {
        ingressClassName: settings.className,
        ...(settings.tlsSecret === undefined
          ? {}
          : { tls: [{ hosts: [settings.host], secretName: settings.tlsSecret }] }),
        rules: [{ host: settings.host, http: { paths } }],
      },
    },
    opts,
  );
}
