/**
 * Whether a watched series' detector is still learning: a detector scores 0 until it has seen the points
 * it needs, so a quiet series in warm-up says nothing yet about its health (the ops view shows it apart).
 */
export interface WarmupStatus {
  /** True while the detector has seen fewer points than it needs. */
  readonly warming: boolean;
  /** Points seen so far. */
  readonly points: number;
  /** Points the detector needs before it judges (0: it judges from the first). */
  readonly needed: number;
}

export function warmupStatus(points: number, needed = 0): WarmupStatus {
  const need = Number.isFinite(needed) && needed > 0 ? Math.ceil(needed) : 0;
  const seen = Number.isFinite(points) && points > 0 ? Math.floor(points) : 0;
  return { warming: seen < need, points: seen, needed: need };
}
