/**
 * The shape every storm generator fills in: services with instances on machines, who calls whom, the shared
 * resources (databases, caches, brokers, market feeds) services use, and the label vocabulary alerts use.
 * Nothing here reaches the platform: it only sees the alerts the generators derive from it.
 */
export type Resource = 'database' | 'cache' | 'broker' | 'feed';

export interface Instance {
  readonly name: string;
  readonly machine: string;
}

export interface World {
  /** service -> its instances. */
  readonly instances: ReadonlyMap<string, readonly Instance[]>;
  /** service -> services it calls. */
  readonly calls: ReadonlyMap<string, readonly string[]>;
  /** resource kind -> resource name -> services that use it. */
  readonly resources: ReadonlyMap<Resource, ReadonlyMap<string, readonly string[]>>;
  readonly machines: readonly string[];
  /** Failure domains (a PoP, a rack, a zone) -> their machines; a generator without them has no zone outages. */
  readonly zones?: ReadonlyMap<string, readonly string[]>;
  /** Machine -> its address, when its services report `host.ip` and some monitoring names it by address. */
  readonly addresses?: ReadonlyMap<string, string>;
  /** Labels every alert carries (cluster, environment, site), drawn per alert from these values. */
  readonly context: Readonly<Record<string, readonly string[]>>;
  readonly vocabulary: Vocabulary;
}

export interface Vocabulary {
  readonly service: string;
  readonly instance: string;
  readonly machine: string;
  /** The label machine-level alerts name their failure domain with, when the world has zones. */
  readonly zone?: string;
  /** The label a caller's client-side alert names its callee with (`upstream`, `backend`, `peer`). */
  readonly upstream: string;
  readonly resource: Readonly<Record<Resource, string>>;
  readonly version: string;
  readonly severity: { readonly label: string; readonly values: readonly [string, string, string, string] };
  readonly names: {
    readonly resourceDown: Readonly<Record<Resource, readonly string[]>>;
    readonly resourceClient: Readonly<Record<Resource, readonly string[]>>;
    readonly machineDown: readonly string[];
    /** The failure domain's own alerts (power, uplink), when the world has zones. */
    readonly zoneDown?: readonly string[];
    readonly instanceDown: readonly string[];
    readonly badDeploy: readonly string[];
    readonly symptom: readonly string[];
    readonly noise: readonly string[];
  };
  /** A version string for a bad deploy of this service. */
  version_of(service: string, random: () => number): string;
}

export const pick = <T>(random: () => number, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

export const hex = (random: () => number, n: number): string =>
  Array.from({ length: n }, () => '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(random() * 36)]).join('');

/** A tiered call graph: each service calls one or two services of lower tiers. */
export function tieredCalls(tiers: readonly (readonly string[])[], random: () => number): Map<string, string[]> {
  const calls = new Map<string, string[]>();
  tiers.forEach((tier, t) => {
    const below = tiers.slice(t + 1).flat();
    for (const s of tier) {
      const n = below.length === 0 ? 0 : 1 + Math.floor(random() * 2);
      calls.set(s, [...new Set(Array.from({ length: n }, () => pick(random, below)))]);
    }
  });
  return calls;
}

/** Services calling any of these, with their distance (1 = direct callers), up to `hops`. */
export function callersOf(world: World, services: readonly string[], hops: number): Map<string, number> {
  const out = new Map<string, number>();
  let frontier = new Set(services);
  for (let h = 1; h <= hops; h++) {
    const next = new Set<string>();
    for (const [s, deps] of world.calls)
      if (!out.has(s) && !services.includes(s) && deps.some((d) => frontier.has(d))) {
        out.set(s, h);
        next.add(s);
      }
    frontier = next;
  }
  return out;
}
