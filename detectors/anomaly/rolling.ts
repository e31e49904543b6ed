/**
 * Bounded rolling windows for the streaming detectors: a ring buffer that also keeps its values sorted,
 * so quantiles (median, MAD's inputs, tails) cost a binary search and one memmove per update.
 */
export class SortedWindow {
  // float32: half the memory per series; quantiles do not need more precision than the data has.
  private readonly ring: Float32Array;
  private readonly sorted: Float32Array;
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    this.ring = new Float32Array(capacity);
    this.sorted = new Float32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.ring.length;
  }

  push(value: number): void {
    if (this.count === this.ring.length) {
      const old = this.ring[this.head] ?? 0;
      const at = this.lowerBound(old);
      this.sorted.copyWithin(at, at + 1, this.count);
      this.count -= 1;
    }
    this.ring[this.head] = value;
    this.head = (this.head + 1) % this.ring.length;
    const at = this.lowerBound(value);
    this.sorted.copyWithin(at + 1, at, this.count);
    this.sorted[at] = value;
    this.count += 1;
  }

  /** Quantile q in [0, 1] by linear interpolation; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const pos = q * (this.count - 1);
    const lo = Math.floor(pos);
    const a = this.sorted[lo] ?? 0;
    const b = this.sorted[Math.min(lo + 1, this.count - 1)] ?? a;
    return a + (b - a) * (pos - lo);
  }

  min(): number {
    return this.count === 0 ? Number.NaN : (this.sorted[0] ?? Number.NaN);
  }

  max(): number {
    return this.count === 0 ? Number.NaN : (this.sorted[this.count - 1] ?? Number.NaN);
  }

  /** How many stored values are ≥ x. */
  countAtLeast(x: number): number {
    return this.count - this.lowerBound(x);
  }

  /** The i-th most recent value (0 = newest). */
  recent(i: number): number {
    const at = (this.head - 1 - i + 2 * this.ring.length) % this.ring.length;
    return this.ring[at] ?? 0;
  }

  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sorted[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * A robust scale (≈ σ for normal data) of a window: IQR/1.349, falling back to wider quantile spreads when
 * most values are equal (spiky counts, flat lines), and to a tiny floor so that z-scores stay finite.
 */
export function robustScale(window: SortedWindow): number {
  const iqr = (window.quantile(0.75) - window.quantile(0.25)) / 1.349;
  if (iqr > 0) return iqr;
  const wide = (window.quantile(0.95) - window.quantile(0.05)) / 3.29;
  if (wide > 0) return wide;
  const range = (window.max() - window.min()) / 6;
  if (range > 0) return range;
  return 1e-9 * Math.max(1, Math.abs(window.quantile(0.5)));
}
