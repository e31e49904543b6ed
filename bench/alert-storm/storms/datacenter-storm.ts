/**
 * The seventh generator, `datacenter`: a storm of 10-14 causes drawn from the data centre's own cause model
 * (datacenter-causes.ts, weighted; three in ten start within two minutes of another, as in a change window)
 * over 20 minutes, with background that was there before the storm (chronic alerts re-sent all along, a
 * flapping out-of-band port, a flapping latency alert) and 40-60 unrelated one-offs. Alerts arrive as each
 * source detects them (seconds for traps, minutes for Zabbix triggers and `for: 5m` rules, so the root is
 * often not first), are re-sent at each source's interval while firing, resolve minutes after their cause
 * ends or stay, and 12% of the quick ones flap; a Zabbix problem that opens again is a new event (new
 * `eventid`, a new alert). Shares nothing with storms/causes.ts or storms/failures.ts.
 */
import { seededRandom } from '../../../platform/random/seeded.ts';
import { datacenter, type Datacenter } from './datacenter.ts';
import { causeKinds, dcCause, type DcCauseKind } from './datacenter-causes.ts';
import { detection, resendMs, Sources, type Emission, type Source } from './datacenter-sources.ts';
import { datacenterTraces, type DcFaultWindow } from './datacenter-traces.ts';
import type { Storm, StormAlert } from './storm.ts';
import { pick } from './world.ts';

const spanMs = 20 * 60_000;
const flappy: ReadonlySet<Source> = new Set(['trap', 'blackbox', 'prometheus', 'slow-rule']);

export function datacenterStorm(seed: number): Storm {
  const random = seededRandom(seed * 6_151 + 101);
  const dc = datacenter(random);
  const src = new Sources(dc, random);
  const between = (lo: number, hi: number): number => lo + random() * (hi - lo);
  const alerts: StormAlert[] = [];
  const seen = new Set<string>();
  let eventid = 4_100_000 + Math.floor(random() * 500_000);
  const send = (
    labels: Record<string, string>,
    status: StormAlert['status'],
    at: number,
    startsAt: number,
    cause: string,
  ): void => {
    if (at < spanMs) alerts.push({ labels, status, at, startsAt, cause });
  };
  /** One problem from `start` to `end`: re-sent while firing, flapping at most `flaps` times. */
  const fire = (e: Emission, start: number, end: number, cause: string, flaps: number): void => {
    const key = JSON.stringify(Object.entries(e.labels).sort());
    if (start >= spanMs || seen.has(key)) return;
    seen.add(key);
    const episodes: [number, number][] = [];
    let from = start;
    for (let f = 0; f < flaps && end - from > 90_000; f++) {
      const off = between(from + 30_000, Math.min(end, from + 240_000) - 30_000);
      const back = off + between(30_000, 120_000);
      if (back >= end) break;
      episodes.push([from, off]);
      from = back;
    }
    episodes.push([from, end]);
    for (const [a, b] of episodes) {
      const labels = e.source === 'zabbix' ? { ...e.labels, eventid: String(eventid++) } : e.labels;
      const [lo, hi] = resendMs[e.source];
      for (let t = a; t < Math.min(b, spanMs); t += between(lo, hi) + between(-5_000, 5_000))
        send(labels, 'firing', t, a, cause);
      send(labels, 'resolved', b, a, cause);
    }
  };
  const faults: DcFaultWindow[] = [];
  const onsets: number[] = [];
  const count = 10 + Math.floor(random() * 5);
  for (let r = 0; r < count; r++) {
    const kind = weighted(random);
    const previous = onsets.length > 0 && random() < 0.3 ? pick(random, onsets) : undefined;
    const onset =
      previous === undefined ? random() * spanMs * 0.85 : Math.min(spanMs * 0.9, previous + random() * 120_000);
    onsets.push(onset);
    const cause = dcCause(dc, src, kind, random);
    const end = onset + cause.durationMs;
    for (const e of cause.emissions) {
      const [lo, hi] = detection[e.source];
      const start = onset + e.reachMs + between(lo, hi);
      const stop = e.clears ? Math.max(start + 60_000, end + between(30_000, 180_000)) : Number.POSITIVE_INFINITY;
      fire(
        e,
        start,
        stop,
        `root-${String(r)}`,
        flappy.has(e.source) && random() < 0.12 ? 1 + Math.floor(random() * 2) : 0,
      );
    }
    for (const fault of cause.faults) faults.push({ fault, onsetMs: onset, endMs: end });
  }
  background(dc, src, random).forEach((b, n) => {
    fire(b.emission, b.start, b.end, `noise-${String(n)}`, b.flaps);
  });
  alerts.sort((a, b) => a.at - b.at);
  const traces = datacenterTraces(dc, faults, spanMs, seededRandom(seed * 92_821 + 7));
  return { name: `datacenter-${String(seed)}`, alerts, spanMs, serviceLabel: 'job', traces };
}

function weighted(random: () => number): DcCauseKind {
  const entries = Object.entries(causeKinds) as [DcCauseKind, number][];
  let x = random() * entries.reduce((s, [, w]) => s + w, 0);
  for (const [kind, w] of entries) if ((x -= w) < 0) return kind;
  return 'release';
}

interface Background {
  readonly emission: Emission;
  readonly start: number;
  readonly end: number;
  readonly flaps: number;
}

/** What fires regardless of the storm: chronic problems, two flapping checks and the everyday one-offs. */
function background(dc: Datacenter, src: Sources, random: () => number): Background[] {
  const vm = () => pick(random, dc.vms);
  const appVm = () =>
    pick(
      random,
      dc.vms.filter((v) => dc.apps.has(v.app)),
    );
  const host = () => pick(random, dc.hosts).name;
  const fronted = () =>
    pick(
      random,
      [...dc.apps.values()].filter((a) => a.fronted),
    ).name;
  const array = () => pick(random, [...dc.arrays.keys()]);
  const db = () => pick(random, [...dc.databases.keys()]);
  const e = (source: Source, labels: Record<string, string>): Emission => ({
    source,
    labels,
    reachMs: 0,
    clears: true,
  });
  const everyday: (() => Emission)[] = [
    () => e('zabbix', src.zabbixVm('Linux: Load average is too high (per CPU load over 1.5 for 5m)', vm(), 'Average')),
    () => e('zabbix', src.zabbixVm('Linux: {HOST} has been restarted (uptime < 10m)', vm(), 'Warning')),
    () => e('zabbix', src.zabbixVm('Linux: /tmp: Disk space is low (used > 80%)', vm(), 'Warning')),
    () => e('zabbix', src.zabbixVm('Linux: Number of installed packages has been changed', vm(), 'Information')),
    () =>
      e(
        'librenms',
        src.librenms(
          'Port status up/down',
          `leaf-${pick(random, dc.racks)}-a`,
          { ifName: `Ethernet1/${String(1 + Math.floor(random() * 40))}`, ifAlias: host() },
          'warning',
        ),
      ),
    () =>
      e(
        'vcenter',
        src.vcenter('Virtual machine memory usage', { vm: vm().name, esxi_host: src.fqdn(host()) }, 'yellow'),
      ),
    () => e('vcenter', src.vcenter('Virtual machine snapshot older than 7 days', { vm: vm().name }, 'yellow')),
    () => e('prometheus', src.app('CronJobFailed', appVm())),
    () =>
      e(
        'prometheus',
        src.prometheus('PostgresqlTooManyConnections', db(), pick(random, dc.vms).name, 9187, { cluster: db() }),
      ),
    () =>
      e(
        'array',
        src.array(
          'DiskPredictiveFailure',
          array(),
          { disk: `shelf${String(1 + Math.floor(random() * 4))}-d${String(Math.floor(random() * 24))}` },
          'minor',
        ),
      ),
    () => e('blackbox', src.probe('ProbeSlow', fronted())),
  ];
  const symptoms: (() => Emission)[] = [
    () => e('prometheus', src.app('HighHttp5xxRatio', appVm())),
    () => e('slow-rule', src.app('LatencyP99High', appVm())),
    () => e('prometheus', src.app('InstanceDown', appVm())),
    () => e('zabbix', src.zabbix('ICMP: High ICMP ping loss', host(), 'Hypervisors', 'Warning')),
    () => e('blackbox', src.probe('ProbeFailed', fronted())),
  ];
  const out: Background[] = [];
  const chronic: (() => Emission)[] = [
    () => e('zabbix', src.zabbixVm('Linux: /var: Disk space is low (used > 80%)', vm(), 'Warning')),
    () =>
      e(
        'zabbix',
        src.zabbix(
          'Linux: System time is out of sync (diff with Zabbix server > 60s)',
          host(),
          'Hypervisors',
          'Warning',
        ),
      ),
    () => e('blackbox', src.probe('ProbeSSLCertExpiringSoon', fronted())),
    () => e('array', src.array('PoolCapacityWarning', array(), { pool: 'pool1' }, 'warning')),
    () => e('prometheus', src.prometheus('BackupJobFailed', 'pgbackrest', 'backup-01', 9854, { cluster: db() })),
    () =>
      e(
        'librenms',
        src.librenms(
          'Port errors',
          `leaf-${pick(random, dc.racks)}-b`,
          { ifName: 'Ethernet1/7', ifAlias: host() },
          'warning',
        ),
      ),
  ];
  for (const make of chronic)
    if (random() < 0.8)
      out.push({ emission: make(), start: random() * 20_000, end: Number.POSITIVE_INFINITY, flaps: 0 });
  const oob = e(
    'trap',
    src.librenms('Port status up/down', 'oob-sw-03', { ifName: 'Gi0/12', ifAlias: `mgmt ${host()}` }, 'warning'),
  );
  out.push({ emission: oob, start: random() * 60_000, end: spanMs, flaps: 8 });
  out.push({
    emission: e('slow-rule', src.app('LatencyP99High', appVm())),
    start: random() * 120_000,
    end: spanMs,
    flaps: 5,
  });
  const n = 40 + Math.floor(random() * 21);
  for (let k = 0; k < n; k++) {
    const make = random() < 0.25 ? pick(random, symptoms) : pick(random, everyday);
    const start = random() * spanMs * 0.95;
    out.push({
      emission: make(),
      start,
      end: random() < 0.6 ? start + (2 + random() * 8) * 60_000 : Number.POSITIVE_INFINITY,
      flaps: 0,
    });
  }
  return out;
}
