import { metricValue, type MetricLine, type Sample } from './sampler.ts';

/** Events published but not committed, summed over every consumer group, topic and partition. */
export const drainedBacklog = (lines: readonly MetricLine[]): number =>
  metricValue(lines, 'insitechart_bus_consumer_lag_events');

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN);
};
const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * Heap and RSS at the end against the reference (minute 10, or a third of a shorter run): the median of
 * the samples within a minute of each point, so one sample caught before a GC does not decide.
 */
export function memoryVerdict(samples: readonly Sample[], minutes: number, referenceMinute?: number) {
  const reference = referenceMinute ?? Math.min(10, minutes / 3);
  const near = (at: number) => samples.filter((s) => Math.abs(s.minute - at) <= Math.min(1, minutes / 10));
  const atReference = near(reference);
  const atEnd = near(samples.at(-1)?.minute ?? minutes);
  const judge = (pick: (s: Sample) => number) => {
    const ref = median(atReference.map(pick));
    const end = median(atEnd.map(pick));
    return {
      at_reference_mb: ref,
      at_end_mb: end,
      ratio: round1((end / ref) * 100) / 100,
      within_10pct: end <= 1.1 * ref,
    };
  };
  // The lowest heap within a minute of each point: the sawtooth's floor, nearest to what survives a
  // collection (the median also carries whatever garbage the samples caught). Reported, not judged.
  const floor = (xs: readonly Sample[]): number => Math.min(...xs.map((s) => s.heapUsedMb));
  const fifths = Math.max(1, Math.ceil((samples.at(-1)?.minute ?? 0) / 5));
  return {
    reference_minute: round1(reference),
    heap: judge((s) => s.heapUsedMb),
    heap_floor: { at_reference_mb: floor(atReference), at_end_mb: floor(atEnd) },
    /** Median heap of each 5 minutes: whether it levels off, and when. */
    heap_by_5_minutes: Array.from({ length: fifths }, (_, i) =>
      round1(
        median(samples.filter((s) => Math.min(fifths - 1, Math.floor(s.minute / 5)) === i).map((s) => s.heapUsedMb)),
      ),
    ),
    rss: judge((s) => s.rssMb),
    event_loop_lag_p99_ms_max: Math.max(...samples.map((s) => s.eventLoopLagP99Ms)),
  };
}

/**
 * Declared bounds: the backbone keeps 10,000 events per partition once every group committed them and
 * trims every 10,000 appends, so a partition holds at most 20,000 while consumers keep up. Other tables
 * declare no row bound; for them the growth per minute after the reference shows whether they level off.
 */
const PARTITION_BOUND = 20_000;

/**
 * Row bounds of tables that declare one: the bus log keeps 50,000 events over all partitions (`retention.total`),
 * trimmed every 5,000 appends (a tenth of it); the alert tables' row caps from platform/alerts (`retention`).
 */
export const TABLE_BOUNDS: Readonly<Record<string, number>> = {
  'backbone.db:events': 55_000,
  'alerts/alerts.db:incident_alerts': 200_000,
  'alerts/alerts.db:delivery_log': 200_000,
};

export function tableVerdicts(samples: readonly Sample[], referenceMinute: number) {
  const last = samples.at(-1);
  const ref = samples.find((s) => s.minute >= referenceMinute) ?? samples[0];
  if (last === undefined || ref === undefined)
    return {
      per_table: {} as Record<string, { rows: number; rows_per_min_after_reference: number }>,
      largest_partition: null,
      bounded: {} as Record<string, { max_rows_seen: number; bound: number; within_bound: boolean }>,
    };
  const span = Math.max(last.minute - ref.minute, 1e-9);
  const perTable = Object.fromEntries(
    Object.entries(last.tables).map(([table, rows]) => [
      table,
      { rows, rows_per_min_after_reference: round1((rows - (ref.tables[table] ?? 0)) / span) },
    ]),
  );
  const largest = Math.max(...samples.map((s) => s.largestPartition.rows));
  const bounded = Object.fromEntries(
    Object.entries(TABLE_BOUNDS).map(([table, bound]) => {
      const max = Math.max(0, ...samples.map((s) => s.tables[table] ?? 0));
      return [table, { max_rows_seen: max, bound, within_bound: max <= bound }];
    }),
  );
  return {
    per_table: perTable,
    bounded,
    largest_partition: {
      ...last.largestPartition,
      max_rows_seen: largest,
      bound: PARTITION_BOUND,
      within_bound: largest <= PARTITION_BOUND,
    },
  };
}
