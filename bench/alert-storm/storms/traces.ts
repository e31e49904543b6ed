/**
 * The traces the platform would have seen from a world's services before its storm: requests entering a
 * service and the calls it makes, as OTLP/JSON spans with `service.name` set (the service's name in
 * the alerts' vocabulary, as an instrumented service reports itself). Sampled: some calls are never
 * traced, and a few spans belong to services outside the world (clients, batch jobs). Only spans reach the
 * platform: the call graph is what its collector reconstructs from parent span ids.
 */
import { hex, pick, type World } from './world.ts';

export interface TraceSpan {
  readonly service: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP SpanKind: 2 server, 3 client. */
  readonly kind: 2 | 3;
}

/** Each call path is traced with probability `sampled`, 1-4 times when it is. */
export function tracesOf(world: World, random: () => number, sampled = 0.85): TraceSpan[] {
  const spans: TraceSpan[] = [];
  const id = (): string => hex(random, 16);
  const serve = (service: string, parent: string): string => {
    const spanId = id();
    spans.push({ service, spanId, parentSpanId: parent, name: `GET /${service}`, kind: 2 });
    return spanId;
  };
  for (const [caller, callees] of world.calls)
    for (const callee of callees) {
      if (random() >= sampled) continue;
      const times = 1 + Math.floor(random() * 4);
      for (let k = 0; k < times; k++) {
        const root = serve(caller, '');
        const client = id();
        spans.push({ service: caller, spanId: client, parentSpanId: root, name: `call ${callee}`, kind: 3 });
        serve(callee, client);
      }
    }
  // Callers from outside (a mobile client, a batch job) make edges to services that group nothing.
  const services = [...world.calls.keys()];
  for (let k = 0; k < 10 && services.length > 0; k++) {
    const client = id();
    spans.push({ service: `external-${String(k % 3)}`, spanId: client, parentSpanId: '', name: 'call', kind: 3 });
    serve(pick(random, services), client);
  }
  // Spans arrive in any order: children before their parents.
  for (let i = spans.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [spans[i], spans[j]] = [spans[j] as TraceSpan, spans[i] as TraceSpan];
  }
  return spans;
}

/** OTLP/JSON export requests, one resource per service, at most `perRequest` spans each. */
export function otlpRequests(spans: readonly TraceSpan[], nowMs: number, perRequest = 500): unknown[] {
  const out: unknown[] = [];
  const ns = String(BigInt(Math.round(nowMs)) * 1_000_000n);
  for (let i = 0; i < spans.length; i += perRequest) {
    const byService = new Map<string, TraceSpan[]>();
    for (const s of spans.slice(i, i + perRequest)) byService.set(s.service, [...(byService.get(s.service) ?? []), s]);
    out.push({
      resourceSpans: [...byService].map(([service, list]) => ({
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'storm' },
            spans: list.map((s) => ({
              traceId: hex(() => 0.5, 32),
              spanId: s.spanId,
              parentSpanId: s.parentSpanId,
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: ns,
              endTimeUnixNano: ns,
            })),
          },
        ],
      })),
    });
  }
  return out;
}
