/** Small SVG charts for the ops view: a value line against a shaded interval, with a marked time. */

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 320;
const HEIGHT = 96;

export interface ChartInput {
  /** The interval to shade (expected band, forecast interval), in time order. */
  readonly band: readonly { readonly ts: number; readonly low: number; readonly high: number }[];
  /** Lines drawn over it, each with a CSS class. */
  readonly lines: readonly { readonly cls: string; readonly points: readonly { ts: number; value: number }[] }[];
  /** A time marked by a vertical line (the detection). */
  readonly mark?: number;
  readonly label: string;
  readonly kind: string;
}

function el(tag: string, attributes: Record<string, string>): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) e.setAttribute(name, value);
  return e;
}

/** An SVG chart scaled to its data (role img, labelled); empty input draws an empty frame. */
export function intervalChart(input: ChartInput): SVGElement {
  const times = [...input.band.map((p) => p.ts), ...input.lines.flatMap((l) => l.points.map((p) => p.ts))];
  const values = [
    ...input.band.flatMap((p) => [p.low, p.high]),
    ...input.lines.flatMap((l) => l.points.map((p) => p.value)),
  ].filter(Number.isFinite);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const pad = (Math.max(...values) - Math.min(...values)) * 0.05 || 1;
  const v0 = Math.min(...values) - pad;
  const v1 = Math.max(...values) + pad;
  const x = (ts: number): string => (t1 > t0 ? ((ts - t0) / (t1 - t0)) * WIDTH : WIDTH / 2).toFixed(1);
  const y = (v: number): string => (HEIGHT - ((v - v0) / (v1 - v0)) * HEIGHT).toFixed(1);
  const svg = el('svg', {
    viewBox: `0 0 ${String(WIDTH)} ${String(HEIGHT)}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': input.label,
    class: 'ops-chart',
    'data-chart': input.kind,
  });
  if (times.length === 0) return svg;
  if (input.band.length > 0) {
    const upper = input.band.map((p) => `${x(p.ts)},${y(p.high)}`);
    const lower = input.band.map((p) => `${x(p.ts)},${y(p.low)}`).reverse();
    svg.append(el('polygon', { class: 'ops-band', points: [...upper, ...lower].join(' ') }));
  }
  for (const line of input.lines)
    svg.append(
      el('polyline', { class: line.cls, points: line.points.map((p) => `${x(p.ts)},${y(p.value)}`).join(' ') }),
    );
  if (input.mark !== undefined)
    svg.append(el('line', { class: 'ops-mark', x1: x(input.mark), x2: x(input.mark), y1: '0', y2: String(HEIGHT) }));
  return svg;
}
