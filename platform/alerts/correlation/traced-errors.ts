/**
 * Where the failed requests of a service came from, as the platform's own traces showed it (the OTLP
 * collector's error paths on `traces.service-graph`): per failing service and per instance, the origins of
 * its failures (a database, a cache, a pod that was gone, a service's version) counted in time. An alert on
 * a service is then about what that service's requests were failing on just before it fired, which tells
 * two concurrent causes apart where the services they reach are the same. Bounded: entities remembered
 * (least recently observed go first) and observations per entity (oldest go first).
 */
export interface TracedErrorsOptions {
  readonly maxEntities: number;
  readonly maxPerEntity: number;
  /** How far before an alert's start its service's failures count. */
  readonly lookbackMs: number;
  /** Share of those failures an origin needs to be named. */
  readonly minShare: number;
}

export interface ErrorPathObservation {
  readonly at: number;
  readonly on: readonly string[];
  readonly origin: readonly string[];
  readonly count: number;
}

interface Entry {
  readonly at: number;
  readonly origin: readonly string[];
  readonly key: string;
  readonly count: number;
}

export interface TracedOrigin {
  readonly origin: readonly string[];
  /** Share of the failures seen on the alert's instance (or service) in the lookback that started there. */
  readonly share: number;
}

export class TracedErrors {
  readonly #o: TracedErrorsOptions;
  readonly #byService = new Map<string, Entry[]>();
  readonly #byInstance = new Map<string, Entry[]>();

  constructor(
    options: TracedErrorsOptions = { maxEntities: 10_000, maxPerEntity: 512, lookbackMs: 120_000, minShare: 0.5 },
  ) {
    this.#o = options;
  }

  get size(): number {
    return this.#byService.size;
  }

  observe(p: ErrorPathObservation): void {
    const [service, instance] = p.on;
    const origin = p.origin.map(normalise);
    const entry = { at: p.at, origin, key: origin.join('\u0000'), count: p.count };
    if (service !== undefined) this.#push(this.#byService, normalise(service), entry);
    if (instance !== undefined) this.#push(this.#byInstance, normalise(instance), entry);
  }

  /**
   * The origins of the failures of the alert's instance in the lookback before `at` (of its service when its
   * instance showed none), each with its share, most common first; those under `minShare` are left out.
   */
  originsOf(values: readonly string[], at: number): TracedOrigin[] {
    const from = at - this.#o.lookbackMs;
    const counted = (index: Map<string, Entry[]>): Map<string, { origin: readonly string[]; count: number }> => {
      const out = new Map<string, { origin: readonly string[]; count: number }>();
      for (const v of values)
        for (const e of index.get(v) ?? []) {
          if (e.at < from || e.at > at) continue;
          const known = out.get(e.key);
          if (known !== undefined) known.count += e.count;
          else out.set(e.key, { origin: e.origin, count: e.count });
        }
      return out;
    };
    let counts = counted(this.#byInstance);
    if (counts.size === 0) counts = counted(this.#byService);
    const total = [...counts.values()].reduce((s, c) => s + c.count, 0);
    return [...counts.values()]
      .map((c) => ({ origin: c.origin, share: c.count / total }))
      .filter((c) => c.share >= this.#o.minShare)
      .sort((a, b) => b.share - a.share);
  }

  #push(index: Map<string, Entry[]>, value: string, entry: Entry): void {
    let list = index.get(value);
    if (list === undefined) list = [];
    else index.delete(value);
    index.set(value, list);
    list.push(entry);
    if (list.length > this.#o.maxPerEntity) list.shift();
    if (index.size > this.#o.maxEntities) {
      const oldest = index.keys().next();
      if (oldest.done !== true) index.delete(oldest.value);
    }
  }
}

const normalise = (v: string): string => v.trim().toLowerCase();
