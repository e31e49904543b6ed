/** A VM/host fleet: roles on hosts in two data centres, MySQL, memcached, RabbitMQ, vendor market feeds. */
import { pick, tieredCalls, type Instance, type Resource, type World } from './world.ts';

const tiers = [
  ['lb-frontend', 'www'],
  ['app-trading', 'app-research', 'app-backoffice', 'reporting'],
  ['svc-orders', 'svc-positions', 'svc-pricing', 'svc-users', 'svc-mail'],
  ['batch-eod', 'svc-refdata', 'svc-fx'],
];

export function fleetWorld(random: () => number): World {
  const hosts = Array.from({ length: 18 }, (_, i) => `${i % 2 === 0 ? 'fra' : 'ams'}-vm${String(100 + i * 3)}`);
  const instances = new Map<string, Instance[]>();
  for (const s of tiers.flat())
    instances.set(
      s,
      Array.from({ length: 2 + Math.floor(random() * 3) }, () => {
        const host = pick(random, hosts);
        return { name: `${host}.corp.example:${String(8000 + Math.floor(random() * 90))}`, machine: host };
      }),
    );
  const low = [...(tiers[2] ?? []), ...(tiers[3] ?? [])];
  const users = (n: number): string[] => [...new Set(Array.from({ length: n }, () => pick(random, low)))];
  const resources = new Map<Resource, Map<string, string[]>>([
    ['database', new Map(['mysql-trade-a', 'mysql-users', 'oracle-refdata'].map((d) => [d, users(2)]))],
    ['cache', new Map([['mc-pool-1', users(3)]])],
    ['broker', new Map(['rabbit@mq01', 'rabbit@mq02'].map((b) => [b, users(3)]))],
    ['feed', new Map(['refinitiv-elektron', 'bloomberg-bpipe'].map((f) => [f, ['svc-pricing', ...users(1)]]))],
  ]);
  return {
    instances,
    calls: tieredCalls(tiers, random),
    resources,
    machines: hosts,
    context: { dc: ['fra1', 'ams2'], env: ['production'], team: ['ops', 'trading-it'] },
    vocabulary: {
      service: 'job',
      instance: 'instance',
      machine: 'hostname',
      upstream: 'backend',
      resource: { database: 'db_cluster', cache: 'memcached', broker: 'rabbitmq_node', feed: 'vendor_feed' },
      version: 'release',
      severity: { label: 'severity', values: ['page', 'critical', 'warning', 'info'] },
      names: {
        resourceDown: {
          database: ['MySQLDown', 'MySQLReplicationBroken'],
          cache: ['MemcachedDown'],
          broker: ['RabbitMQNodeDown', 'RabbitMQPartition'],
          feed: ['VendorFeedSilent'],
        },
        resourceClient: {
          database: ['DBPoolExhausted', 'SlowQueries'],
          cache: ['CacheTimeouts'],
          broker: ['QueueBacklogGrowing', 'PublisherConfirmsSlow'],
          feed: ['PriceUpdatesStale'],
        },
        machineDown: ['HostDown', 'HostUnreachable'],
        instanceDown: ['ProcessDown', 'HealthcheckFailing'],
        badDeploy: ['ErrorLogSpike', 'ProcessRestarting', 'HealthcheckFailing'],
        symptom: ['ResponseTimeHigh', 'ErrorRatioHigh', 'ApdexLow'],
        noise: ['DiskUsageHigh', 'NTPDrift', 'LogrotateFailed', 'SwapUsageHigh', 'RaidDegraded', 'BackupLate'],
      },
      version_of: (s, r) => `${s}-2024.${String(1 + Math.floor(r() * 12))}.${String(Math.floor(r() * 30))}`,
    },
  };
}
