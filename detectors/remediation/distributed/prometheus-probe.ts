/**
 * Verification in distributed mode: each service exports its own metrics, so the remediation process reads the
 * triggering series back from Prometheus, as the detector tier's `prometheus` source named it (a selector's labels,
 * or `__name__="promql"` with the expression as `query`). Incidents recover when their alert resolves (alerts.ops).
 */
import type { SignalProbe } from '../guardrails/verification.ts';
import { backInRange, type ResolvedAlerts } from '../probe.ts';
import type { Series } from '../../series.ts';
import { formatSelector } from '../../sources/source.ts';

/** The one Prometheus call the probe makes (PrometheusSource.instant). */
export interface InstantQuery {
  instant(query: string): Promise<Series[]>;
}

/** The latest value of the series the labels name: the sum over what fits; undefined when Prometheus has none. */
export async function readSeries(
  prometheus: InstantQuery,
  labels: Readonly<Record<string, string>>,
): Promise<number | undefined> {
  const { __name__: name, query, ...rest } = labels;
  const expression =
    name === 'promql' && query !== undefined
      ? query
      : formatSelector(Object.entries(labels).map(([k, value]) => ({ name: k, op: '=' as const, value })));
  const fitting = (await prometheus.instant(expression)).filter((s) =>
    Object.entries(rest).every(([k, v]) => s.labels[k] === v),
  );
  const values = fitting.flatMap((s) => s.points.map((p) => p.value));
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
}

export function prometheusProbe(prometheus: InstantQuery, resolved: ResolvedAlerts): SignalProbe {
  return {
    async recovered(signal, since) {
      if (signal.kind === 'incident') return resolved.since(signal.fingerprint, since);
      const value = await readSeries(prometheus, signal.labels);
      return value === undefined ? undefined : backInRange(signal, value);
    },
  };
}
