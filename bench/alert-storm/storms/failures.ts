/**
 * The traces the services send while the storm goes on, as production tracing would keep them (errors kept
 * by tail sampling, thinned): requests that fail where the fault is, their error carried up the callers
 * that did not handle it, plus everyday errors unrelated to any cause. What a fault looks like in a trace:
 * - a remote gone (database, cache, broker): the user's client span to it fails, naming it (`db.namespace`,
 *   `server.address`); a quarter of the time the caller times out first, naming the user instead;
 * - a stalled feed: its users answer with errors of their own (nothing failed in a call);
 * - machines lost: callers' client spans to the instances on them fail, naming the instance;
 * - a bad deploy: the service's instances fail, reporting the new version.
 * The spans say nothing of causes; the platform's collector has to find where each trace failed.
 */
import type { Fault } from './causes.ts';
import { shuffle, type SpanMaker, type TraceSpan } from './traces.ts';
import { pick, type World } from './world.ts';

/** A fault and when it lasts (generators with a fault model of their own give theirs). */
export interface FaultWindow<F = Fault> {
  readonly fault: F;
  readonly onsetMs: number;
  readonly endMs: number;
}

/** Every `stepMs` of a fault, each failing service yields a kept trace with this probability. */
const keep = 0.5;
const stepMs = 2_000;
/** A caller passes an error on (instead of handling it) with this probability, per hop. */
const passOn = 0.75;
/** Unrelated failed requests per service over the storm. */
const everyday = 12;

export function failureTraces(
  world: World,
  faults: readonly FaultWindow[],
  spanMs: number,
  random: () => number,
  make: SpanMaker,
): TraceSpan[] {
  const callers = new Map<string, string[]>();
  for (const [caller, callees] of world.calls)
    for (const callee of callees) callers.set(callee, [...(callers.get(callee) ?? []), caller]);
  const serviceOf = new Map<string, string>();
  for (const [service, instances] of world.instances) for (const i of instances) serviceOf.set(i.name, service);
  const spans: TraceSpan[] = [];
  const request = (service: string, at: number, leaf: Leaf): void => {
    spans.push(...failedRequest(service, at, leaf, callers, random, make));
  };
  for (const { fault, onsetMs, endMs } of faults)
    for (let t = onsetMs; t < Math.min(endMs, spanMs); t += stepMs)
      for (const [service, leaf] of failing(fault, callers, serviceOf, random)) {
        if (random() >= keep) continue;
        const at = t + random() * stepMs;
        if (at < spanMs) request(service, at, leaf);
      }
  const services = [...world.instances.keys()];
  const remotes = [...world.resources.entries()].flatMap(([kind, pool]) =>
    kind === 'feed' ? [] : [...pool].map(([name, users]) => ({ name, users })),
  );
  for (const service of services)
    for (let k = 0; k < everyday; k++) {
      const used = remotes.filter((r) => r.users.includes(service));
      const leaf: Leaf =
        used.length > 0 && random() < 0.3
          ? { kind: 'remote', attribute: 'server.address', value: pick(random, used).name }
          : { kind: 'own' };
      request(service, random() * spanMs, leaf);
    }
  shuffle(spans, random);
  return spans;
}

type Leaf =
  | { readonly kind: 'own'; readonly version?: string }
  | { readonly kind: 'remote'; readonly attribute: string; readonly value: string }
  | { readonly kind: 'instance'; readonly instance: string; readonly service: string };

/** The services whose requests fail this step, each with how its failure starts. */
function failing(
  fault: Fault,
  callers: ReadonlyMap<string, readonly string[]>,
  serviceOf: ReadonlyMap<string, string>,
  random: () => number,
): [string, Leaf][] {
  switch (fault.kind) {
    case 'remote':
      return fault.users.map((u) => [u, { kind: 'remote', attribute: fault.attribute, value: fault.remote }]);
    case 'stale':
      return fault.services.map((s) => [s, { kind: 'own' }]);
    case 'version':
      return [[fault.service, { kind: 'own', version: fault.version }]];
    case 'instances':
      // A gone instance has no spans: its callers' calls to it fail.
      return [...fault.instances].flatMap((instance): [string, Leaf][] => {
        const service = serviceOf.get(instance) ?? '';
        const from = callers.get(service) ?? [];
        return from.length === 0 ? [] : [[pick(random, from), { kind: 'instance', instance, service }]];
      });
  }
}

/**
 * One failed request: the failing service's span (and its client span when a call failed), then up to two
 * callers above it, each failing too unless it handled the error.
 */
function failedRequest(
  failing: string,
  at: number,
  leaf: Leaf,
  callers: ReadonlyMap<string, readonly string[]>,
  random: () => number,
  make: SpanMaker,
): TraceSpan[] {
  const trace = make.id(32);
  const path = [failing];
  for (let hop = 0; hop < 2 && random() < 0.6; hop++) {
    const up = callers.get(path[0] ?? '') ?? [];
    if (up.length === 0) break;
    path.unshift(pick(random, up));
  }
  // Top down: each service's server span, its client span to the next; errors from the bottom up.
  const bottom = path.length - 1;
  let failingFrom = bottom;
  while (failingFrom > 0 && random() < passOn) failingFrom--;
  const timeoutAbove = leaf.kind === 'remote' && bottom > 0 && random() < 0.25;
  const out: TraceSpan[] = [];
  let parent = '';
  path.forEach((service, i) => {
    const on = make.instanceOf(service);
    const failed = i >= failingFrom && !(timeoutAbove && i === bottom);
    const version = i === bottom && leaf.kind === 'own' ? leaf.version : undefined;
    const server = make.span(service, on, trace, parent, 2, at, failed, version === undefined ? {} : { version });
    out.push(server);
    if (i < bottom) {
      const callee = path[i + 1] ?? '';
      const timedOut = timeoutAbove && i === bottom - 1;
      const client = make.span(service, on, trace, server.spanId, 3, at, failed, {
        name: `call ${callee}`,
        ...(timedOut ? { peer: { attribute: 'peer.service', value: callee } } : {}),
      });
      out.push(client);
      parent = client.spanId;
    } else if (leaf.kind === 'remote')
      out.push(
        make.span(service, on, trace, server.spanId, 3, at, failed, {
          peer: { attribute: leaf.attribute, value: leaf.value },
        }),
      );
    else if (leaf.kind === 'instance')
      out.push(
        make.span(service, on, trace, server.spanId, 3, at, failed, {
          name: `call ${leaf.service}`,
          peer: { attribute: 'server.address', value: leaf.instance },
        }),
      );
  });
  return out;
}
