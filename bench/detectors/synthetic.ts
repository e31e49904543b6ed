/** A deterministic synthetic metric for series `s` at step `t`: daily cycle (10 s steps), level per series, noise. */
export function synthetic(s: number, t: number): number {
  const level = 50 + (s % 97);
  const daily = 10 * Math.sin((2 * Math.PI * t) / 8640 + s);
  // Cheap deterministic noise: a hash of (s, t) mapped to [-1, 1).
  const h = Math.imul(s * 2_654_435_761 + t * 40_503, 2_246_822_519) >>> 0;
  return level + daily + 2 * (h / 2 ** 31 - 1);
}
