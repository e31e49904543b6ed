/** Pure drawing logic of the analytics view (no DOM): colours, layouts and paths, unit-tested from Node. */

/** Diverging colour for a correlation in [-1, 1]: blue (negative), near-background (0), red (positive). */
export function correlationColor(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return 'rgb(60 70 90)';
  const t = Math.max(-1, Math.min(1, r));
  const base = [22, 33, 58];
  const target = t >= 0 ? [239, 68, 68] : [56, 189, 248];
  const a = Math.abs(t);
  const mix = base.map((b, i) => Math.round(b + ((target[i] ?? b) - b) * a));
  return `rgb(${mix.join(' ')})`;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Nodes evenly on a circle, the first at the top, clockwise. */
export function circleLayout(count: number, cx: number, cy: number, radius: number): Point[] {
  return Array.from({ length: count }, (_, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, count);
    return { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) };
  });
}

/**
 * A directed edge from a to b as a gently curved quadratic path, shortened by `inset` at both ends so the
 * arrowhead stops at the node's rim; curving keeps a -> b and b -> a apart.
 */
export function edgePath(a: Point, b: Point, inset: number, bend = 0.15): string {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy) || 1;
  const ux = dx / length;
  const uy = dy / length;
  const start = { x: a.x + ux * inset, y: a.y + uy * inset };
  const end = { x: b.x - ux * inset, y: b.y - uy * inset };
  const control = { x: (start.x + end.x) / 2 - uy * length * bend, y: (start.y + end.y) / 2 + ux * length * bend };
  return `M${start.x.toFixed(1)},${start.y.toFixed(1)} Q${control.x.toFixed(1)},${control.y.toFixed(1)} ${end.x.toFixed(1)},${end.y.toFixed(1)}`;
}

/** Stroke width for an edge of the given strength (F over its critical value, > 1 when significant). */
export function edgeWidth(strength: number): number {
  return Math.max(1, Math.min(6, 1 + Math.log2(Math.max(1, strength))));
}

/**
 * SVG polyline points of a series with gaps (null) over [0, width] x [0, height], values in [lo, hi]:
 * one polyline per unbroken run.
 */
export function polylines(
  values: readonly (number | null)[],
  width: number,
  height: number,
  lo = -1,
  hi = 1,
): string[] {
  const runs: string[] = [];
  let current: string[] = [];
  const n = values.length;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (current.length > 1) runs.push(current.join(' '));
      current = [];
      return;
    }
    const x = n > 1 ? (i / (n - 1)) * width : 0;
    const y = height - ((Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo)) * height;
    current.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (current.length > 1) runs.push(current.join(' '));
  return runs;
}

/** The symbols to analyse: the watchlist's, upper-cased, distinct, at most `max`. */
export function pickSymbols(watchlist: readonly string[], max: number): string[] {
  return [...new Set(watchlist.map((s) => s.toUpperCase()))].slice(0, max);
}

/** The symbols with bars at an interval (`known`: the analytics API's counts), those without, and the fewest bars. */
export function splitByData(
  symbols: readonly string[],
  known: readonly { readonly symbol: string; readonly bars: number }[],
): { withData: string[]; without: string[]; fewest: number } {
  const bars = new Map(known.map((k) => [k.symbol, k.bars]));
  const withData = symbols.filter((s) => (bars.get(s) ?? 0) > 0);
  const fewest = withData.length === 0 ? 0 : Math.min(...withData.map((s) => bars.get(s) ?? 0));
  return { withData, without: symbols.filter((s) => !withData.includes(s)), fewest };
}
