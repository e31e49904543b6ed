/**
 * The service dependency graph: who calls whom. Correlation uses the length of a dependency path between
 * two services, in either direction (a failure propagates from a dependency to its callers); two services
 * that merely share a dependency are not related by that alone.
 */
export class Topology {
  readonly #neighbours = new Map<string, Set<string>>();
  readonly #distances = new Map<string, Map<string, number>>();
  readonly #maxHops: number;

  constructor(dependsOn: Readonly<Record<string, readonly string[]>>, maxHops: number) {
    this.#maxHops = maxHops;
    const link = (a: string, b: string): void => {
      let set = this.#neighbours.get(a);
      if (set === undefined) this.#neighbours.set(a, (set = new Set()));
      set.add(b);
    };
    for (const [service, deps] of Object.entries(dependsOn)) for (const dep of deps) link(service, dep);
  }

  /** Hops on a dependency path between two services, or undefined when none within maxHops. */
  distance(from: string, to: string): number | undefined {
    if (from === to) return 0;
    const down = this.#dependencyDistance(from, to);
    const up = this.#dependencyDistance(to, from);
    return down === undefined ? up : up === undefined ? down : Math.min(down, up);
  }

  #dependencyDistance(from: string, to: string): number | undefined {
    let known = this.#distances.get(from);
    if (known === undefined) {
      known = new Map([[from, 0]]);
      let frontier = [from];
      for (let hop = 1; hop <= this.#maxHops && frontier.length > 0; hop++) {
        const next: string[] = [];
        for (const s of frontier)
          for (const n of this.#neighbours.get(s) ?? [])
            if (!known.has(n)) {
              known.set(n, hop);
              next.push(n);
            }
        frontier = next;
      }
      this.#distances.set(from, known);
    }
    return known.get(to);
  }
}
