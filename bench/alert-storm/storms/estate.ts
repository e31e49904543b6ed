/**
 * A corporate IT estate on two sites (Windows and Linux servers, line-of-business applications, SQL Server
 * and Oracle, an IBM MQ queue manager, partner file feeds) watched by five monitoring systems that each name
 * a machine their own way: SCOM by its upper-case FQDN (`LONAPP07.CORP.EXAMPLE.LOCAL`, `principal_name`),
 * Icinga by its short name (`host_name`), SNMP traps by the agent's address (`agent_address`), Prometheus
 * exporters by `address:port` (`instance`) and the APM agent by the OS hostname (`host_hostname`), each with
 * its own label for the application too (`monitoring_object`, `service_description`, `job`, `service_name`).
 * Its services report `host.name` (the short hostname) and `host.ip` in their traces, as an OpenTelemetry
 * resource detector does. The eighth generator (sixth round): written before any correlator ran on it and
 * never used to choose anything; it shares the cause model (`causes.ts`) of the first six.
 */
import { pick, tieredCalls, type Instance, type Resource, type World } from './world.ts';

const tiers = [
  ['intranet-portal', 'crm-web', 'self-service'],
  ['crm-api', 'billing', 'hr-api', 'sso', 'reporting'],
  ['erp-core', 'payroll', 'search', 'doc-store', 'mail-relay'],
  ['erp-batch', 'print-svc', 'file-sync'],
];

/** Where an alert comes from, by its name: each source names the application and the machine its own way. */
type Source = 'scom' | 'icinga' | 'snmp' | 'prometheus' | 'apm';

const sources: Readonly<Record<Source, readonly string[]>> = {
  scom: ['Health Service Heartbeat Failure', 'Windows Service Stopped', 'Logical Disk Free Space Is Low'],
  icinga: ['HOST DOWN', 'PROCS CRITICAL', 'HTTP CRITICAL', 'DISK WARNING', 'NTP OFFSET'],
  snmp: ['linkDown', 'coldStart'],
  prometheus: [
    'TargetDown',
    'MSSQLDown',
    'OracleDown',
    'RedisDown',
    'MQQueueManagerDown',
    'SftpFeedSilent',
    'SqlDeadlocks',
    'RedisTimeouts',
    'MQQueueDepthHigh',
    'FeedFilesLate',
    'HighLatency',
    'WindowsUpdatePending',
    'CertificateExpiring',
  ],
  apm: ['TransactionErrorRate', 'DbCallFailures', 'ApdexDegraded', 'ExceptionSpike', 'DeploymentErrors'],
};
const sourceOf = new Map(Object.entries(sources).flatMap(([s, names]) => names.map((n) => [n, s as Source])));

/** Placeholder labels the shared cause model fills in; `render` turns them into a source's own labels. */
const svc = 'x_service';
const inst = 'x_instance';
const host = 'x_host';
const domain = 'corp.example.local';

export function estateWorld(random: () => number): World {
  const sites = ['lon', 'nyc'];
  const roles = ['app', 'web', 'svc', 'bat'];
  const machines: string[] = [];
  const addresses = new Map<string, string>();
  sites.forEach((site, s) => {
    for (let i = 0; i < 9; i++) {
      const name = `${site}${pick(random, roles)}${String(i + 1).padStart(2, '0')}`;
      if (addresses.has(name)) continue;
      machines.push(name);
      addresses.set(name, `10.${String(20 + s)}.${String(1 + Math.floor(i / 4))}.${String(11 + i * 7)}`);
    }
  });
  const instances = new Map<string, Instance[]>();
  for (const service of tiers.flat())
    instances.set(
      service,
      [...new Set(Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(random, machines)))].map((m) => ({
        name: `${addresses.get(m) ?? m}:${String(8080 + Math.floor(random() * 20))}`,
        machine: m,
      })),
    );
  const low = [...(tiers[2] ?? []), ...(tiers[3] ?? [])];
  const users = (n: number): string[] => [...new Set(Array.from({ length: n }, () => pick(random, low)))];
  const resources = new Map<Resource, Map<string, string[]>>([
    ['database', new Map(['sqlprod01-erp', 'sqlprod02-crm', 'orapay'].map((d) => [d, users(2)]))],
    ['cache', new Map([['redis-sess', ['sso', ...users(1)]]])],
    ['broker', new Map([['qm1', users(3)]])],
    ['feed', new Map(['adp-sftp', 'bank-swift'].map((f) => [f, ['payroll', ...users(1)]]))],
  ]);
  return {
    instances,
    calls: tieredCalls(tiers, random),
    resources,
    machines,
    addresses,
    context: { site: sites, managed_by: ['it-ops'] },
    vocabulary: {
      service: svc,
      instance: inst,
      machine: host,
      upstream: 'dependency',
      resource: { database: 'database', cache: 'cache', broker: 'queue_manager', feed: 'partner_feed' },
      version: 'app_version',
      severity: { label: 'severity', values: ['critical', 'error', 'warning', 'information'] },
      names: {
        resourceDown: {
          database: ['MSSQLDown', 'OracleDown'],
          cache: ['RedisDown'],
          broker: ['MQQueueManagerDown'],
          feed: ['SftpFeedSilent'],
        },
        resourceClient: {
          database: ['SqlDeadlocks', 'DbCallFailures'],
          cache: ['RedisTimeouts'],
          broker: ['MQQueueDepthHigh'],
          feed: ['FeedFilesLate'],
        },
        machineDown: ['Health Service Heartbeat Failure', 'HOST DOWN', 'linkDown', 'coldStart', 'TargetDown'],
        instanceDown: ['Windows Service Stopped', 'PROCS CRITICAL', 'HTTP CRITICAL', 'TargetDown'],
        badDeploy: ['DeploymentErrors', 'ExceptionSpike', 'TransactionErrorRate'],
        symptom: ['TransactionErrorRate', 'ApdexDegraded', 'HighLatency', 'HTTP CRITICAL'],
        noise: [
          'Logical Disk Free Space Is Low',
          'DISK WARNING',
          'NTP OFFSET',
          'WindowsUpdatePending',
          'CertificateExpiring',
        ],
      },
      version_of: (s, r) =>
        `${s} ${String(3 + Math.floor(r() * 3))}.${String(Math.floor(r() * 10))}.${String(Math.floor(r() * 400))}`,
    },
  };
}

/**
 * The labels a source sends for an alert the cause model described with placeholders: the application
 * and machine (and instance) under that source's names, in its own form. Deterministic for a world.
 */
export function renderEstate(world: World, labels: Record<string, string>): Record<string, string> {
  const source = sourceOf.get(labels.alertname ?? '') ?? 'prometheus';
  const { [svc]: service, [inst]: instance, [host]: machine, ...rest } = labels;
  const address = machine === undefined ? undefined : world.addresses?.get(machine);
  const out: Record<string, string> = { ...rest, source };
  const set = (label: string, value: string | undefined): void => {
    if (value !== undefined) out[label] = value;
  };
  if (source === 'scom') {
    set('principal_name', machine === undefined ? undefined : `${machine}.${domain}`.toUpperCase());
    set('monitoring_object', service);
  } else if (source === 'icinga') {
    set('host_name', machine);
    set('service_description', service === undefined ? undefined : `${service} health`);
  } else if (source === 'snmp') {
    set('agent_address', address ?? machine);
  } else if (source === 'prometheus') {
    set('job', service);
    set('instance', instance ?? (address === undefined ? machine : `${address}:9182`));
  } else {
    set('service_name', service);
    set('host_hostname', machine);
  }
  return out;
}
