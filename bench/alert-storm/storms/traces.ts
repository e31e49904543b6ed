/**
 * The traces the platform would have seen from a world's services before its storm: requests entering a
 * service and the calls it makes, as OTLP/JSON spans with the resource an instrumented instance reports
 * (`service.name` in the alerts' vocabulary, `service.instance.id` as its alerts' instance, `host.name`,
 * `service.version`). Sampled: some calls are never traced, and a few spans belong to services outside the
 * world (clients, batch jobs). Only spans reach the platform: the call graph is what its collector
 * reconstructs from parent span ids. The traces sent while the storm goes on are storms/failures.ts'.
 */
import { hex, pick, type Instance, type World } from './world.ts';

export interface TraceSpan {
  readonly service: string;
  readonly instance: string;
  readonly host: string;
  /** `host.ip` of the resource, when the world's machines have addresses. */
  readonly hostIp?: string;
  readonly version: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP SpanKind: 2 server, 3 client. */
  readonly kind: 2 | 3;
  /** Start, ms from the storm's start (negative: before it). */
  readonly at: number;
  readonly error: boolean;
  /** The remote a client span called that has no spans of its own (a database, a pod gone). */
  readonly peer?: { readonly attribute: string; readonly value: string };
}

/** Builds spans for one world: each service's instances and the version its instances report. */
export class SpanMaker {
  readonly #world: World;
  readonly #random: () => number;
  readonly #versions: ReadonlyMap<string, string>;

  constructor(world: World, random: () => number, versions: ReadonlyMap<string, string>) {
    this.#world = world;
    this.#random = random;
    this.#versions = versions;
  }

  id(n = 16): string {
    return hex(this.#random, n);
  }

  instanceOf(service: string): Instance {
    return pick(this.#random, this.#world.instances.get(service) ?? [{ name: `${service}-0`, machine: '' }]);
  }

  span(
    service: string,
    on: Instance,
    trace: string,
    parent: string,
    kind: 2 | 3,
    at: number,
    error = false,
    extra: { name?: string; version?: string; peer?: TraceSpan['peer'] } = {},
  ): TraceSpan {
    const hostIp = this.#world.addresses?.get(on.machine);
    return {
      service,
      instance: on.name,
      host: on.machine,
      ...(hostIp === undefined ? {} : { hostIp }),
      version: extra.version ?? this.#versions.get(service) ?? '',
      traceId: trace,
      spanId: this.id(),
      parentSpanId: parent,
      name: extra.name ?? (kind === 2 ? `GET /${service}` : 'call'),
      kind,
      at,
      error,
      ...(extra.peer === undefined ? {} : { peer: extra.peer }),
    };
  }
}

/** The version each service runs before any deploy of the storm. */
export function versionsOf(world: World, random: () => number): Map<string, string> {
  return new Map([...world.instances.keys()].map((s) => [s, world.vocabulary.version_of(s, random)]));
}

/** Each call path is traced with probability `sampled`, 1-4 times when it is, in the two minutes before. */
export function tracesOf(world: World, random: () => number, make: SpanMaker, sampled = 0.85): TraceSpan[] {
  const spans: TraceSpan[] = [];
  // Every instance serves requests (and says which host it runs on).
  for (const [service, instances] of world.instances)
    for (const on of instances) spans.push(make.span(service, on, make.id(32), '', 2, -120_000 + random() * 110_000));
  for (const [caller, callees] of world.calls)
    for (const callee of callees) {
      if (random() >= sampled) continue;
      const times = 1 + Math.floor(random() * 4);
      for (let k = 0; k < times; k++) {
        const trace = make.id(32);
        const at = -120_000 + random() * 110_000;
        const from = make.instanceOf(caller);
        const root = make.span(caller, from, trace, '', 2, at);
        const client = make.span(caller, from, trace, root.spanId, 3, at, false, { name: `call ${callee}` });
        spans.push(root, client, make.span(callee, make.instanceOf(callee), trace, client.spanId, 2, at));
      }
    }
  // Callers from outside (a mobile client, a batch job) make edges to services that group nothing.
  const services = [...world.calls.keys()];
  for (let k = 0; k < 10 && services.length > 0; k++) {
    const trace = make.id(32);
    const at = -60_000 + random() * 50_000;
    const outside = { name: `external-${String(k % 3)}`, machine: '' };
    const client = make.span(outside.name, outside, trace, '', 3, at);
    const service = pick(random, services);
    spans.push(client, make.span(service, make.instanceOf(service), trace, client.spanId, 2, at));
  }
  shuffle(spans, random);
  return spans;
}

/** Spans arrive in any order: children before their parents. */
export function shuffle(xs: TraceSpan[], random: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j] as TraceSpan, xs[i] as TraceSpan];
  }
}

/** OTLP/JSON export requests, one resource per instance and version, at most `perRequest` spans each. */
export function otlpRequests(spans: readonly TraceSpan[], t0Ms: number, perRequest = 500): unknown[] {
  const out: unknown[] = [];
  const nanos = (ms: number): string => String(BigInt(Math.round(t0Ms + ms)) * 1_000_000n);
  for (let i = 0; i < spans.length; i += perRequest) {
    const byResource = new Map<string, TraceSpan[]>();
    for (const s of spans.slice(i, i + perRequest)) {
      const key = JSON.stringify([s.service, s.instance, s.host, s.hostIp, s.version]);
      byResource.set(key, [...(byResource.get(key) ?? []), s]);
    }
    out.push({
      resourceSpans: [...byResource.values()].map((list) => {
        const first = list[0] as TraceSpan;
        const resource: [string, string][] = [
          ['service.name', first.service],
          ['service.instance.id', first.instance],
          ['host.name', first.host],
          ['service.version', first.version],
        ];
        const attributes: unknown[] = resource
          .filter(([, v]) => v !== '')
          .map(([key, v]) => ({ key, value: { stringValue: v } }));
        // As OpenTelemetry's semantic conventions have it: a list of the host's addresses.
        if (first.hostIp !== undefined)
          attributes.push({ key: 'host.ip', value: { arrayValue: { values: [{ stringValue: first.hostIp }] } } });
        return {
          resource: { attributes },
          scopeSpans: [
            {
              scope: { name: 'storm' },
              spans: list.map((s) => ({
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId,
                name: s.name,
                kind: s.kind,
                startTimeUnixNano: nanos(s.at),
                endTimeUnixNano: nanos(s.at + 5),
                attributes:
                  s.peer === undefined ? [] : [{ key: s.peer.attribute, value: { stringValue: s.peer.value } }],
                status: s.error ? { code: 2, message: 'error' } : { code: 0 },
              })),
            },
          ],
        };
      }),
    });
  }
  return out;
}
