/**
 * What the data centre's instrumented applications send over OTLP (about 70% of them run an OpenTelemetry
 * SDK; databases, Kafka, the balancers and the network send nothing): calls sampled before the storm and,
 * while causes last, failed requests as their SDKs record them. A VM reports its own name as
 * `service.instance.id` and its FQDN as `host.name` (the hypervisor under it is invisible); a call to an
 * uninstrumented application names its service hostname (`catalog.ams1.corp.example`), a call to an instance
 * that stopped answering names the instance's FQDN, a failed DNS lookup names what it tried to reach, a query
 * names the database (`db.namespace`). This generator's own model: storms/failures.ts is not used.
 */
import type { DcFault } from './datacenter-causes.ts';
import { vmsOf, type Datacenter, type DcVm } from './datacenter.ts';
import type { FaultWindow } from './failures.ts';
import type { TraceSpan } from './traces.ts';
import { hex, pick } from './world.ts';

export type DcFaultWindow = FaultWindow<DcFault>;

const stepMs = 5_000;
/** Share of failing requests a step that tail sampling keeps, per failing application. */
const keep = 0.4;
const everyday = 10;

type Peer = NonNullable<TraceSpan['peer']>;

export function datacenterTraces(
  dc: Datacenter,
  faults: readonly DcFaultWindow[],
  spanMs: number,
  random: () => number,
): TraceSpan[] {
  const t = new Tracer(dc, random);
  const spans: TraceSpan[] = [];
  const traced = [...dc.apps.values()].filter((a) => a.instrumented);
  for (const a of traced)
    for (const v of vmsOf(dc, a.name)) spans.push(t.span(a.name, v, hex(random, 32), '', 2, -100_000 * random()));
  for (const a of traced)
    for (const callee of a.calls) {
      if (random() >= 0.7) continue;
      for (let k = 0; k < 1 + Math.floor(random() * 3); k++) spans.push(...t.call(a.name, callee, -120_000 * random()));
    }
  for (const { fault, onsetMs, endMs } of faults)
    for (let at = onsetMs; at < Math.min(endMs, spanMs); at += stepMs)
      for (const [app, peer, version] of failing(dc, fault, random))
        if (random() < keep) spans.push(...t.failed(app, Math.min(spanMs - 1, at + random() * stepMs), peer, version));
  for (const a of traced)
    for (let k = 0; k < everyday; k++) {
      const peer: Peer | undefined =
        a.calls.length > 0 && random() < 0.3
          ? { attribute: 'server.address', value: `${pick(random, a.calls)}.${dc.domain}` }
          : undefined;
      spans.push(...t.failed(a.name, random() * spanMs, peer, undefined));
    }
  for (let i = spans.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [spans[i], spans[j]] = [spans[j] as TraceSpan, spans[i] as TraceSpan];
  }
  return spans;
}

/** The instrumented applications whose requests fail in this step, each with what its failing span names. */
function failing(
  dc: Datacenter,
  fault: DcFault,
  random: () => number,
): [string, Peer | undefined, string | undefined][] {
  const traced = [...dc.apps.values()].filter((a) => a.instrumented);
  const host = (name: string): Peer => ({ attribute: 'server.address', value: `${name}.${dc.domain}` });
  switch (fault.kind) {
    case 'unreachable': {
      const out: [string, Peer | undefined, string | undefined][] = [];
      for (const a of traced) {
        if (random() >= fault.share) continue;
        const gone = [...a.calls, ...a.databases].flatMap((c) => vmsOf(dc, c)).filter((v) => fault.vms.has(v.name));
        if (gone.length > 0) out.push([a.name, host(pick(random, gone).name), undefined]);
      }
      return out;
    }
    case 'database':
      return traced
        .filter((a) => a.databases.includes(fault.cluster) && random() < fault.share)
        .map((a) => [a.name, { attribute: 'db.namespace', value: fault.cluster.slice(4) }, undefined]);
    case 'resolve':
      return traced
        .filter((a) => a.calls.length > 0 && random() < fault.share)
        .map((a) => [a.name, host(pick(random, a.calls)), undefined]);
    case 'release': {
      const app = dc.apps.get(fault.app);
      if (app?.instrumented === true) return [[fault.app, undefined, fault.version]];
      return traced.filter((a) => a.calls.includes(fault.app)).map((a) => [a.name, host(fault.app), undefined]);
    }
    case 'callee':
      return traced.filter((a) => a.calls.includes(fault.app)).map((a) => [a.name, host(fault.app), undefined]);
    case 'broker':
      return traced.filter((a) => a.produces).map((a) => [a.name, host(fault.broker), undefined]);
  }
}

class Tracer {
  readonly #dc: Datacenter;
  readonly #random: () => number;
  readonly #callers = new Map<string, string[]>();

  constructor(dc: Datacenter, random: () => number) {
    this.#dc = dc;
    this.#random = random;
    for (const a of dc.apps.values())
      if (a.instrumented) for (const c of a.calls) this.#callers.set(c, [...(this.#callers.get(c) ?? []), a.name]);
  }

  span(
    app: string,
    on: DcVm,
    trace: string,
    parent: string,
    kind: 2 | 3,
    at: number,
    error = false,
    extra: Partial<TraceSpan> = {},
  ): TraceSpan {
    return {
      service: app,
      instance: on.name,
      host: `${on.name}.${this.#dc.domain}`,
      version: this.#dc.apps.get(app)?.version ?? '',
      traceId: trace,
      spanId: hex(this.#random, 16),
      parentSpanId: parent,
      name: kind === 2 ? `HTTP GET /${app}` : 'HTTP GET',
      kind,
      at,
      error,
      ...extra,
    };
  }

  #vm(app: string): DcVm {
    return pick(this.#random, vmsOf(this.#dc, app));
  }

  /** A successful call; to an uninstrumented callee only the client span exists. */
  call(caller: string, callee: string, at: number): TraceSpan[] {
    const id = hex(this.#random, 32);
    const root = this.span(caller, this.#vm(caller), id, '', 2, at);
    const instrumented = this.#dc.apps.get(callee)?.instrumented === true;
    const client = this.span(caller, this.#vm(caller), id, root.spanId, 3, at, false, {
      name: `HTTP GET ${callee}`,
      ...(instrumented ? {} : { peer: { attribute: 'server.address', value: `${callee}.${this.#dc.domain}` } }),
    });
    return instrumented
      ? [root, client, this.span(callee, this.#vm(callee), id, client.spanId, 2, at)]
      : [root, client];
  }

  /** A failed request at `app` (its client span to `peer` when a call failed), carried up zero to two callers. */
  failed(app: string, at: number, peer: Peer | undefined, version: string | undefined): TraceSpan[] {
    const id = hex(this.#random, 32);
    const path = [app];
    while (path.length < 3 && this.#random() < 0.5) {
      const up = this.#callers.get(path[0] ?? '') ?? [];
      if (up.length === 0) break;
      path.unshift(pick(this.#random, up));
    }
    let from = path.length - 1;
    while (from > 0 && this.#random() < 0.6) from--;
    const out: TraceSpan[] = [];
    let parent = '';
    path.forEach((service, i) => {
      const on = this.#vm(service);
      const bottom = i === path.length - 1;
      const server = this.span(
        service,
        on,
        id,
        parent,
        2,
        at,
        i >= from,
        bottom && version !== undefined ? { version } : {},
      );
      out.push(server);
      if (!bottom) {
        const client = this.span(service, on, id, server.spanId, 3, at, i >= from, {
          name: `HTTP GET ${path[i + 1] ?? ''}`,
        });
        out.push(client);
        parent = client.spanId;
      } else if (peer !== undefined) out.push(this.span(service, on, id, server.spanId, 3, at, true, { peer }));
    });
    return out;
  }
}
