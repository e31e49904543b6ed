import { CallEdgeExtractor } from './call-edges.ts';
import { ErrorPathExtractor, observeSpan } from './error-paths.ts';
import { HostAddressExtractor } from './host-addresses.ts';
import type { SpanObserver } from './signals.ts';

/**
 * What the collector learns from spans for the alert correlator: who calls whom, where failed requests
 * started, and the addresses hosts report; `onSpan` feeds all three (received at `now()`, wall time).
 */
export function traceGraphExtractors(now: () => number): {
  readonly edges: CallEdgeExtractor;
  readonly failures: ErrorPathExtractor;
  readonly hosts: HostAddressExtractor;
  readonly onSpan: SpanObserver;
} {
  const edges = new CallEdgeExtractor({ maxSpans: 50_000, maxEdges: 10_000 });
  const failures = new ErrorPathExtractor({
    maxTraces: 50_000,
    maxSpansPerTrace: 64,
    maxPaths: 100_000,
    maxHosts: 50_000,
  });
  const hosts = new HostAddressExtractor();
  return {
    edges,
    failures,
    hosts,
    onSpan: (span, service, resource) => {
      edges.add(service, span.spanId, span.parentSpanId);
      hosts.observe(resource);
      observeSpan(failures, span, service, resource, now());
    },
  };
}
