/**
 * Service-to-service calls seen in traces (as Tempo's and the OpenTelemetry Collector's service-graph
 * connectors find them): a span whose parent span belongs to another service is a call from the parent's
 * service to its own. Spans of one trace arrive in any order and in different requests, so recent span ids
 * are remembered with their service, and children whose parent has not arrived yet wait for it. Both are
 * bounded (oldest forgotten first), and so are the edges counted between two drains.
 */
export interface CallEdge {
  readonly caller: string;
  readonly callee: string;
  readonly calls: number;
}

export interface CallEdgeOptions {
  /** Span ids remembered, and children waiting for their parent (each). */
  readonly maxSpans: number;
  /** Distinct edges counted between two drains. */
  readonly maxEdges: number;
}

export class CallEdgeExtractor {
  readonly #o: CallEdgeOptions;
  /** span id -> service, oldest first. */
  readonly #spans = new Map<string, string>();
  /** parent span id -> services of children that arrived before it. */
  readonly #waiting = new Map<string, string[]>();
  #edges = new Map<string, { caller: string; callee: string; calls: number }>();

  constructor(options: CallEdgeOptions) {
    this.#o = options;
  }

  /** One span: its service, its id and its parent's (empty for a root span). */
  add(service: string, spanId: string, parentSpanId: string): void {
    if (spanId !== '') {
      remember(this.#spans, spanId, service, this.#o.maxSpans);
      const children = this.#waiting.get(spanId);
      if (children !== undefined) {
        this.#waiting.delete(spanId);
        for (const child of children) this.#count(service, child);
      }
    }
    if (parentSpanId === '') return;
    const parent = this.#spans.get(parentSpanId);
    if (parent !== undefined) this.#count(parent, service);
    else {
      const children = this.#waiting.get(parentSpanId);
      if (children !== undefined) {
        if (children.length < 64) children.push(service);
      } else remember(this.#waiting, parentSpanId, [service], this.#o.maxSpans);
    }
  }

  /** The calls counted since the last drain. */
  drain(): CallEdge[] {
    const out = [...this.#edges.values()];
    this.#edges = new Map();
    return out;
  }

  #count(caller: string, callee: string): void {
    if (caller === callee) return;
    const key = `${caller}\u0000${callee}`;
    const edge = this.#edges.get(key);
    if (edge !== undefined) edge.calls++;
    else if (this.#edges.size < this.#o.maxEdges) this.#edges.set(key, { caller, callee, calls: 1 });
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
}
