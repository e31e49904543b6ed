/**
 * The seventh generator's world: an on-premises data centre, shaped by its physical plant rather than by a
 * service list. Racks of hypervisors behind top-of-rack switches (the older racks single-homed, on one power
 * feed), a spine, power distribution units, two storage arrays whose pools hold the virtual machines' volumes,
 * a pair of DNS resolvers, load balancers, Patroni Postgres clusters and a Kafka cluster; applications run on
 * virtual machines spread over the hypervisors. It does not use world.ts' World, storms/causes.ts or
 * storms/failures.ts: its causes (datacenter-causes.ts), alert sources and traces (datacenter-traces.ts) are
 * its own. Written before the correlator was run on it, and never used to choose a setting.
 */
import { hex, pick } from './world.ts';

export interface DcHost {
  /** Short name (`hv-r04-03`); monitoring and vCenter use it or its FQDN. */
  readonly name: string;
  readonly rack: string;
  /** Older racks: one uplink, one power supply. */
  readonly redundant: boolean;
}

export interface DcVm {
  readonly name: string;
  readonly app: string;
  readonly hypervisor: string;
  /** Array, pool and volume id of its disk. */
  readonly disk: { readonly array: string; readonly pool: string; readonly volume: string };
}

export interface DcApp {
  readonly name: string;
  readonly team: string;
  readonly calls: readonly string[];
  /** Postgres clusters it uses. */
  readonly databases: readonly string[];
  /** Kafka consumer group, when it consumes. */
  readonly consumes: boolean;
  readonly produces: boolean;
  /** OpenTelemetry-instrumented: only these send spans. */
  readonly instrumented: boolean;
  /** Behind the load balancers with a public health URL. */
  readonly fronted: boolean;
  readonly version: string;
}

export interface Datacenter {
  readonly site: string;
  readonly domain: string;
  readonly racks: readonly string[];
  readonly spines: readonly string[];
  readonly hosts: readonly DcHost[];
  readonly vms: readonly DcVm[];
  readonly apps: ReadonlyMap<string, DcApp>;
  /** Postgres cluster -> its database VMs (Patroni members). */
  readonly databases: ReadonlyMap<string, readonly DcVm[]>;
  readonly brokers: readonly DcVm[];
  readonly resolvers: readonly string[];
  readonly balancers: readonly string[];
  readonly arrays: ReadonlyMap<string, readonly string[]>;
}

const appTiers: readonly (readonly [string, string][])[] = [
  [
    ['storefront', 'web'],
    ['mobile-gw', 'mobile'],
    ['partner-portal', 'b2b'],
    ['backoffice', 'ops-tools'],
  ],
  [
    ['orders', 'commerce'],
    ['catalog', 'commerce'],
    ['payments', 'payments'],
    ['customers', 'crm'],
    ['inventory', 'supply'],
    ['shipping', 'supply'],
    ['pricing-engine', 'commerce'],
    ['search', 'web'],
  ],
  [
    ['auth', 'identity'],
    ['notifier', 'crm'],
    ['fraud-scoring', 'payments'],
    ['invoice-gen', 'finance'],
    ['reporting', 'finance'],
    ['etl-nightly', 'data'],
  ],
];
const clusters = ['pgc-orders', 'pgc-customers', 'pgc-catalog', 'pgc-finance'];

export function datacenter(random: () => number): Datacenter {
  const site = pick(random, ['ams1', 'fra3', 'lon2', 'dub1']);
  const domain = `${site}.corp.example`;
  const racks = Array.from({ length: 10 }, (_, i) => `r${String(i + 1).padStart(2, '0')}`);
  const hosts: DcHost[] = racks.flatMap((rack, r) =>
    Array.from({ length: 5 + Math.floor(random() * 3) }, (_, i) => ({
      name: `hv-${rack}-${String(i + 1).padStart(2, '0')}`,
      rack,
      redundant: r >= 3,
    })),
  );
  const arrays = new Map([
    ['san-a', ['pool1', 'pool2']],
    ['san-b', ['pool1', 'pool2', 'pool3']],
  ]);
  const vms: DcVm[] = [];
  const vm = (name: string, app: string): DcVm => {
    const array = pick(random, [...arrays.keys()]);
    const made: DcVm = {
      name,
      app,
      hypervisor: pick(random, hosts).name,
      disk: { array, pool: pick(random, arrays.get(array) ?? []), volume: `vol-${hex(random, 6)}` },
    };
    vms.push(made);
    return made;
  };
  const apps = new Map<string, DcApp>();
  appTiers.forEach((tier, t) => {
    const below = appTiers.slice(t + 1).flat();
    for (const [name, team] of tier) {
      const n = below.length === 0 ? 0 : 1 + Math.floor(random() * 3);
      apps.set(name, {
        name,
        team,
        calls: [...new Set(Array.from({ length: n }, () => pick(random, below)[0]))],
        databases:
          t === 0 ? [] : [...new Set(Array.from({ length: Math.floor(random() * 2.2) }, () => pick(random, clusters)))],
        consumes: t > 0 && random() < 0.4,
        produces: t < 2 && random() < 0.5,
        instrumented: random() < 0.7,
        fronted: t === 0 || random() < 0.3,
        version: `${String(1 + Math.floor(random() * 9))}.${String(Math.floor(random() * 30))}.${String(Math.floor(random() * 10))}`,
      });
      for (let i = 1; i <= 2 + Math.floor(random() * 3); i++) vm(`vm-${name}-${String(i).padStart(2, '0')}`, name);
    }
  });
  const databases = new Map(
    clusters.map((c) => [
      c,
      Array.from({ length: 2 + Math.floor(random() * 2) }, (_, i) =>
        vm(`db-${c.slice(4)}-${String(i + 1).padStart(2, '0')}`, c),
      ),
    ]),
  );
  const brokers = Array.from({ length: 3 }, (_, i) => vm(`kfk-${String(i + 1).padStart(2, '0')}`, 'kafka'));
  return {
    site,
    domain,
    racks,
    spines: ['spine-1', 'spine-2', 'spine-3', 'spine-4'],
    hosts,
    vms,
    apps,
    databases,
    brokers,
    resolvers: ['ns1', 'ns2'],
    balancers: ['lb-01', 'lb-02'],
    arrays,
  };
}

/** The VMs of an application (or of a database cluster, or the brokers under `kafka`). */
export const vmsOf = (dc: Datacenter, app: string): DcVm[] => dc.vms.filter((v) => v.app === app);

/** Applications calling any of these, with their distance, up to `hops`. */
export function appCallers(dc: Datacenter, apps: readonly string[], hops: number): Map<string, number> {
  const out = new Map<string, number>();
  let frontier = new Set(apps);
  for (let h = 1; h <= hops; h++) {
    const next = new Set<string>();
    for (const a of dc.apps.values())
      if (!out.has(a.name) && !apps.includes(a.name) && a.calls.some((c) => frontier.has(c))) {
        out.set(a.name, h);
        next.add(a.name);
      }
    frontier = next;
  }
  return out;
}
