/** Pure maths shared by the sources: bucket quantiles and counter increases. */

export interface Bucket {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
}

/**
 * The q-quantile of a bucketed distribution, interpolating linearly inside the bucket that holds the rank
 * (what Prometheus' histogram_quantile does). Undefined when the buckets hold no observations.
 */
export function quantileFromBuckets(buckets: readonly Bucket[], q: number): number | undefined {
  let total = 0;
  for (const b of buckets) total += b.count;
  if (total <= 0) return undefined;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let below = 0;
  for (const b of buckets) {
    if (b.count > 0 && below + b.count >= rank) {
      const fraction = (rank - below) / b.count;
      return b.lower + (b.upper - b.lower) * fraction;
    }
    below += b.count;
  }
  const last = buckets.at(-1);
  return last?.upper;
}

/**
 * OTLP explicit-bucket histograms: `counts` has one more entry than `bounds`, the last bucket is open to
 * +Inf. The open ends are closed with the recorded min and max when present; otherwise the first bucket
 * starts at 0 (or its bound, if negative) and the overflow bucket ends at the highest bound, as Prometheus does.
 */
export function explicitBuckets(
  bounds: readonly number[],
  counts: readonly number[],
  min?: number,
  max?: number,
): Bucket[] {
  const out: Bucket[] = [];
  const n = bounds.length;
  for (let i = 0; i < counts.length; i++) {
    const lower = i === 0 ? (min ?? Math.min(0, bounds[0] ?? 0)) : (bounds[i - 1] ?? 0);
    const upper = i === n ? (max ?? bounds[n - 1] ?? lower) : (bounds[i] ?? 0);
    out.push({ lower: Math.min(lower, upper), upper, count: counts[i] ?? 0 });
  }
  return out;
}

export interface ExponentialBuckets {
  readonly offset: number;
  readonly bucketCounts: readonly number[];
}

/**
 * OTLP exponential histograms: with base = 2^(2^-scale), positive bucket i covers (base^i, base^(i+1)],
 * negative bucket i mirrors it, and the zero bucket covers [-zeroThreshold, zeroThreshold]. Returned in
 * increasing value order.
 */
export function exponentialBucketList(
  scale: number,
  positive: ExponentialBuckets,
  negative: ExponentialBuckets,
  zeroCount: number,
  zeroThreshold: number,
): Bucket[] {
  const base = 2 ** (2 ** -scale);
  const out: Bucket[] = [];
  for (let k = negative.bucketCounts.length - 1; k >= 0; k--) {
    const i = negative.offset + k;
    out.push({ lower: -(base ** (i + 1)), upper: -(base ** i), count: negative.bucketCounts[k] ?? 0 });
  }
  if (zeroCount > 0) out.push({ lower: -zeroThreshold, upper: zeroThreshold, count: zeroCount });
  for (let k = 0; k < positive.bucketCounts.length; k++) {
    const i = positive.offset + k;
    out.push({ lower: base ** i, upper: base ** (i + 1), count: positive.bucketCounts[k] ?? 0 });
  }
  return out;
}

/** Bucket counts by absolute index, reduced to a coarser scale (index >> shift merges 2^shift buckets). */
export function indexedCounts(buckets: ExponentialBuckets, shift: number): Map<number, number> {
  const out = new Map<number, number>();
  buckets.bucketCounts.forEach((c, k) => {
    const index = (buckets.offset + k) >> shift;
    out.set(index, (out.get(index) ?? 0) + c);
  });
  return out;
}

/** Back from an index map to offset + dense counts. */
export function denseBuckets(counts: ReadonlyMap<number, number>): ExponentialBuckets {
  if (counts.size === 0) return { offset: 0, bucketCounts: [] };
  const indexes = [...counts.keys()];
  const lo = Math.min(...indexes);
  const hi = Math.max(...indexes);
  const bucketCounts = new Array<number>(hi - lo + 1).fill(0);
  for (const [i, c] of counts) bucketCounts[i - lo] = c;
  return { offset: lo, bucketCounts };
}

/**
 * Prometheus-style cumulative `le` buckets (prom-client histograms) as plain buckets. The +Inf bucket is
 * capped at the highest finite bound, as histogram_quantile does.
 */
export function cumulativeLeBuckets(le: readonly { readonly le: number; readonly cumulative: number }[]): Bucket[] {
  const sorted = [...le].sort((a, b) => a.le - b.le);
  const out: Bucket[] = [];
  let prevBound = 0;
  let prevCum = 0;
  for (const { le: bound, cumulative } of sorted) {
    const upper = Number.isFinite(bound) ? bound : prevBound;
    out.push({ lower: Math.min(prevBound, upper), upper, count: Math.max(0, cumulative - prevCum) });
    if (Number.isFinite(bound)) prevBound = bound;
    prevCum = cumulative;
  }
  return out;
}

/** The increase of a counter between two readings; a drop means the counter restarted from zero. */
export function counterIncrease(previous: number, current: number): number {
  return current >= previous ? current - previous : current;
}

/** Per-second rate of a counter between two readings, or undefined when no time passed. */
export function counterRate(
  previous: { value: number; ts: number },
  current: { value: number; ts: number },
): number | undefined {
  const seconds = (current.ts - previous.ts) / 1_000;
  if (!(seconds > 0)) return undefined;
  return counterIncrease(previous.value, current.value) / seconds;
}
