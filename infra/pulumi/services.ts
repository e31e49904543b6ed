/**
 * The services the stack deploys, derived from the distributed entrypoints (README "Distributed mode") and the
 * Dockerfile's targets. Pure data: the workload, network and scaling modules read it; tests check it against
 * the Dockerfile so a new entrypoint cannot be forgotten here.
 */

/** A Kafka consumer group a service runs (the group names its code subscribes with). */
export interface ConsumerGroup {
  readonly group: string;
  readonly topic: string;
}

/**
 * How many copies may run. `single`: exactly one, because a second copy would be wrong (duplicate ticks or
 * pages, or the consumer group would split the partitions a copy needs whole); `scalable`: stateless or keyed
 * per partition, so copies share the load and progressive delivery (canary, blue-green) applies.
 */
export type Instances = 'single' | 'scalable';

export interface ServiceSpec {
  readonly name: string;
  /** Dockerfile target (image name suffix); undefined for an upstream image. */
  readonly target?: string;
  /** The entrypoint the image runs (documentation and the Dockerfile check). */
  readonly entrypoint?: string;
  readonly instances: Instances;
  /** Why `single` (shown in the README and kept next to the decision). */
  readonly why?: string;
  /** Needs Kafka (distributed entrypoints stop without KAFKA_BROKERS). */
  readonly kafka: boolean;
  readonly consumes: readonly ConsumerGroup[];
  /** Keeps SQLite files that must survive a restart: a PersistentVolumeClaim at DATA_DIR. */
  readonly persistent: boolean;
  /** HTTP path prefixes an Ingress (when configured) routes to it. */
  readonly routes: readonly string[];
  /** Reaches addresses outside the cluster (notification channels, market feeds). */
  readonly internetEgress: boolean;
  /** Reads Prometheus' HTTP API (the detector tier's `prometheus` source, remediation's verification). */
  readonly readsPrometheus: boolean;
  /** Changes the stack through the Kubernetes API (`pulumi up`): its own ServiceAccount and RBAC (rbac.ts). */
  readonly drivesStack: boolean;
  readonly resources: { readonly cpu: string; readonly memory: string; readonly cpuLimit: string };
}

const small = { cpu: '100m', memory: '256Mi', cpuLimit: '500m' } as const;
const medium = { cpu: '250m', memory: '512Mi', cpuLimit: '1' } as const;
const large = { cpu: '500m', memory: '1Gi', cpuLimit: '2' } as const;

const base = {
  kafka: true,
  consumes: [],
  persistent: false,
  routes: [],
  internetEgress: false,
  readsPrometheus: false,
  drivesStack: false,
} as const;

export const services: readonly ServiceSpec[] = [
  {
    ...base,
    name: 'market-feed',
    target: 'market-feed',
    entrypoint: 'collectors/market/main.ts',
    instances: 'single',
    why: 'one feed publisher: a second copy would publish every tick twice',
    internetEgress: true,
    resources: small,
  },
  {
    ...base,
    name: 'market-data',
    target: 'market-data',
    entrypoint: 'platform/market-data/main.ts',
    instances: 'single',
    why: 'its one consumer group would split market.ticks between copies, and each WebSocket client needs every symbol',
    consumes: [
      { group: 'market-data', topic: 'market.ticks' },
      { group: 'market-data-history', topic: 'market.history' },
    ],
    persistent: true,
    routes: ['/ws', '/api'],
    resources: large,
  },
  {
    ...base,
    name: 'analytics',
    target: 'analytics',
    entrypoint: 'platform/analytics/main.ts',
    instances: 'single',
    why: 'correlation needs every symbol: copies in one group would each see a share of market.bars',
    consumes: [
      { group: 'analytics', topic: 'market.bars' },
      { group: 'analytics-sentiment', topic: 'sentiment.scores' },
      { group: 'analytics-history', topic: 'market.history' },
    ],
    routes: ['/api/analytics'],
    resources: large,
  },
  {
    ...base,
    name: 'sentiment',
    target: 'sentiment',
    entrypoint: 'platform/sentiment/main.ts',
    instances: 'scalable',
    consumes: [{ group: 'sentiment-symbols', topic: 'market.bars' }],
    routes: ['/api/sentiment'],
    resources: small,
  },
  {
    ...base,
    name: 'alerts',
    target: 'alerts',
    entrypoint: 'platform/alerts/main.ts',
    instances: 'single',
    why: 'the pipeline state (open incidents, group timers) lives in one process, restored from its SQLite store',
    consumes: [
      { group: 'alerts-pipeline', topic: 'alerts.ops' },
      { group: 'alerts-detections', topic: 'detections' },
      { group: 'alerts-remediations', topic: 'remediations' },
      { group: 'price-alerts-ticks', topic: 'market.ticks' },
      { group: 'price-alerts-bars', topic: 'market.bars' },
      { group: 'price-alerts-notify', topic: 'alerts.user' },
    ],
    persistent: true,
    routes: ['/api/alerts', '/api/incidents'],
    internetEgress: true,
    resources: medium,
  },
  {
    ...base,
    name: 'web',
    target: 'web',
    entrypoint: 'platform/web/main.ts',
    instances: 'scalable',
    kafka: false,
    routes: ['/'],
    resources: small,
  },
  {
    ...base,
    name: 'detectors',
    target: 'detectors',
    entrypoint: 'detectors/main.ts',
    instances: 'single',
    why: 'each series has one detector: a second copy would publish every detection twice',
    routes: ['/api/detectors'],
    readsPrometheus: true,
    resources: large,
  },
  {
    ...base,
    name: 'portfolio',
    target: 'portfolio',
    entrypoint: 'platform/portfolio/main.ts',
    instances: 'single',
    why: 'its price groups would split market.ticks between copies, and a valuation needs every held symbol',
    consumes: [
      { group: 'portfolio-ticks', topic: 'market.ticks' },
      { group: 'portfolio-bars', topic: 'market.bars' },
      { group: 'portfolio-history', topic: 'market.history' },
    ],
    persistent: true,
    routes: ['/api/portfolio', '/api/watchlist'],
    resources: small,
  },
  {
    ...base,
    name: 'remediation',
    target: 'remediation',
    entrypoint: 'detectors/remediation/main.ts',
    instances: 'single',
    why: 'cooldowns, hourly budgets and approvals live in one engine: a second copy would act twice on each signal',
    consumes: [
      { group: 'remediation-detections', topic: 'detections' },
      { group: 'remediation-alerts', topic: 'alerts.ops' },
    ],
    // Pending approvals (remediation.db) and the people who give them (the identity store) survive a restart.
    persistent: true,
    routes: ['/api/remediations'],
    // Pulumi Cloud (the stack's state) and the Kubernetes API (rbac.ts, network.ts).
    internetEgress: true,
    readsPrometheus: true,
    drivesStack: true,
    // `pulumi up` runs the whole program (Node and @pulumi/kubernetes) beside the engine.
    resources: { cpu: '500m', memory: '1536Mi', cpuLimit: '2' },
  },
  {
    ...base,
    name: 'otel-collector',
    instances: 'scalable',
    kafka: false,
    resources: small,
  },
];

/** Groups every platform process subscribes with (the identity layer's audit trail, platform/runtime). */
export const everyProcess: readonly ConsumerGroup[] = [{ group: 'identity-audit-trail', topic: 'audit' }];

/** The services built from this repository's Dockerfile (the OpenTelemetry Collector is upstream's image). */
export const platformServices = services.filter((s) => s.target !== undefined);

export function serviceNamed(name: string): ServiceSpec | undefined {
  return services.find((s) => s.name === name);
}
