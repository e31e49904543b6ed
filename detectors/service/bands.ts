import type { AnomalyVerdict, Point, SeriesDetector } from '../series.ts';

/** One scored point with the range the detector expected it in: a point of a band chart. */
export interface BandPoint {
  readonly ts: number;
  readonly value: number;
  readonly low: number;
  readonly high: number;
  readonly score: number;
}

/** Points kept per series: at the default 10 s poll, 20 minutes of evidence. */
export const BAND_POINTS = 120;
/** Series whose bands are recorded at most (least recently updated out): 2,000 x 120 points x 40 B = 9.6 MB. */
export const BAND_SERIES = 2_000;
/** Detections whose band (as it was when they fired) is kept for the ops view. */
export const BAND_SNAPSHOTS = 500;

const FIELDS = 5;

/** A fixed ring of the last BAND_POINTS scored points of one series. */
class Ring {
  readonly #data = new Float64Array(BAND_POINTS * FIELDS);
  #next = 0;
  #count = 0;

  push(point: Point, verdict: AnomalyVerdict): void {
    this.#data.set(
      [point.ts, point.value, verdict.expected.low, verdict.expected.high, verdict.score],
      this.#next * FIELDS,
    );
    this.#next = (this.#next + 1) % BAND_POINTS;
    this.#count = Math.min(BAND_POINTS, this.#count + 1);
  }

  /** Oldest first. */
  points(): BandPoint[] {
    const out: BandPoint[] = [];
    for (let i = 0; i < this.#count; i++) {
      const at = ((this.#next - this.#count + i + BAND_POINTS) % BAND_POINTS) * FIELDS;
      const [ts = 0, value = 0, low = 0, high = 0, score = 0] = this.#data.subarray(at, at + FIELDS);
      out.push({ ts, value, low, high, score });
    }
    return out;
  }
}

/**
 * The evidence of the band charts: what each series' detector expected at every point it scored. `wrap` puts a
 * recorder around a series' detector (as withLimit does); `keep` copies a series' band when it fires, so the
 * evidence before a detection survives the ring rolling on. Both are bounded (BAND_SERIES, BAND_SNAPSHOTS).
 * Series are identified by key: one key seen from two sources shares a band.
 */
export class BandHistory {
  readonly #rings = new Map<string, Ring>();
  readonly #kept = new Map<string, BandPoint[]>();

  wrap(id: string, inner: SeriesDetector): SeriesDetector {
    return {
      ...(inner.warmup === undefined ? {} : { warmup: inner.warmup }),
      update: (point: Point): AnomalyVerdict => {
        const verdict = inner.update(point);
        this.#ring(id).push(point, verdict);
        return verdict;
      },
    };
  }

  /** Remembers the band of series `id` as it is now (a detection fired on it). */
  keep(id: string): void {
    const ring = this.#rings.get(id);
    if (ring === undefined) return;
    const merged = merge(this.#kept.get(id) ?? [], ring.points()).slice(-2 * BAND_POINTS);
    this.#kept.delete(id);
    bounded(this.#kept, BAND_SNAPSHOTS);
    this.#kept.set(id, merged);
  }

  /** Series `id`'s band within [from, to]: kept at detections and in the ring; undefined if none. */
  band(id: string, from: number, to: number): BandPoint[] | undefined {
    const kept = this.#kept.get(id);
    const live = this.#rings.get(id)?.points();
    if (kept === undefined && live === undefined) return undefined;
    return merge(kept ?? [], live ?? []).filter((p) => p.ts >= from && p.ts <= to);
  }

  #ring(id: string): Ring {
    let ring = this.#rings.get(id);
    if (ring === undefined) {
      bounded(this.#rings, BAND_SERIES);
      ring = new Ring();
    } else this.#rings.delete(id);
    this.#rings.set(id, ring);
    return ring;
  }
}

/** Drops the least recently set entries until one more fits. */
function bounded(map: Map<string, unknown>, max: number): void {
  for (const key of map.keys()) {
    if (map.size < max) return;
    map.delete(key);
  }
}

/** Two time-ordered bands as one, a timestamp once (the later copy wins). */
function merge(a: readonly BandPoint[], b: readonly BandPoint[]): BandPoint[] {
  const byTs = new Map<number, BandPoint>();
  for (const p of [...a, ...b]) byTs.set(p.ts, p);
  return [...byTs.values()].sort((x, y) => x.ts - y.ts);
}
