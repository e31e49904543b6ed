import { seriesKey, type Point, type Series, type SeriesLabels } from './series.ts';

/** Which series a read selects (the detectors pass their label matchers); every series when absent. */
export type SeriesFilter = (labels: SeriesLabels) => boolean;

const all: SeriesFilter = () => true;

interface Entry {
  readonly labels: SeriesLabels;
  /** Ring buffer of the newest points, oldest first once unrolled. */
  readonly ts: Float64Array;
  readonly values: Float64Array;
  start: number;
  size: number;
}

export interface SeriesStoreOptions {
  /** Series kept; the least recently written is evicted beyond it. */
  readonly maxSeries: number;
  /** Points kept per series (a ring: the oldest go first). */
  readonly pointsPerSeries: number;
}

/**
 * Bounded in-memory series: at most `maxSeries` series of at most `pointsPerSeries` points each, so memory
 * is capped whatever the senders do. Backs the in-process and OTLP sources.
 */
export class SeriesStore {
  readonly #entries = new Map<string, Entry>();
  readonly #options: SeriesStoreOptions;
  #evicted = 0;
  #dropped = 0;

  constructor(options: SeriesStoreOptions) {
    if (options.maxSeries < 1 || options.pointsPerSeries < 1)
      throw new RangeError('maxSeries and pointsPerSeries must be at least 1');
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Series evicted for the limit, and points dropped for arriving out of order, since creation. */
  stats(): { series: number; evicted: number; outOfOrder: number } {
    return { series: this.#entries.size, evicted: this.#evicted, outOfOrder: this.#dropped };
  }

  /** Adds a point; one not newer than the series' last point is dropped (false), as Prometheus does. */
  append(labels: SeriesLabels, point: Point): boolean {
    if (!Number.isFinite(point.value) || !Number.isFinite(point.ts)) return false;
    const key = seriesKey(labels);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      const cap = this.#options.pointsPerSeries;
      entry = { labels: { ...labels }, ts: new Float64Array(cap), values: new Float64Array(cap), start: 0, size: 0 };
      if (this.#entries.size >= this.#options.maxSeries) {
        const oldest = this.#entries.keys().next();
        if (oldest.done !== true) {
          this.#entries.delete(oldest.value);
          this.#evicted++;
        }
      }
    } else {
      const cap = entry.ts.length;
      if (entry.size > 0 && point.ts <= (entry.ts[(entry.start + entry.size - 1) % cap] ?? Number.NEGATIVE_INFINITY)) {
        this.#dropped++;
        return false;
      }
      // Re-inserting keeps the Map in least-recently-written order, which is what eviction reads.
      this.#entries.delete(key);
    }
    this.#entries.set(key, entry);
    const cap = entry.ts.length;
    const at = (entry.start + entry.size) % cap;
    entry.ts[at] = point.ts;
    entry.values[at] = point.value;
    if (entry.size < cap) entry.size++;
    else entry.start = (entry.start + 1) % cap;
    return true;
  }

  list(select: SeriesFilter): SeriesLabels[] {
    const out: SeriesLabels[] = [];
    for (const e of this.#entries.values()) if (select(e.labels)) out.push(e.labels);
    return out;
  }

  read(select: SeriesFilter, range: { readonly from: number; readonly to: number }): Series[] {
    return this.#collect(select, (ts) => ts >= range.from && ts <= range.to);
  }

  /**
   * Points newer than `since`, of every series; reads each ring from its newest end, so a poll costs what it returns.
   */
  since(since: number, select: SeriesFilter = all): Series[] {
    const out: Series[] = [];
    for (const e of this.#entries.values()) {
      const cap = e.ts.length;
      let first = e.size;
      while (first > 0 && (e.ts[(e.start + first - 1) % cap] ?? 0) > since) first--;
      if (first === e.size || !select(e.labels)) continue;
      const points: Point[] = [];
      for (let k = first; k < e.size; k++) {
        const i = (e.start + k) % cap;
        points.push({ ts: e.ts[i] ?? 0, value: e.values[i] ?? 0 });
      }
      out.push({ labels: e.labels, points });
    }
    return out;
  }

  #collect(select: SeriesFilter, keep: (ts: number) => boolean): Series[] {
    const out: Series[] = [];
    for (const e of this.#entries.values()) {
      if (!select(e.labels)) continue;
      const points: Point[] = [];
      const cap = e.ts.length;
      for (let k = 0; k < e.size; k++) {
        const i = (e.start + k) % cap;
        const ts = e.ts[i] ?? 0;
        if (keep(ts)) points.push({ ts, value: e.values[i] ?? 0 });
      }
      if (points.length > 0) out.push({ labels: e.labels, points });
    }
    return out;
  }
}
