import { CallEdgeExtractor } from './call-edges.ts';
import { ErrorPathExtractor, observeSpan } from './error-paths.ts';
import type { SpanObserver } from './signals.ts';

/**
 * What the collector learns from spans for the alert correlator: who calls whom, and where failed requests
 * started; `onSpan` feeds both (received at `now()`, wall time).
 */
export function traceGraphExtractors(now: () => number): {
  readonly edges: CallEdgeExtractor;
  readonly failures: ErrorPathExtractor;
  readonly onSpan: SpanObserver;
} {
  const edges = new CallEdgeExtractor({ maxSpans: 50_000, maxEdges: 10_000 });
  const failures = new ErrorPathExtractor({
    maxTraces: 50_000,
    maxSpansPerTrace: 64,
    maxPaths: 100_000,
    maxHosts: 50_000,
  });
  return {
    edges,
    failures,
    onSpan: (span, service, resource) => {
      edges.add(service, span.spanId, span.parentSpanId);
      observeSpan(failures, span, service, resource, now());
    },
  };
}
