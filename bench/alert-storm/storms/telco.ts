/**
 * A mobile core network (5G service-based architecture and IMS) on three sites: network functions named by
 * `nf`, their instances `nf_instance` (`smf-fra-2`) on `compute_host`s, sites as failure domains (`site`),
 * X.733-style severities, a registry every function calls (the NRF), long signalling chains (AMF -> SMF ->
 * PCF -> UDR) and datastores, session stores, an event bus and roaming interconnects as shared resources.
 * The sixth generator: written to check the settings on a topology and vocabulary no decision was made on;
 * never used to choose anything.
 */
import { pick, type Instance, type Resource, type World } from './world.ts';

const calls: Readonly<Record<string, readonly string[]>> = {
  amf: ['ausf', 'udm', 'smf', 'nssf', 'pcf', 'nrf'],
  ausf: ['udm', 'nrf'],
  udm: ['udr', 'nrf'],
  smf: ['upf', 'pcf', 'udm', 'chf', 'nrf'],
  pcf: ['udr', 'bsf', 'nrf'],
  nef: ['udr', 'pcf', 'nrf'],
  bsf: ['nrf'],
  chf: ['nrf'],
  nssf: ['nrf'],
  upf: [],
  udr: [],
  nrf: [],
  sepp: ['nrf', 'ausf'],
  'sms-f': ['udm', 'amf'],
  pcscf: ['scscf', 'pcf'],
  icscf: ['hss', 'scscf'],
  scscf: ['hss', 'tas'],
  tas: ['udr', 'chf'],
  hss: [],
  nwdaf: ['nrf', 'amf', 'smf'],
};

export function telcoWorld(random: () => number): World {
  const sites = ['fra', 'ber', 'muc'];
  const zones = new Map(
    sites.map((s) => [s, Array.from({ length: 5 }, (_, i) => `cmp-${s}-${String(i + 1).padStart(2, '0')}`)]),
  );
  const nfs = Object.keys(calls);
  const instances = new Map<string, Instance[]>();
  for (const nf of nfs) {
    const list: Instance[] = [];
    for (const site of sites)
      for (let i = 0; i < 1 + Math.floor(random() * 2); i++)
        list.push({ name: `${nf}-${site}-${String(list.length + 1)}`, machine: pick(random, zones.get(site) ?? []) });
    instances.set(nf, list);
  }
  const some = (from: readonly string[], n: number): string[] => [
    ...new Set(Array.from({ length: n }, () => pick(random, from))),
  ];
  const resources = new Map<Resource, Map<string, string[]>>([
    [
      'database',
      new Map([
        ['cassandra-subscriber', ['udr', ...some(['udm', 'hss'], 1)]],
        ['cassandra-cdr', ['chf', ...some(['tas', 'nwdaf'], 1)]],
        ['mariadb-ims', ['hss', 'scscf']],
      ]),
    ],
    [
      'cache',
      new Map([
        ['redis-sessions-a', ['smf', 'pcf', 'bsf']],
        ['redis-sessions-b', some(nfs, 3)],
      ]),
    ],
    ['broker', new Map([['event-bus', ['nwdaf', 'nef', 'chf']]])],
    [
      'feed',
      new Map([
        ['ipx-carrier-1', ['sepp', 'amf']],
        ['ipx-carrier-2', ['sepp', 'icscf']],
      ]),
    ],
  ]);
  return {
    instances,
    calls: new Map(Object.entries(calls).map(([k, v]) => [k, [...v]])),
    resources,
    machines: [...zones.values()].flat(),
    zones,
    context: { plmn: ['26201'], env: ['prod'], scraper: ['vmagent-a', 'vmagent-b'] },
    vocabulary: {
      service: 'nf',
      instance: 'nf_instance',
      machine: 'compute_host',
      zone: 'site',
      upstream: 'peer_nf',
      resource: { database: 'datastore', cache: 'session_store', broker: 'bus', feed: 'interconnect' },
      version: 'sw_release',
      severity: { label: 'perceived_severity', values: ['critical', 'major', 'minor', 'warning'] },
      names: {
        resourceDown: {
          database: ['DatastoreNodeDown', 'DatastoreQuorumLost'],
          cache: ['SessionStoreDown', 'SessionStoreFailover'],
          broker: ['BusBrokerDown'],
          feed: ['InterconnectLinkDown', 'RoamingPeerUnreachable'],
        },
        resourceClient: {
          database: ['DatastoreQueryFailures', 'DatastoreLatencyHigh'],
          cache: ['SessionLookupFailures'],
          broker: ['EventPublishFailures', 'ConsumerBacklogHigh'],
          feed: ['RoamingSignallingFailures', 'DiameterPeerTimeouts'],
        },
        machineDown: ['ComputeHostDown', 'HypervisorUnreachable'],
        zoneDown: ['SitePowerFailure', 'SiteTransportDown'],
        instanceDown: ['NfInstanceDown', 'NfHeartbeatLost', 'NfDeregistered'],
        badDeploy: ['NfRestartLoop', 'SbiErrorRateHigh', 'UpgradeHealthCheckFailed'],
        symptom: ['SbiErrorRateHigh', 'SbiLatencyHigh', 'RegistrationFailureRate', 'SessionSetupFailures'],
        noise: ['LicenseExpiring', 'LogPartitionFull', 'NtpDrift', 'CertificateRenewalFailed', 'BackupJobFailed'],
      },
      version_of: (s, r) => `${s}/23.${String(1 + Math.floor(r() * 4))}.${String(Math.floor(r() * 20))}`,
    },
  };
}
