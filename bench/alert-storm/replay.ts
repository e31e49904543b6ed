/**
 * Replays a storm through an in-process pipeline (manual clock, no HTTP): fast enough to compare settings.
 * The figures the bench reports come from the running platform; this is for choosing settings only.
 */
import { fingerprintOf } from '../../platform/alerts/fingerprint.ts';
import { alert, testPipeline } from '../../platform/alerts/test-support.ts';
import type { AlertsConfigInput } from '../../platform/alerts/config/schema.ts';
import { tracesRequest } from '../../collectors/otlp/schema.ts';
import { SignalAggregator } from '../../collectors/otlp/signals.ts';
import { traceGraphExtractors } from '../../collectors/otlp/trace-graph.ts';
import { ServiceGraph } from '../../platform/alerts/correlation/service-graph.ts';
import { seededRandom } from '../../platform/random/seeded.ts';
import { score, type Scores } from './score.ts';
import type { Storm } from './storms/storm.ts';
import { otlpRequests } from './storms/traces.ts';

export function replay(storm: Storm, correlation: AlertsConfigInput['correlation'], jitterMs = 0): Scores {
  const start = Date.parse('2026-03-02T10:00:00Z');
  const { pipeline, clock } = testPipeline(
    { route: { receiver: 'none' }, receivers: [{ name: 'none', targets: [] }], correlation },
    start,
    graphOf(storm, start),
  );
  const t0 = clock.now();
  const placed = new Map<string, string>();
  const causeOf = new Map<string, string>();
  // Open incidents, followed until they close: an alert's place is its last open incident's (merges move it).
  const open = new Set<string>();
  let now = t0;
  for (const a of jittered(storm, jitterMs)) {
    now = Math.max(now, t0 + a.at);
    clock.set(now);
    const fp = fingerprintOf(a.labels);
    causeOf.set(fp, a.cause);
    const r = pipeline.process({ ...alert(a.labels, t0 + a.startsAt, a.status), fingerprint: fp });
    if (r.incidentId !== undefined && !placed.has(fp)) placed.set(fp, r.incidentId);
    if (r.incidentId !== undefined) open.add(r.incidentId);
    for (const id of open) {
      const incident = pipeline.incident(id);
      if (incident === undefined) open.delete(id);
      else for (const moved of incident.alerts.keys()) placed.set(moved, id);
    }
  }
  pipeline.stop();
  return score([...causeOf].map(([fp, cause]) => ({ cause, incident: placed.get(fp) })));
}

/** The graph is only read while alerts are correlated: one per storm serves every setting replayed. */
const graphs = new WeakMap<Storm, ServiceGraph>();
function graphOf(storm: Storm, at: number): ServiceGraph {
  let graph = graphs.get(storm);
  if (graph === undefined) graphs.set(storm, (graph = observedGraph(storm, at)));
  return graph;
}

/**
 * The graph as the platform builds it: the spans as OTLP requests (event times from `at`, the storm's start)
 * through the collector's extractors into the alerts' graph and its traced errors.
 */
export function observedGraph(storm: Storm, at: number): ServiceGraph {
  const { edges, failures, hosts, onSpan } = traceGraphExtractors(() => at);
  const aggregator = new SignalAggregator({ maxKeys: 100_000, now: at, onSpan });
  for (const request of otlpRequests(storm.traces, at)) aggregator.addSpans(tracesRequest.parse(request));
  const graph = new ServiceGraph();
  for (const e of edges.drain()) graph.observe(e.caller, e.callee, e.calls, at);
  for (const e of failures.drain(at)) graph.errors.observe(e);
  for (const h of hosts.drain()) graph.hosts.learn(h.name, h.addresses);
  return graph;
}

/**
 * The storm's sends in the order a loaded platform may take them: each send delayed by a uniform share of
 * `jitterMs` of event time (seeded per storm), as concurrent webhooks of a storm compressed to seconds arrive
 * (at 10,000 alerts/min 1 s of delay is minutes of the storm's event time). 0: the order sent.
 */
export function jittered(storm: Storm, jitterMs: number): readonly Storm['alerts'][number][] {
  if (jitterMs <= 0) return storm.alerts;
  const random = seededRandom(storm.alerts.length);
  return storm.alerts
    .map((a) => ({ a, key: a.at + random() * jitterMs }))
    .sort((x, y) => x.key - y.key)
    .map((x) => x.a);
}
