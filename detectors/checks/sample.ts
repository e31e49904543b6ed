import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { serviceOfApiPath } from '../../platform/http/api-services.ts';
import { READY_METRIC } from '../../platform/telemetry/readiness.ts';

/** What the checks read from the platform at one instant: cumulative counters and current levels. */
export interface Sample {
  readonly ts: number;
  /**
   * Whether the process served users when sampled (`insitechart_process_ready`); true in a registry without that
   * gauge (nothing says it is starting).
   */
  readonly ready: boolean;
  /** Per API service: requests, 5xx answers and seconds spent, since start. */
  readonly http: Readonly<Record<string, { count: number; errors: number; sum: number }>>;
  /** Ticks the market feed published since start. */
  readonly ticks: number;
  /** Consumer lag per group (events), summed over topics and partitions. */
  readonly lag: Readonly<Record<string, number>>;
  readonly rssBytes: number;
  /** Bytes under DATA_DIR (undefined between measurements: walking the directory is not free). */
  readonly dataDirBytes: number | undefined;
  /** Embedded mode: memory each component's threads hold (its process scope), by component. */
  readonly componentBytes: Readonly<Record<string, number>>;
}

interface MetricValue {
  readonly value: number;
  readonly labels: Record<string, string | number | undefined>;
  readonly metricName?: string;
}

/** Reads one sample from the platform's registry (what /metrics serves). */
export async function readSample(
  registry: Registry,
  dataDirBytes: number | undefined,
  componentBytes: Readonly<Record<string, number>> = {},
): Promise<Sample> {
  const metrics = (await registry.getMetricsAsJSON()) as unknown as { name: string; values: MetricValue[] }[];
  const values = (name: string): MetricValue[] => metrics.find((m) => m.name === name)?.values ?? [];
  const http: Record<string, { count: number; errors: number; sum: number }> = {};
  for (const v of values('insitechart_http_request_duration_seconds')) {
    const service = serviceOfApiPath(String(v.labels.route ?? ''));
    if (service === undefined) continue;
    const entry = (http[service] ??= { count: 0, errors: 0, sum: 0 });
    if (v.metricName?.endsWith('_count') === true) {
      entry.count += v.value;
      if (String(v.labels.status_code ?? '').startsWith('5')) entry.errors += v.value;
    } else if (v.metricName?.endsWith('_sum') === true) entry.sum += v.value;
  }
  const lag: Record<string, number> = {};
  for (const v of values('insitechart_bus_consumer_lag_events')) {
    const group = String(v.labels.group ?? '');
    lag[group] = (lag[group] ?? 0) + v.value;
  }
  const readiness = values(READY_METRIC)[0]?.value;
  return {
    ts: Date.now(),
    ready: readiness === undefined || readiness >= 1,
    http,
    ticks: values('insitechart_feed_ticks_total').reduce((sum, v) => sum + v.value, 0),
    lag,
    rssBytes: process.memoryUsage.rss(),
    dataDirBytes,
    componentBytes,
  };
}

/** Bytes of the files under `dir`, walking at most `maxEntries` entries (a bound on the work, not the answer). */
export function directoryBytes(dir: string, maxEntries = 5_000): number {
  let total = 0;
  let seen = 0;
  const stack = [dir];
  while (stack.length > 0 && seen < maxEntries) {
    const current = stack.pop() ?? dir;
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      seen += 1;
      const path = join(current, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile())
        try {
          total += statSync(path).size;
        } catch {
          // removed between listing and stat
        }
    }
  }
  return total;
}
