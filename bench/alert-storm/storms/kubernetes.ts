/** Kubernetes microservices: tiered services, pods on nodes, Postgres/Redis/Kafka and market feeds. */
import { hex, pick, tieredCalls, type Instance, type Resource, type World } from './world.ts';

const tiers = [
  ['web', 'mobile-bff', 'public-api', 'partner-api', 'admin-ui'],
  ['checkout', 'portfolio', 'charts', 'watchlists', 'search', 'alerts-svc', 'screener', 'reports', 'onboarding'],
  ['orders', 'pricing', 'quotes', 'accounts', 'risk', 'sentiment', 'news', 'notifications', 'billing', 'kyc'],
  ['ledger', 'instruments', 'market-stream', 'auth', 'fx-rates', 'history', 'corporate-actions', 'email-gw'],
];

export function kubernetesWorld(random: () => number): World {
  const nodes = Array.from(
    { length: 14 },
    (_, i) => `ip-10-0-${String(1 + (i % 3))}-${String(20 + i * 7)}.ec2.internal`,
  );
  const instances = new Map<string, Instance[]>();
  for (const s of tiers.flat()) {
    const rs = hex(random, 10);
    instances.set(
      s,
      Array.from({ length: 2 + Math.floor(random() * 4) }, () => ({
        name: `${s}-${rs}-${hex(random, 5)}`,
        machine: pick(random, nodes),
      })),
    );
  }
  const low = [...(tiers[2] ?? []), ...(tiers[3] ?? [])];
  const users = (n: number): string[] => [...new Set(Array.from({ length: n }, () => pick(random, low)))];
  const resources = new Map<Resource, Map<string, string[]>>([
    ['database', new Map(['pg-orders', 'pg-accounts', 'pg-ledger', 'timescale-history'].map((d) => [d, users(2)]))],
    ['cache', new Map(['redis-sessions', 'redis-quotes'].map((c) => [c, users(3)]))],
    ['broker', new Map(['kafka-0', 'kafka-1', 'kafka-2'].map((b) => [b, users(3)]))],
    ['feed', new Map(['nasdaq-itch', 'nyse-pillar', 'lse-mitch'].map((f) => [f, ['market-stream', ...users(1)]]))],
  ]);
  return {
    instances,
    calls: tieredCalls(tiers, random),
    resources,
    machines: nodes,
    context: { cluster: ['prod-eu-west-1'], namespace: ['shop', 'markets', 'platform', 'users'], prometheus: ['k8s'] },
    vocabulary: {
      service: 'service',
      instance: 'pod',
      machine: 'node',
      upstream: 'destination_service',
      resource: { database: 'db_instance', cache: 'redis_instance', broker: 'broker', feed: 'feed' },
      version: 'version',
      severity: { label: 'severity', values: ['critical', 'error', 'warning', 'info'] },
      names: {
        resourceDown: {
          database: ['PostgresDown', 'PostgresReplicationLagHigh'],
          cache: ['RedisDown', 'RedisMasterLinkDown'],
          broker: ['KafkaBrokerOffline', 'KafkaUnderReplicatedPartitions'],
          feed: ['MarketFeedStalled', 'FeedGapDetected'],
        },
        resourceClient: {
          database: ['DatabaseConnectionErrors', 'SqlQueryTimeouts'],
          cache: ['CacheConnectionErrors', 'CacheLatencyHigh'],
          broker: ['KafkaConsumerLagHigh', 'KafkaProduceErrors'],
          feed: ['QuotesStale', 'TicksMissing'],
        },
        machineDown: ['KubeNodeNotReady', 'KubeNodeUnreachable'],
        instanceDown: ['KubePodNotReady', 'TargetDown', 'KubePodCrashLooping'],
        badDeploy: ['KubePodCrashLooping', 'HighErrorRate', 'KubeDeploymentReplicasMismatch'],
        symptom: ['HighErrorRate', 'HighLatencyP99', 'HTTP5xxRatioHigh', 'RequestTimeouts', 'SLOBurnRateHigh'],
        noise: ['CertificateExpiringSoon', 'PVCAlmostFull', 'CronJobFailed', 'ContainerOOMKilled', 'CPUThrottlingHigh'],
      },
      version_of: (s, r) => `${s}:v1.${String(Math.floor(r() * 40))}.${String(Math.floor(r() * 10))}`,
    },
  };
}
