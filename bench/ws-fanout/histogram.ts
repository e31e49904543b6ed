/** Counts of whole-millisecond latencies (tick timestamps are epoch ms): exact percentiles, fixed memory. */
export class MsHistogram {
  readonly counts: Uint32Array;
  total = 0;

  constructor(maxMs = 120_000) {
    this.counts = new Uint32Array(maxMs + 1);
  }

  add(ms: number): void {
    const i = Math.min(this.counts.length - 1, Math.max(0, Math.round(ms)));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.total += 1;
  }

  /** Non-zero buckets as [ms, count] pairs, for sending to another process. */
  pairs(): [number, number][] {
    const out: [number, number][] = [];
    this.counts.forEach((c, i) => {
      if (c > 0) out.push([i, c]);
    });
    return out;
  }

  merge(pairs: readonly (readonly [number, number])[]): void {
    for (const [ms, c] of pairs) {
      this.counts[ms] = (this.counts[ms] ?? 0) + c;
      this.total += c;
    }
  }

  /** Nearest-rank percentile, NaN when empty. */
  percentile(p: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return i;
    }
    return this.counts.length - 1;
  }
}
