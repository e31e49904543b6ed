/**
 * A multi-tenant SaaS on VMs behind a service mesh: hub and spoke rather than tiers (most apps call a few
 * shared platform services and one another, cycles included), apps named by `app`, replicas by `container`
 * on `host`, shared Cassandra rings, memcache pools, NATS servers and partner data sources. The fourth
 * generator: never used to choose settings, only to check that they were not fitted to the other three.
 */
import { hex, pick, type Instance, type Resource, type World } from './world.ts';

const hubs = ['authz', 'config-svc', 'api-gw', 'search-svc'];
const apps = [
  'billing',
  'invoices',
  'tenants',
  'reports',
  'exports',
  'imports',
  'webhooks',
  'mailer',
  'scheduler',
  'audit-log',
  'files',
  'thumbnails',
  'comments',
  'notify',
  'sso',
  'usage',
];

export function saasWorld(random: () => number): World {
  const hosts = Array.from({ length: 16 }, (_, i) => `ip-10-4-${String(i)}-${String(10 + i * 3)}`);
  const instances = new Map<string, Instance[]>();
  for (const s of [...hubs, ...apps])
    instances.set(
      s,
      Array.from({ length: 2 + Math.floor(random() * 4) }, () => ({
        name: `${s}_${hex(random, 8)}`,
        machine: pick(random, hosts),
      })),
    );
  const calls = new Map<string, string[]>();
  for (const h of hubs)
    calls.set(
      h,
      random() < 0.5
        ? [
            pick(
              random,
              hubs.filter((x) => x !== h),
            ),
          ]
        : [],
    );
  for (const a of apps) {
    const peers = apps.filter((x) => x !== a);
    const callees = [pick(random, hubs), ...(random() < 0.6 ? [pick(random, peers)] : [])];
    if (random() < 0.3) callees.push(pick(random, peers));
    calls.set(a, [...new Set(callees)]);
  }
  const users = (n: number): string[] => [...new Set(Array.from({ length: n }, () => pick(random, apps)))];
  const resources = new Map<Resource, Map<string, string[]>>([
    ['database', new Map(['ring-a', 'ring-b', 'ring-c'].map((r) => [`cass-${r}`, users(5)]))],
    ['cache', new Map([['mc-pool-1', [...users(4), 'api-gw']]])],
    ['broker', new Map([['nats-0', users(6)]])],
    ['feed', new Map(['partner-crm', 'partner-erp'].map((f) => [f, users(2)]))],
  ]);
  return {
    instances,
    calls,
    resources,
    machines: hosts,
    context: { region: ['us-east-2'], tenant_tier: ['shared', 'dedicated'], mesh: ['linkerd'] },
    vocabulary: {
      service: 'app',
      instance: 'container',
      machine: 'host',
      upstream: 'peer',
      resource: { database: 'keyspace_cluster', cache: 'memcache_pool', broker: 'nats_server', feed: 'source_system' },
      version: 'image_tag',
      severity: { label: 'sev', values: ['1', '2', '3', '4'] },
      names: {
        resourceDown: {
          database: ['CassandraNodeDown', 'RingUnavailable'],
          cache: ['MemcachePoolDown'],
          broker: ['NatsServerDown'],
          feed: ['PartnerSyncFailing', 'PartnerApiUnreachable'],
        },
        resourceClient: {
          database: ['ReadTimeouts', 'WriteUnavailable'],
          cache: ['CacheMissStorm'],
          broker: ['MessageRedeliveries', 'ConsumerStalled'],
          feed: ['ImportLagHigh', 'RecordsRejected'],
        },
        machineDown: ['HostNotReporting', 'InstanceStatusCheckFailed'],
        instanceDown: ['ContainerRestarting', 'ContainerOOM'],
        badDeploy: ['Mesh5xxRate', 'SuccessRateDrop', 'ContainerRestarting'],
        symptom: ['MeshLatencyP99High', 'SuccessRateDrop', 'RequestQueueing'],
        noise: ['NtpDrift', 'CertRotationDue', 'EbsBurstBalanceLow', 'LogShipperBacklog', 'InodeUsageHigh'],
      },
      version_of: (s, r) => `${s}:v${String(1 + Math.floor(r() * 9))}.${String(Math.floor(r() * 40))}`,
    },
  };
}
