import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricValue, parseExposition, type Sample } from './sampler.ts';
import { drainedBacklog, memoryVerdict, tableVerdicts } from './verdict.ts';

const sample = (minute: number, heapUsedMb: number, rssMb: number, rows: number): Sample => ({
  minute,
  heapUsedMb,
  rssMb,
  eventLoopLagP99Ms: 1,
  tables: { 'backbone.db:events': rows },
  largestPartition: { key: 'market.ticks/0', rows },
});

describe('soak verdict', () => {
  it('reads Prometheus exposition lines with labels and sums a metric over them', () => {
    const lines = parseExposition(
      [
        '# HELP insitechart_bus_consumer_lag_events lag',
        'insitechart_bus_consumer_lag_events{group="a",topic="market.ticks",partition="0"} 3',
        'insitechart_bus_consumer_lag_events{group="b",topic="alerts.ops",partition="1"} 4',
        'nodejs_heap_size_used_bytes 1048576',
      ].join('\n'),
    );
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[1]?.labels, { group: 'b', topic: 'alerts.ops', partition: '1' });
    assert.equal(drainedBacklog(lines), 7);
    assert.equal(metricValue(lines, 'nodejs_heap_size_used_bytes'), 1048576);
  });

  it('compares the medians around minute 10 and the end, so one sample before a GC does not decide', () => {
    const flat = [9.5, 10, 10.5, 29, 29.5, 30].map((m) => sample(m, m === 29.5 ? 500 : 100, 300, 1000));
    const verdict = memoryVerdict(flat, 30);
    assert.equal(verdict.reference_minute, 10);
    assert.equal(verdict.heap.at_end_mb, 100);
    assert.equal(verdict.heap.within_10pct, true);
    assert.deepEqual(verdict.heap_floor, { at_reference_mb: 100, at_end_mb: 100 });
    assert.deepEqual(verdict.heap_by_5_minutes, [NaN, 100, 100, NaN, NaN, 100]);
    const growing = [9.5, 10, 10.5, 29, 29.5, 30].map((m) => sample(m, 100 + m * 2, 300 + m, 1000));
    const grown = memoryVerdict(growing, 30);
    assert.equal(grown.heap.within_10pct, false);
    assert.ok(grown.heap.ratio > 1.3);
    assert.deepEqual(grown.heap_floor, { at_reference_mb: 119, at_end_mb: 158 });
  });

  it('judges the largest partition against its bound and reports growth after the reference', () => {
    const samples = [sample(10, 1, 1, 10_000), sample(20, 1, 1, 25_000)];
    const tables = tableVerdicts(samples, 10);
    assert.equal(tables.largest_partition?.within_bound, false);
    assert.deepEqual(tables.per_table['backbone.db:events'], { rows: 25_000, rows_per_min_after_reference: 1500 });
    assert.equal(tables.bounded['backbone.db:events']?.within_bound, true);
    const over = tableVerdicts([sample(10, 1, 1, 10_000), sample(20, 1, 1, 60_000), sample(30, 1, 1, 50_000)], 10);
    assert.deepEqual(over.bounded['backbone.db:events'], { max_rows_seen: 60_000, bound: 55_000, within_bound: false });
  });
});
