import type { StatisticalOptions, ViewSurprise } from './view.ts';
import { View } from './view.ts';

/**
 * The distance from the last `w` values to the nearest earlier stretch of `w` values (a discord score, as
 * in matrix-profile methods): a shape never seen in the remembered past is news even inside the usual
 * range. Not mean-removed, so a familiar shape at a new level also counts. Early abandoning keeps it cheap.
 */
export class ShapeView extends View {
  readonly name = 'shape';
  protected override readonly flooredScale = true;
  private readonly ring: Float32Array;
  private readonly w: number;
  private seen = 0;

  constructor(w: number, memory: number, options: StatisticalOptions) {
    super(options);
    this.w = w;
    this.ring = new Float32Array(Math.max(memory, 3 * w));
  }

  update({ ts, value }: { ts: number; value: number }): ViewSurprise | undefined {
    const ring = this.ring;
    const m = ring.length;
    const w = this.w;
    ring[this.seen % m] = value;
    this.seen += 1;
    const t = this.seen - 1;
    const oldest = Math.max(0, this.seen - m) + w - 1;
    // Candidates end at least w points before t (no trivial self-match).
    if (t - w < oldest) return undefined;
    let best = Number.POSITIVE_INFINITY;
    let bestEnd = -1;
    for (let end = t - w; end >= oldest; end--) {
      let d = 0;
      for (let i = 0; i < w && d < best; i++) {
        const a = (ring[(t - i) % m] ?? 0) - (ring[(end - i) % m] ?? 0);
        d += a * a;
      }
      if (d < best) {
        best = d;
        bestEnd = end;
      }
    }
    const surprise = this.judge(Math.sqrt(best / w), 0, ts);
    if (surprise === undefined) return undefined;
    // Only an unusually large distance is news. The explanation's expectation is the nearest match's
    // value, give or take the usual nearest-match distance (judge's expectation is its median).
    return {
      ...surprise,
      novelty: surprise.z > 0 ? surprise.novelty : 0,
      expected: ring[bestEnd % m] ?? value,
      scale: surprise.expected + surprise.scale,
    };
  }
}
