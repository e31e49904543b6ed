/**
 * Replays a storm through an in-process pipeline (manual clock, no HTTP): fast enough to compare settings.
 * The figures the bench reports come from the running platform; this is for choosing settings only.
 */
import { fingerprintOf } from '../../platform/alerts/fingerprint.ts';
import { alert, testPipeline } from '../../platform/alerts/test-support.ts';
import type { AlertsConfigInput } from '../../platform/alerts/config/schema.ts';
import { CallEdgeExtractor } from '../../collectors/otlp/call-edges.ts';
import { ServiceGraph } from '../../platform/alerts/correlation/service-graph.ts';
import { score, type Scores } from './score.ts';
import type { Storm } from './storms/storm.ts';

export function replay(storm: Storm, correlation: AlertsConfigInput['correlation']): Scores {
  const start = Date.parse('2026-03-02T10:00:00Z');
  const { pipeline, clock } = testPipeline(
    { route: { receiver: 'none' }, receivers: [{ name: 'none', targets: [] }], correlation },
    start,
    observedGraph(storm, start),
  );
  const t0 = clock.now();
  const placed = new Map<string, string>();
  const causeOf = new Map<string, string>();
  // Open incidents, followed until they close: an alert's place is its last open incident's (merges move it).
  const open = new Set<string>();
  for (const a of storm.alerts) {
    clock.set(t0 + a.at);
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

/** The graph as the platform builds it: spans through the collector's extractor into the alerts' graph. */
export function observedGraph(storm: Storm, at: number): ServiceGraph {
  const edges = new CallEdgeExtractor({ maxSpans: 50_000, maxEdges: 10_000 });
  for (const s of storm.traces) edges.add(s.service, s.spanId, s.parentSpanId);
  const graph = new ServiceGraph();
  for (const e of edges.drain()) graph.observe(e.caller, e.callee, e.calls, at);
  return graph;
}
