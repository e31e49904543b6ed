/**
 * Where failing requests failed, from traces (the root-cause view of trace backends): in one trace, an error
 * span none of whose children failed is where the error started (its origin), and the error spans above it
 * are the services it reached on its way up. The origin is the remote a client span called when nothing
 * answered it with an error of its own (`peer.service`, `db.namespace`, `server.address`...: a database, a
 * cache, a pod that is gone), else the service whose own span failed, with its version. Spans of a trace
 * arrive in any order, so only error spans are kept, per trace, until the trace has been quiet for a while.
 * Per window the paths are counted per (10 s of span time, service and instance that failed, origin); all of
 * it is bounded (traces, spans per trace, paths per drain, instances whose host is remembered).
 */
import { attributeMap } from './labels.ts';
import type { Span } from './schema.ts';

export interface ErrorSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly service: string;
  /** `service.instance.id` of the resource, when it says. */
  readonly instance?: string;
  readonly version?: string;
  /** OTLP SpanKind (3 client, 4 producer: a call out). */
  readonly kind: number;
  /** The remote the span called, for client and producer spans. */
  readonly peer?: string;
  /** Span start, ms since the epoch (event time). */
  readonly at: number;
}

/** One counted path: the service (and instance) whose requests failed, and where the failure started. */
export interface ErrorPath {
  /** Start of the 10 s bucket of span time, ms since the epoch. */
  readonly at: number;
  /** The failing service, then its instance when known. */
  readonly on: string[];
  /** The origin: a remote (and its host when known), or a service (and its version). */
  readonly origin: string[];
  readonly count: number;
}

export interface ErrorPathOptions {
  /** Traces whose error spans are held until they settle. */
  readonly maxTraces: number;
  /** Error spans kept per trace. */
  readonly maxSpansPerTrace: number;
  /** Distinct paths counted per drain. */
  readonly maxPaths: number;
  /** Instances whose host (`host.name`) is remembered, to name the host of a remote that failed. */
  readonly maxHosts: number;
}

const bucketMs = 10_000;

interface Held {
  readonly spans: ErrorSpan[];
  lastSeen: number;
}

export class ErrorPathExtractor {
  readonly #o: ErrorPathOptions;
  /** trace id -> its error spans, least recently seen first. */
  readonly #traces = new Map<string, Held>();
  /** instance -> host, from every span's resource. */
  readonly #hosts = new Map<string, string>();

  constructor(options: ErrorPathOptions) {
    this.#o = options;
  }

  /** Any span's resource: which host an instance runs on. */
  learnHost(instance: string, host: string): void {
    if (instance === '' || host === '' || this.#hosts.get(instance) === host) return;
    this.#hosts.delete(instance);
    this.#hosts.set(instance, host);
    if (this.#hosts.size > this.#o.maxHosts) {
      const oldest = this.#hosts.keys().next();
      if (oldest.done !== true) this.#hosts.delete(oldest.value);
    }
  }

  /** A span with status ERROR, received at `now` (wall time). */
  add(span: ErrorSpan, now: number): void {
    if (span.traceId === '' || span.spanId === '') return;
    let held = this.#traces.get(span.traceId);
    if (held === undefined) {
      held = { spans: [], lastSeen: now };
      if (this.#traces.size >= this.#o.maxTraces) {
        const oldest = this.#traces.keys().next();
        if (oldest.done !== true) this.#traces.delete(oldest.value);
      }
    } else this.#traces.delete(span.traceId);
    held.lastSeen = now;
    this.#traces.set(span.traceId, held);
    if (held.spans.length < this.#o.maxSpansPerTrace) held.spans.push(span);
  }

  /** The paths of the traces quiet since `settledBefore` (wall time), counted; those traces are let go. */
  drain(settledBefore: number): ErrorPath[] {
    const counts = new Map<string, { at: number; on: string[]; origin: string[]; count: number }>();
    for (const [id, held] of this.#traces) {
      // Least recently seen first: the rest are younger still.
      if (held.lastSeen > settledBefore) break;
      this.#traces.delete(id);
      for (const p of this.#pathsOf(held.spans)) {
        const key = JSON.stringify([p.at, p.on, p.origin]);
        const known = counts.get(key);
        if (known !== undefined) known.count++;
        else if (counts.size < this.#o.maxPaths) counts.set(key, { ...p, count: 1 });
      }
    }
    return [...counts.values()];
  }

  /** Each failing span of one trace with the origin of its failure (once per failing service and origin). */
  #pathsOf(spans: readonly ErrorSpan[]): { at: number; on: string[]; origin: string[] }[] {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parents = new Set(spans.map((s) => s.parentSpanId));
    const out = new Map<string, { at: number; on: string[]; origin: string[] }>();
    for (const leaf of spans) {
      if (parents.has(leaf.spanId)) continue;
      const origin = this.#originOf(leaf);
      const seen = new Set<string>();
      for (let s: ErrorSpan | undefined = leaf; s !== undefined && !seen.has(s.spanId); s = byId.get(s.parentSpanId)) {
        seen.add(s.spanId);
        const on = s.instance === undefined ? [s.service] : [s.service, s.instance];
        const at = Math.floor(s.at / bucketMs) * bucketMs;
        out.set(JSON.stringify([on, origin]), { at, on, origin });
      }
    }
    return [...out.values()];
  }

  #originOf(leaf: ErrorSpan): string[] {
    const callsOut = leaf.kind === 3 || leaf.kind === 4;
    if (callsOut && leaf.peer !== undefined) {
      const host = this.#hosts.get(leaf.peer);
      return host === undefined ? [leaf.peer] : [leaf.peer, host];
    }
    return leaf.version === undefined ? [leaf.service] : [leaf.service, leaf.version];
  }
}

/** The attribute naming the remote a client span called, in the order of the OpenTelemetry conventions. */
const peerAttributes = [
  'peer.service',
  'db.namespace',
  'db.name',
  'messaging.destination.name',
  'server.address',
  'net.peer.name',
] as const;

/** Every span tells which host its instance runs on; a failed one (status ERROR) is held for its trace. */
export function observeSpan(
  failures: ErrorPathExtractor,
  span: Span,
  service: string,
  resource: ReadonlyMap<string, string>,
  now: number,
): void {
  const instance = resource.get('service.instance.id') ?? '';
  failures.learnHost(instance, resource.get('host.name') ?? '');
  if (span.status.code !== 2) return;
  const attributes = attributeMap(span.attributes);
  const peer = peerAttributes.map((k) => attributes.get(k)).find((v) => v !== undefined && v !== '');
  const version = resource.get('service.version') ?? '';
  failures.add(
    {
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      service,
      ...(instance === '' ? {} : { instance }),
      ...(version === '' ? {} : { version }),
      kind: span.kind,
      ...(peer === undefined ? {} : { peer }),
      at: span.startTimeUnixNano,
    },
    now,
  );
}
