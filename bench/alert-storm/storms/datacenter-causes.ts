/**
 * What goes wrong in the data centre (the seventh generator's cause model, shared with no other generator):
 * a top-of-rack switch (single-homed racks lose every host, dual-homed ones only a bond member), a spine
 * optic degrading (errors and flaps, scattered latency), a PDU feed (single-supply hosts drop), a hypervisor
 * crash (HA restarts its VMs), a storage pool's latency, a DNS resolver, a Patroni failover, a bad
 * load-balancer config push, an expired internal certificate, a Kafka broker's disk filling up, a bad
 * release and a noisy neighbour. Impact spreads to the applications on what failed and, less often, to
 * their callers; many alerts name only their own subject.
 */
import { appCallers, vmsOf, type Datacenter, type DcVm } from './datacenter.ts';
import type { Emission, Sources } from './datacenter-sources.ts';
import { pick } from './world.ts';

/** What the services' traces show while a cause lasts (datacenter-traces.ts). */
export type DcFault =
  | { readonly kind: 'unreachable'; readonly vms: ReadonlySet<string>; readonly share: number }
  | { readonly kind: 'database'; readonly cluster: string; readonly share: number }
  | { readonly kind: 'resolve'; readonly share: number }
  | { readonly kind: 'release'; readonly app: string; readonly version: string }
  | { readonly kind: 'callee'; readonly app: string }
  | { readonly kind: 'broker'; readonly broker: string };

export interface DcCause {
  readonly emissions: Emission[];
  readonly faults: DcFault[];
  readonly durationMs: number;
}

export const causeKinds = {
  tor: 2,
  optic: 1,
  pdu: 1,
  hypervisor: 2,
  storage: 1.5,
  dns: 1,
  failover: 2,
  balancer: 1,
  certificate: 1,
  kafka: 1,
  release: 3,
  neighbour: 1,
} as const;
export type DcCauseKind = keyof typeof causeKinds;

interface Ctx {
  readonly dc: Datacenter;
  readonly src: Sources;
  readonly random: () => number;
}

const minutes = (ctx: Ctx, lo: number, hi: number): number => (lo + ctx.random() * (hi - lo)) * 60_000;
const emit = (source: Emission['source'], labels: Record<string, string>, reachMs: number): Emission => ({
  source,
  labels,
  reachMs,
  clears: true,
});

export function dcCause(dc: Datacenter, src: Sources, kind: DcCauseKind, random: () => number): DcCause {
  const ctx: Ctx = { dc, src, random };
  return builders[kind](ctx);
}

const builders: Readonly<Record<DcCauseKind, (ctx: Ctx) => DcCause>> = {
  tor: (ctx) => {
    const rack = pick(ctx.random, ctx.dc.racks);
    const hosts = ctx.dc.hosts.filter((h) => h.rack === rack);
    const side = pick(ctx.random, ['a', 'b']);
    const leaf = `leaf-${rack}-${side}`;
    const out = [emit('librenms', ctx.src.librenms('Devices up/down', leaf, {}, 'critical'), 0)];
    for (const spine of ctx.dc.spines)
      out.push(emit('trap', ctx.src.librenms('Port status up/down', spine, portTo(ctx, leaf), 'critical'), 0));
    if (hosts[0]?.redundant === true) {
      for (const h of hosts)
        if (ctx.random() < 0.8)
          out.push(
            emit(
              'zabbix',
              ctx.src.zabbix(
                `Linux: Interface eth${side === 'a' ? '0' : '1'}: Link down`,
                h.name,
                'Hypervisors',
                'Average',
              ),
              0,
            ),
          );
      return { emissions: out, faults: [], durationMs: minutes(ctx, 8, 20) };
    }
    const lost = new Set(hosts.map((h) => h.name));
    const vms = ctx.dc.vms.filter((v) => lost.has(v.hypervisor));
    for (const h of hosts) {
      out.push(emit('zabbix', ctx.src.zabbix('ICMP: Unavailable by ICMP ping', h.name, 'Hypervisors', 'High'), 0));
      out.push(
        emit(
          'vcenter',
          ctx.src.vcenter('Host connection and power state', { esxi_host: ctx.src.fqdn(h.name) }, 'red'),
          0,
        ),
      );
    }
    out.push(...vmsLost(ctx, vms));
    return {
      emissions: out,
      faults: [{ kind: 'unreachable', vms: new Set(vms.map((v) => v.name)), share: 1 }],
      durationMs: minutes(ctx, 6, 15),
    };
  },
  optic: (ctx) => {
    const rack = pick(ctx.random, ctx.dc.racks);
    const spine = pick(ctx.random, ctx.dc.spines);
    const leaf = `leaf-${rack}-${pick(ctx.random, ['a', 'b'])}`;
    const out = [
      emit('librenms', ctx.src.librenms('Port errors', spine, portTo(ctx, leaf), 'warning'), 0),
      emit('librenms', ctx.src.librenms('Port errors', leaf, portTo(ctx, spine), 'warning'), 0),
      emit('trap', ctx.src.librenms('Port status up/down', leaf, portTo(ctx, spine), 'critical'), 0),
    ];
    const hosts = ctx.dc.hosts.filter((h) => h.rack === rack);
    for (const h of hosts)
      if (ctx.random() < 0.3)
        out.push(emit('zabbix', ctx.src.zabbix('ICMP: High ICMP ping loss', h.name, 'Hypervisors', 'Warning'), 0));
    const onRack = ctx.dc.vms.filter((v) => hosts.some((h) => h.name === v.hypervisor) && ctx.dc.apps.has(v.app));
    for (const v of onRack)
      if (ctx.random() < 0.3) out.push(emit('slow-rule', ctx.src.app('LatencyP99High', v), ctx.random() * 60_000));
    return {
      emissions: out,
      faults: [{ kind: 'unreachable', vms: new Set(onRack.map((v) => v.name)), share: 0.15 }],
      durationMs: minutes(ctx, 5, 12),
    };
  },
  pdu: (ctx) => {
    const rack = pick(ctx.random, ctx.dc.racks);
    const pdu = `pdu-${rack}-${pick(ctx.random, ['a', 'b'])}`;
    const hosts = ctx.dc.hosts.filter((h) => h.rack === rack);
    const out = [
      emit(
        'librenms',
        ctx.src.librenms('Sensor over/under limit', pdu, { sensor: 'Input feed voltage' }, 'critical'),
        0,
      ),
    ];
    const down = hosts.filter((h) => !h.redundant && ctx.random() < 0.5);
    for (const h of hosts)
      if (h.redundant)
        out.push(emit('zabbix', ctx.src.zabbix('IPMI: Power supply 2 failure', h.name, 'Hypervisors', 'High'), 0));
    for (const h of down)
      out.push(emit('zabbix', ctx.src.zabbix('ICMP: Unavailable by ICMP ping', h.name, 'Hypervisors', 'High'), 0));
    const vms = ctx.dc.vms.filter((v) => down.some((h) => h.name === v.hypervisor));
    out.push(...vmsLost(ctx, vms));
    return {
      emissions: out,
      faults: vms.length === 0 ? [] : [{ kind: 'unreachable', vms: new Set(vms.map((v) => v.name)), share: 1 }],
      durationMs: minutes(ctx, 5, 15),
    };
  },
  hypervisor: (ctx) => {
    const host = pick(ctx.random, ctx.dc.hosts);
    const vms = ctx.dc.vms.filter((v) => v.hypervisor === host.name);
    const out = [
      emit('zabbix', ctx.src.zabbix('ICMP: Unavailable by ICMP ping', host.name, 'Hypervisors', 'High'), 0),
      emit(
        'vcenter',
        ctx.src.vcenter('Host connection and power state', { esxi_host: ctx.src.fqdn(host.name) }, 'red'),
        0,
      ),
    ];
    for (const v of vms)
      out.push(
        emit(
          'vcenter',
          ctx.src.vcenter(
            'vSphere HA restarted a virtual machine',
            { vm: v.name, esxi_host: ctx.src.fqdn(host.name) },
            'yellow',
          ),
          60_000 + ctx.random() * 120_000,
        ),
      );
    out.push(...vmsLost(ctx, vms));
    // HA brings the VMs back within minutes; the host stays down.
    return {
      emissions: out.map((e) =>
        e.labels.esxi_host !== undefined || e.labels.alertname?.startsWith('ICMP') === true
          ? { ...e, clears: false }
          : e,
      ),
      faults: [{ kind: 'unreachable', vms: new Set(vms.map((v) => v.name)), share: 1 }],
      durationMs: minutes(ctx, 3, 6),
    };
  },
  storage: (ctx) => {
    const array = pick(ctx.random, [...ctx.dc.arrays.keys()]);
    const pool = pick(ctx.random, ctx.dc.arrays.get(array) ?? []);
    const vms = ctx.dc.vms.filter((v) => v.disk.array === array && v.disk.pool === pool);
    const out: Emission[] = [];
    if (ctx.random() < 0.5)
      out.push(
        emit(
          'array',
          ctx.src.array('ControllerFailover', array, { controller: pick(ctx.random, ['ctrl-a', 'ctrl-b']) }, 'major'),
          0,
        ),
      );
    for (const v of vms) {
      if (ctx.random() < 0.6)
        out.push(emit('array', ctx.src.array('VolumeLatencyHigh', array, { pool, volume: v.disk.volume }, 'major'), 0));
      if (ctx.random() < 0.4)
        out.push(
          emit(
            'zabbix',
            ctx.src.zabbixVm('Linux: sda: Disk read/write request responses are too high', v, 'Warning'),
            0,
          ),
        );
    }
    out.push(emit('vcenter', ctx.src.vcenter('Datastore latency', { datastore: `${array}-${pool}-ds` }, 'yellow'), 0));
    const clusters = [...new Set(vms.map((v) => v.app).filter((a) => a.startsWith('pgc-')))];
    for (const c of clusters)
      out.push(...databaseTrouble(ctx, c, ['PostgresqlSlowQueries', 'PostgresqlReplicationLag'], 0.5));
    const slowApps = [...new Set(vms.map((v) => v.app).filter((a) => ctx.dc.apps.has(a)))];
    for (const a of slowApps) out.push(...appAlerts(ctx, a, ['LatencyP99High'], 0.5, 'slow-rule', {}));
    return {
      emissions: out,
      faults: clusters.map((cluster) => ({ kind: 'database', cluster, share: 0.3 })),
      durationMs: minutes(ctx, 4, 12),
    };
  },
  dns: (ctx) => {
    const ns = pick(ctx.random, ctx.dc.resolvers);
    const out = [
      emit('prometheus', ctx.src.prometheus('UnboundDown', 'unbound', ns, 9167, {}), 0),
      emit('zabbix', ctx.src.zabbix('Linux: Service unbound is not running', ns, 'Infrastructure', 'High'), 0),
    ];
    // Half the lookups time out before falling back to the other resolver: scattered errors everywhere.
    for (const app of ctx.dc.apps.keys())
      if (ctx.random() < 0.25)
        out.push(...appAlerts(ctx, app, ['HighHttp5xxRatio', 'LatencyP99High'], 0.4, 'prometheus', {}));
    for (const app of ctx.dc.apps.values())
      if (app.fronted && ctx.random() < 0.3) out.push(emit('blackbox', ctx.src.probe('ProbeFailed', app.name), 0));
    return { emissions: out, faults: [{ kind: 'resolve', share: 0.1 }], durationMs: minutes(ctx, 4, 10) };
  },
  failover: (ctx) => {
    const cluster = pick(ctx.random, [...ctx.dc.databases.keys()]);
    const primary = ctx.dc.databases.get(cluster)?.[0];
    const out: Emission[] = [];
    if (primary !== undefined) {
      out.push(emit('prometheus', ctx.src.prometheus('PostgresqlDown', cluster, primary.name, 9187, { cluster }), 0));
      out.push(
        emit('zabbix', ctx.src.zabbixVm('Linux: {HOST} has been restarted (uptime < 10m)', primary, 'Warning'), 90_000),
      );
    }
    out.push(
      emit(
        'prometheus',
        ctx.src.prometheus('PatroniLeaderChanged', cluster, `${cluster}-api`, 8008, { cluster }),
        20_000,
      ),
    );
    out.push(...databaseUsers(ctx, cluster));
    return { emissions: out, faults: [{ kind: 'database', cluster, share: 0.8 }], durationMs: minutes(ctx, 2, 5) };
  },
  balancer: (ctx) => {
    const fronted = [...ctx.dc.apps.values()].filter((a) => a.fronted);
    const app = pick(ctx.random, fronted).name;
    const out: Emission[] = ctx.dc.balancers.map((lb) =>
      emit('prometheus', ctx.src.prometheus('HAProxyBackendDown', 'haproxy', lb, 8405, { proxy: `${app}_be` }), 0),
    );
    out.push(emit('blackbox', ctx.src.probe('ProbeFailed', app), 0));
    for (const [caller] of appCallers(ctx.dc, [app], 1))
      out.push(...appAlerts(ctx, caller, ['HighHttp5xxRatio'], 0.4, 'prometheus', {}));
    return { emissions: out, faults: [{ kind: 'callee', app }], durationMs: minutes(ctx, 3, 10) };
  },
  certificate: (ctx) => {
    const app = pick(
      ctx.random,
      [...ctx.dc.apps.values()].filter((a) => appCallers(ctx.dc, [a.name], 1).size > 0),
    ).name;
    const out = [emit('blackbox', ctx.src.probe('ProbeSSLCertExpired', app), 0)];
    for (const [caller, hop] of appCallers(ctx.dc, [app], 2))
      out.push(
        ...appAlerts(
          ctx,
          caller,
          hop === 1 ? ['UpstreamTLSErrors', 'HighHttp5xxRatio'] : ['HighHttp5xxRatio'],
          hop === 1 ? 0.7 : 0.2,
          'prometheus',
          hop === 1 && ctx.random() < 0.6 ? { upstream: app } : {},
        ),
      );
    return { emissions: out, faults: [{ kind: 'callee', app }], durationMs: minutes(ctx, 8, 20) };
  },
  kafka: (ctx) => {
    const broker = pick(ctx.random, ctx.dc.brokers);
    const out = [
      emit(
        'zabbix',
        ctx.src.zabbixVm('Linux: /var/lib/kafka: Disk space is critically low (used > 95%)', broker, 'High'),
        0,
      ),
      emit(
        'prometheus',
        ctx.src.prometheus('KafkaUnderReplicatedPartitions', 'kafka', broker.name, 9308, {
          kafka_cluster: 'kafka-main',
        }),
        60_000,
      ),
    ];
    for (const a of ctx.dc.apps.values()) {
      if (a.consumes && ctx.random() < 0.6)
        out.push(
          emit(
            'slow-rule',
            ctx.src.prometheus('KafkaConsumerGroupLag', 'kafka-exporter', 'kafka-exporter', 9308, {
              consumergroup: `${a.name}-events`,
            }),
            60_000,
          ),
        );
      if (a.produces && ctx.random() < 0.5)
        out.push(...appAlerts(ctx, a.name, ['HighHttp5xxRatio', 'ProducerSendErrors'], 0.5, 'prometheus', {}));
    }
    return { emissions: out, faults: [{ kind: 'broker', broker: broker.name }], durationMs: minutes(ctx, 6, 15) };
  },
  release: (ctx) => {
    const app = pick(ctx.random, [...ctx.dc.apps.values()]);
    const [major, minor] = app.version.split('.');
    const version = `${major ?? '1'}.${String(Number(minor ?? '0') + 1)}.0`;
    const out = appAlerts(
      ctx,
      app.name,
      ['HighHttp5xxRatio', 'ProcessRestarting'],
      0.9,
      'prometheus',
      ctx.random() < 0.3 ? { version } : {},
    );
    for (const v of vmsOf(ctx.dc, app.name))
      if (ctx.random() < 0.3)
        out.push(emit('zabbix', ctx.src.zabbixVm(`Linux: Service ${app.name} is not running`, v, 'High'), 0));
    if (app.fronted && ctx.random() < 0.6) out.push(emit('blackbox', ctx.src.probe('ProbeFailed', app.name), 0));
    out.push(...callerAlerts(ctx, [app.name]));
    return { emissions: out, faults: [{ kind: 'release', app: app.name, version }], durationMs: minutes(ctx, 5, 15) };
  },
  neighbour: (ctx) => {
    const batch = pick(ctx.random, vmsOf(ctx.dc, 'etl-nightly').length > 0 ? vmsOf(ctx.dc, 'etl-nightly') : ctx.dc.vms);
    const out = [
      emit('zabbix', ctx.src.zabbixVm('Linux: High CPU utilization (over 90% for 5m)', batch, 'Warning'), 0),
    ];
    for (const v of ctx.dc.vms)
      if (v.hypervisor === batch.hypervisor && v !== batch) {
        if (ctx.random() < 0.7)
          out.push(
            emit(
              'vcenter',
              ctx.src.vcenter(
                'Virtual machine CPU ready time high',
                { vm: v.name, esxi_host: ctx.src.fqdn(v.hypervisor) },
                'yellow',
              ),
              0,
            ),
          );
        if (ctx.dc.apps.has(v.app) && ctx.random() < 0.5)
          out.push(emit('slow-rule', ctx.src.app('LatencyP99High', v), 0));
      }
    return { emissions: out, faults: [], durationMs: minutes(ctx, 8, 20) };
  },
};

/** ifName and a free-text ifAlias naming the other end, as network teams write them. */
function portTo(ctx: Ctx, other: string): Record<string, string> {
  const ifName = `Ethernet1/${String(49 + Math.floor(ctx.random() * 4))}`;
  const alias = pick(ctx.random, [
    `uplink ${other}`,
    `${other} Et${String(1 + Math.floor(ctx.random() * 32))}`,
    `to-${other}`,
  ]);
  return { ifName, ifAlias: alias };
}

/** VMs gone with their host: Zabbix on each, the application's instance down, its users and callers. */
function vmsLost(ctx: Ctx, vms: readonly DcVm[]): Emission[] {
  const out: Emission[] = [];
  const apps = new Set<string>();
  for (const v of vms) {
    out.push(emit('zabbix', ctx.src.zabbixVm('Zabbix agent is not available (for 3m)', v, 'Average'), 0));
    if (ctx.dc.apps.has(v.app)) {
      out.push(emit('prometheus', ctx.src.app('InstanceDown', v), 0));
      apps.add(v.app);
    } else if (v.app.startsWith('pgc-')) {
      out.push(emit('prometheus', ctx.src.prometheus('PostgresqlDown', v.app, v.name, 9187, { cluster: v.app }), 0));
      if (ctx.dc.databases.get(v.app)?.[0] === v) out.push(...databaseUsers(ctx, v.app));
    } else if (v.app === 'kafka')
      out.push(
        emit(
          'prometheus',
          ctx.src.prometheus('KafkaBrokerDown', 'kafka', v.name, 9308, { kafka_cluster: 'kafka-main' }),
          0,
        ),
      );
  }
  for (const app of apps) {
    const all = vmsOf(ctx.dc, app);
    const share = all.filter((v) => vms.includes(v)).length / all.length;
    if (share >= 0.5 && ctx.dc.apps.get(app)?.fronted === true)
      out.push(emit('blackbox', ctx.src.probe('ProbeFailed', app), 0));
  }
  // Callers retry on the other instances: most of them notice nothing.
  const hurt = [...apps].filter(() => ctx.random() < 0.5);
  return [...out, ...callerAlerts(ctx, hurt)];
}

/** An application's alerts on a share of its instances, one to two names each. */
function appAlerts(
  ctx: Ctx,
  app: string,
  names: readonly string[],
  share: number,
  source: Emission['source'],
  extra: Record<string, string>,
): Emission[] {
  const out: Emission[] = [];
  for (const v of vmsOf(ctx.dc, app)) {
    if (ctx.random() >= share) continue;
    for (const name of new Set([pick(ctx.random, names), pick(ctx.random, names)]))
      out.push(emit(source, ctx.src.app(name, v, extra), ctx.random() * 30_000));
  }
  return out;
}

/** Callers one or two hops up, on fewer instances and later; some name the application they call. */
function callerAlerts(ctx: Ctx, apps: readonly string[]): Emission[] {
  const out: Emission[] = [];
  for (const [caller, hop] of appCallers(ctx.dc, apps, 2)) {
    const callee = ctx.dc.apps.get(caller)?.calls.find((c) => apps.includes(c));
    const naming: Record<string, string> =
      hop === 1 && callee !== undefined && ctx.random() < 0.4 ? { upstream: callee } : {};
    const names =
      hop === 1 ? ['UpstreamErrors', 'HighHttp5xxRatio', 'LatencyP99High'] : ['HighHttp5xxRatio', 'LatencyP99High'];
    out.push(
      ...appAlerts(ctx, caller, names, hop === 1 ? 0.4 : 0.15, 'prometheus', naming).map((e) => ({
        ...e,
        reachMs: e.reachMs + hop * 15_000,
      })),
    );
  }
  return out;
}

function databaseTrouble(ctx: Ctx, cluster: string, names: readonly string[], share: number): Emission[] {
  return (ctx.dc.databases.get(cluster) ?? [])
    .filter(() => ctx.random() < share)
    .map((v) => emit('slow-rule', ctx.src.prometheus(pick(ctx.random, names), cluster, v.name, 9187, { cluster }), 0));
}

/** Applications on a database that lost its primary: connection pools, errors, some naming the database. */
function databaseUsers(ctx: Ctx, cluster: string): Emission[] {
  const users = [...ctx.dc.apps.values()].filter((a) => a.databases.includes(cluster)).map((a) => a.name);
  const out: Emission[] = [];
  for (const u of users) {
    out.push(
      ...appAlerts(
        ctx,
        u,
        ['DBConnectionPoolExhausted'],
        0.6,
        'prometheus',
        ctx.random() < 0.5 ? { db: cluster.slice(4) } : {},
      ),
    );
    out.push(...appAlerts(ctx, u, ['HighHttp5xxRatio'], 0.4, 'prometheus', {}));
  }
  return [
    ...out,
    ...callerAlerts(
      ctx,
      users.filter(() => ctx.random() < 0.5),
    ),
  ];
}
