/** A market-data pipeline: venues -> feed handlers -> normalisers -> ticker plants -> distribution -> apps. */
import { pick, type Instance, type Resource, type World } from './world.ts';

const stages = [
  ['app-charts', 'app-screener', 'app-alerts', 'app-risk'],
  ['dist-ws', 'dist-fix'],
  ['tp-equities', 'tp-options', 'tp-fx'],
  ['norm-a', 'norm-b', 'norm-c'],
  ['fh-xnys', 'fh-xnas', 'fh-xlon', 'fh-xtks'],
];

export function marketWorld(random: () => number): World {
  const servers = Array.from({ length: 10 }, (_, i) => `mdh${String(i + 1).padStart(2, '0')}.ny4`);
  const instances = new Map<string, Instance[]>();
  for (const s of stages.flat())
    instances.set(
      s,
      Array.from({ length: 2 + Math.floor(random() * 3) }, (_, i) => ({
        name: `${s}#${String(i)}`,
        machine: pick(random, servers),
      })),
    );
  // Each stage calls (consumes from) one or two components of the next stage towards the venues.
  const calls = new Map<string, string[]>();
  stages.forEach((stage, t) => {
    const next = stages[t + 1] ?? [];
    for (const s of stage)
      calls.set(
        s,
        next.length === 0 ? [] : [...new Set([pick(random, next), ...(random() < 0.5 ? [pick(random, next)] : [])])],
      );
  });
  const resources = new Map<Resource, Map<string, string[]>>([
    ['feed', new Map(['XNYS', 'XNAS', 'XLON', 'XTKS'].map((v) => [v, [`fh-${v.toLowerCase()}`]]))],
    ['database', new Map([['refdata-pg', ['norm-a', 'norm-b']]])],
    ['cache', new Map([['symbol-cache', ['tp-equities', 'tp-options']]])],
    ['broker', new Map(['solace-1', 'solace-2'].map((b) => [b, ['dist-ws', pick(random, stages[2] ?? [])]]))],
  ]);
  return {
    instances,
    calls,
    resources,
    machines: servers,
    context: { site: ['ny4'], desk: ['md-platform'] },
    vocabulary: {
      service: 'component',
      instance: 'process',
      machine: 'server',
      upstream: 'source',
      resource: { database: 'refdb', cache: 'cache', broker: 'bus_node', feed: 'venue' },
      version: 'build',
      severity: { label: 'priority', values: ['P1', 'P2', 'P3', 'P4'] },
      names: {
        resourceDown: {
          database: ['RefDataDBUnavailable'],
          cache: ['SymbolCacheDown'],
          broker: ['MessageBusNodeLost', 'BusFailover'],
          feed: ['VenueHeartbeatMissing', 'SequenceGapStorm'],
        },
        resourceClient: {
          database: ['RefDataLookupFailures'],
          cache: ['SymbolResolutionSlow'],
          broker: ['PublishBackpressure', 'SubscriberDisconnected'],
          feed: ['InstrumentsStale', 'BookRebuildFailing'],
        },
        machineDown: ['ServerUnreachable'],
        instanceDown: ['ProcessDead', 'HeartbeatTimeout'],
        badDeploy: ['DecodeErrors', 'ProcessDead', 'OutputRateDrop'],
        symptom: ['UpdateLatencyHigh', 'OutputRateDrop', 'ConflationHigh', 'StaleSymbols'],
        noise: ['NicErrors', 'ClockOffsetHigh', 'LicenseExpiring', 'DiskLatencyHigh', 'CoreDumpFound'],
      },
      version_of: (s, r) => `${s}-b${String(3000 + Math.floor(r() * 900))}`,
    },
  };
}
