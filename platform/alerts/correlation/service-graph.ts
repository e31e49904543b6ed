/**
 * The service graph the platform observes in its own traces (the OTLP collector's `traces.service-graph`
 * topic): which services call each other and how often, decaying with time so a call path that stopped
 * being used fades, bounded in edges (least recently observed go first). Undirected for correlation: an
 * outage shows on callers and callees alike. Nothing here is configured: it is only what traces said.
 */
import { HostAddresses } from './host-addresses.ts';
import { TracedErrors } from './traced-errors.ts';

export interface ServiceGraphOptions {
  /** Half-life of an edge's call count. */
  readonly halfLifeMs: number;
  /** Edges kept. */
  readonly maxEdges: number;
  /** Calls (decayed) at which an edge counts fully: strength = calls / (calls + this). */
  readonly saturation: number;
}

interface Edge {
  readonly a: string;
  readonly b: string;
  calls: number;
  at: number;
}

export class ServiceGraph {
  /** Where the services' failed requests started, from the same traces. */
  readonly errors = new TracedErrors();
  /** The host names the services' addresses belong to, from the same traces' resources. */
  readonly hosts = new HostAddresses();
  readonly #o: ServiceGraphOptions;
  /** Key `a\0b` (a < b), in order of last observation, least recent first. */
  readonly #edges = new Map<string, Edge>();
  readonly #adjacent = new Map<string, Set<string>>();

  constructor(options: ServiceGraphOptions = { halfLifeMs: 6 * 3_600_000, maxEdges: 20_000, saturation: 3 }) {
    this.#o = options;
  }

  get size(): number {
    return this.#edges.size;
  }

  observe(caller: string, callee: string, calls: number, at: number): void {
    if (caller === callee || !(calls > 0)) return;
    const [a, b] = caller < callee ? [caller, callee] : [callee, caller];
    const key = `${a}\u0000${b}`;
    const edge = this.#edges.get(key);
    if (edge !== undefined) {
      edge.calls = this.#decayed(edge, at) + calls;
      edge.at = Math.max(edge.at, at);
      this.#edges.delete(key);
      this.#edges.set(key, edge);
      return;
    }
    this.#edges.set(key, { a, b, calls, at });
    link(this.#adjacent, a, b);
    link(this.#adjacent, b, a);
    if (this.#edges.size > this.#o.maxEdges) {
      const oldest = this.#edges.entries().next();
      if (oldest.done !== true) this.#remove(oldest.value[0], oldest.value[1]);
    }
  }

  /** Services that call or are called by this one, with the edge's strength (0..1) at `at`. */
  neighbours(service: string, at: number): [string, number][] {
    const out: [string, number][] = [];
    for (const other of this.#adjacent.get(service) ?? []) {
      const [a, b] = service < other ? [service, other] : [other, service];
      const edge = this.#edges.get(`${a}\u0000${b}`);
      if (edge === undefined) continue;
      const calls = this.#decayed(edge, at);
      out.push([other, calls / (calls + this.#o.saturation)]);
    }
    return out;
  }

  #decayed(edge: Edge, at: number): number {
    return edge.calls * 0.5 ** (Math.max(0, at - edge.at) / this.#o.halfLifeMs);
  }

  #remove(key: string, edge: Edge): void {
    this.#edges.delete(key);
    unlink(this.#adjacent, edge.a, edge.b);
    unlink(this.#adjacent, edge.b, edge.a);
  }
}

function link(adjacent: Map<string, Set<string>>, from: string, to: string): void {
  let set = adjacent.get(from);
  if (set === undefined) adjacent.set(from, (set = new Set()));
  set.add(to);
}

function unlink(adjacent: Map<string, Set<string>>, from: string, to: string): void {
  const set = adjacent.get(from);
  set?.delete(to);
  if (set?.size === 0) adjacent.delete(from);
}
