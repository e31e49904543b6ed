/** The service dependency graph: who calls whom. Correlation uses hop distance in either direction. */
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
    for (const [service, deps] of Object.entries(dependsOn)) for (const dep of deps) {
      link(service, dep);
      link(dep, service);
    }
  }

  /** Hops between two services, or undefined when further apart than maxHops (or unknown). */
  distance(from: string, to: string): number | undefined {
    if (from === to) return 0;
    let known = this.#distances.get(from);
    if (known === undefined) {
      known = new Map([[from, 0]]);
      let frontier = [from];
      for (let hop = 1; hop <= this.#maxHops && frontier.length > 0; hop++) {
        const next: string[] = [];
        for (const s of frontier) for (const n of this.#neighbours.get(s) ?? []) if (!known.has(n)) {
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
