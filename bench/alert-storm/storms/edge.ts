/**
 * A CDN edge network: a request path (geo load balancer -> TLS -> WAF -> cache -> transforms -> origin
 * shield) and a control plane, allocations (`alloc`, `edge-cache[2]`) on servers grouped in PoPs (`pop`, a
 * failure domain a zone outage takes out whole), consul, a Ceph object store, a log stream and customer
 * origins. The fifth generator, written after the settings were chosen and never used to choose them: its
 * vocabulary, topology and cause mix (zone outages, more origins, more one-offs) are new to the correlator.
 */
import { pick, type Instance, type Resource, type World } from './world.ts';

const services = [
  'geo-lb',
  'tls-term',
  'waf',
  'bot-detect',
  'rate-limit',
  'edge-cache',
  'image-opt',
  'video-pack',
  'edge-functions',
  'origin-shield',
  'token-auth',
  'dns-auth',
  'purge-api',
  'config-push',
  'log-ship',
  'stats-agg',
];

/** The request path and the control plane; the dashed edges exist in some worlds only. */
const fixed: readonly (readonly [string, string])[] = [
  ['geo-lb', 'tls-term'],
  ['tls-term', 'waf'],
  ['waf', 'edge-cache'],
  ['edge-cache', 'origin-shield'],
  ['image-opt', 'origin-shield'],
  ['video-pack', 'origin-shield'],
  ['purge-api', 'config-push'],
  ['log-ship', 'stats-agg'],
];
const optional: readonly (readonly [string, string])[] = [
  ['waf', 'bot-detect'],
  ['waf', 'rate-limit'],
  ['edge-cache', 'image-opt'],
  ['edge-cache', 'video-pack'],
  ['edge-cache', 'edge-functions'],
  ['edge-functions', 'token-auth'],
  ['edge-cache', 'log-ship'],
  ['config-push', 'dns-auth'],
  ['geo-lb', 'dns-auth'],
  ['bot-detect', 'token-auth'],
];

export function edgeWorld(random: () => number): World {
  const pops = ['fra03', 'ams01', 'lhr02', 'iad05', 'sjc01', 'nrt02'];
  const zones = new Map(
    pops.map((p) => [p, Array.from({ length: 4 }, (_, i) => `${p}-s${String(i + 1).padStart(2, '0')}`)]),
  );
  const servers = [...zones.values()].flat();
  const instances = new Map<string, Instance[]>();
  for (const s of services)
    instances.set(
      s,
      Array.from({ length: 3 + Math.floor(random() * 4) }, (_, i) => ({
        name: `${s}[${String(i)}]`,
        machine: pick(random, servers),
      })),
    );
  const calls = new Map<string, string[]>(services.map((s) => [s, []]));
  for (const [a, b] of [...fixed, ...optional.filter(() => random() < 0.6)]) calls.get(a)?.push(b);
  const some = (n: number): string[] => [...new Set(Array.from({ length: n }, () => pick(random, services)))];
  const resources = new Map<Resource, Map<string, string[]>>([
    ['database', new Map([['consul-' + pick(random, ['a', 'b']), ['config-push', 'token-auth', ...some(1)]]])],
    [
      'cache',
      new Map([
        ['ceph-hot', ['edge-cache', 'video-pack', ...some(1)]],
        ['ceph-cold', ['image-opt', ...some(1)]],
      ]),
    ],
    ['broker', new Map([['kafka-logs', ['log-ship', 'stats-agg']]])],
    [
      'feed',
      new Map(['origin-acme', 'origin-globex', 'origin-initech'].map((o) => [o, ['origin-shield', ...some(1)]])),
    ],
  ]);
  return {
    instances,
    calls,
    resources,
    machines: servers,
    zones,
    context: { provider: ['edge'], ring: ['main', 'canary'], owner: ['netops', 'cdn-core', 'delivery'] },
    vocabulary: {
      service: 'workload',
      instance: 'alloc',
      machine: 'server',
      zone: 'pop',
      upstream: 'next_hop',
      resource: { database: 'kv_cluster', cache: 'object_pool', broker: 'stream', feed: 'origin' },
      version: 'config_rev',
      severity: { label: 'urgency', values: ['page', 'high', 'low', 'ticket'] },
      names: {
        resourceDown: {
          database: ['ConsulLeaderLost'],
          cache: ['CephOsdDown', 'CephPgDegraded'],
          broker: ['KafkaIsrShrink'],
          feed: ['OriginUnreachable', 'OriginTlsHandshakeFail'],
        },
        resourceClient: {
          database: ['KvReadErrors'],
          cache: ['ObjectFetchSlow', 'ObjectFetchErrors'],
          broker: ['LogShipBacklog'],
          feed: ['OriginFetch5xx', 'OriginTimeouts'],
        },
        machineDown: ['ServerUnreachable', 'BmcPowerOff'],
        zoneDown: ['PopPowerLoss', 'PopUplinkDown'],
        instanceDown: ['AllocLost', 'AllocUnhealthy'],
        badDeploy: ['ConfigRejected', 'ErrorsAfterRollout', 'AllocUnhealthy'],
        symptom: ['TtfbHigh', 'ErrorBudgetBurn', 'CacheHitRatioDrop', 'RequestsShed'],
        noise: ['CertRenewalPending', 'FanSpeedHigh', 'BgpSessionFlap', 'DiskSmartWarning', 'ConntrackTableHigh'],
      },
      version_of: (s, r) => `${s}@r${String(8000 + Math.floor(r() * 2000))}`,
    },
  };
}
