import type * as z from 'zod/mini';
import { h } from '../../dom.ts';
import { formatNumber } from '../../format.ts';
import { t } from '../../i18n/i18n.ts';
import type { graphResponse, matrixResponse, rollingResponse, Sample } from './responses.ts';
import { circleLayout, correlationColor, edgePath, edgeWidth, polylines } from './logic.ts';

/** The analytics view's SVG drawings, each into its panel. */

/** Below the method's minimum sample the figures are indicative only: said next to them. */
function warning(sample: Sample): HTMLElement[] {
  if (sample === undefined || sample.sufficient) return [];
  return [
    h(
      'p',
      { class: 'sample-warning', role: 'note' },
      t('analytics.smallSample', { n: sample.n, minimum: sample.minimum }),
    ),
  ];
}
const SVG = 'http://www.w3.org/2000/svg';
function svg(
  tag: string,
  attributes: Record<string, string | number> = {},
  ...children: (Node | string)[]
): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

/** The correlation matrix as a heatmap; clicking an off-diagonal cell picks its pair. */
export function drawHeatmap(
  heat: HTMLElement,
  data: z.infer<typeof matrixResponse>,
  pick: (y: string, x: string) => void,
): void {
  const k = data.symbols.length;
  const cell = Math.max(28, Math.min(56, Math.floor(480 / Math.max(1, k))));
  const label = 56;
  const size = label + k * cell;
  const root = svg('svg', {
    viewBox: `0 0 ${size} ${size}`,
    class: 'heatmap',
    role: 'img',
    'aria-label': t('analytics.matrixLabel', { symbols: data.symbols.join(', '), n: data.n }),
  });
  data.symbols.forEach((s, i) => {
    root.append(svg('text', { x: label - 6, y: label + i * cell + cell / 2 + 4, 'text-anchor': 'end' }, s));
    root.append(svg('text', { x: label + i * cell + cell / 2, y: label - 8, 'text-anchor': 'middle' }, s));
  });
  data.matrix.forEach((row, i) => {
    row.forEach((r, j) => {
      const x = data.symbols[j] ?? '';
      const y = data.symbols[i] ?? '';
      const rect = svg(
        'rect',
        {
          x: label + j * cell,
          y: label + i * cell,
          width: cell - 2,
          height: cell - 2,
          rx: 3,
          fill: correlationColor(r),
          'data-pair': `${y}|${x}`,
          tabindex: i === j ? -1 : 0,
        },
        svg('title', {}, `${y} / ${x}: ${r === null ? t('analytics.undefined') : formatNumber(r)}`),
      );
      if (i !== j)
        rect.addEventListener('click', () => {
          pick(y, x);
        });
      root.append(rect);
      if (cell >= 34)
        root.append(
          svg(
            'text',
            {
              x: label + j * cell + cell / 2 - 1,
              y: label + i * cell + cell / 2 + 3,
              'text-anchor': 'middle',
              class: 'value',
            },
            r === null ? '–' : r.toFixed(2),
          ),
        );
    });
  });
  heat.replaceChildren(
    root,
    h('p', { class: 'hint' }, t('analytics.heatmapHint', { n: data.n })),
    ...warning(data.sample),
  );
}

/** Rolling and EWMA correlation of one pair over time. */
export function drawRolling(
  rolling: HTMLElement,
  rollingTitle: HTMLElement,
  data: z.infer<typeof rollingResponse>,
): void {
  const width = 720;
  const height = 180;
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'rolling',
    role: 'img',
    'aria-label': t('analytics.rollingLabel', { window: data.window, x: data.x, y: data.y }),
  });
  for (const level of [-1, -0.5, 0, 0.5, 1]) {
    const y = height - ((level + 1) / 2) * height;
    root.append(
      svg('line', { x1: 0, x2: width, y1: y, y2: y, class: level === 0 ? 'axis zero' : 'axis' }),
      svg('text', { x: 4, y: Math.min(height - 2, Math.max(10, y - 2)), class: 'tick' }, level.toFixed(1)),
    );
  }
  for (const points of polylines(
    data.points.map((p) => p.ewma),
    width,
    height,
  ))
    root.append(svg('polyline', { points, class: 'ewma' }));
  for (const points of polylines(
    data.points.map((p) => p.rolling),
    width,
    height,
  ))
    root.append(svg('polyline', { points, class: 'roll' }));
  const last = data.points.at(-1);
  rollingTitle.textContent = t('analytics.rollingOf', { x: data.x, y: data.y });
  rolling.replaceChildren(
    root,
    h(
      'p',
      { class: 'hint' },
      h('span', { class: 'key roll' }, t('analytics.rollingKey', { window: data.window })),
      ' ',
      h('span', { class: 'key ewma' }, t('analytics.ewma')),
      ' ',
      t('analytics.latest', {
        rolling: last?.rolling == null ? '–' : formatNumber(last.rolling),
        ewma: last?.ewma == null ? '–' : formatNumber(last.ewma),
      }),
      ' ',
      t('analytics.sample', { n: data.sample?.n ?? data.points.length }),
    ),
    ...warning(data.sample),
  );
}

/** The Granger causality graph: nodes on a circle, arrows as wide as the evidence is strong. */
export function drawGraph(graph: HTMLElement, data: z.infer<typeof graphResponse>): void {
  const size = 420;
  const r = 22;
  const at = new Map(
    data.nodes.map((n, i) => [
      n.id,
      circleLayout(data.nodes.length, size / 2, size / 2, size / 2 - r - 20)[i] ?? { x: 0, y: 0 },
    ]),
  );
  const root = svg(
    'svg',
    {
      viewBox: `0 0 ${size} ${size}`,
      class: 'causality',
      role: 'img',
      'aria-label': t('analytics.graphLabel', { lag: data.lag, edges: data.edges.length }),
    },
    svg(
      'defs',
      {},
      svg(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 6,
          markerHeight: 6,
          orient: 'auto-start-reverse',
        },
        svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }),
      ),
    ),
  );
  for (const e of data.edges) {
    const a = at.get(e.from);
    const b = at.get(e.to);
    if (!a || !b) continue;
    root.append(
      svg(
        'path',
        {
          d: edgePath(a, b, r + 2),
          class: 'edge',
          'stroke-width': edgeWidth(e.strength),
          'marker-end': 'url(#arrow)',
          'data-edge': `${e.from}>${e.to}`,
        },
        svg(
          'title',
          {},
          t('analytics.edge', {
            from: e.from,
            to: e.to,
            F: e.F.toFixed(2),
            p: e.pvalue.toExponential(2),
            adjusted: e.adjustedPvalue.toExponential(2),
          }),
        ),
      ),
    );
  }
  for (const n of data.nodes) {
    const p = at.get(n.id) ?? { x: 0, y: 0 };
    root.append(
      svg(
        'g',
        { class: 'node', 'data-node': n.id },
        svg('circle', { cx: p.x, cy: p.y, r }),
        svg('text', { x: p.x, y: p.y + 4, 'text-anchor': 'middle' }, n.id),
        svg('title', {}, t('analytics.node', { id: n.id, out: n.outDegree, in: n.inDegree })),
      ),
    );
  }
  graph.replaceChildren(
    root,
    h(
      'p',
      { class: 'hint' },
      t('analytics.graphHint', { edges: data.edges.length, tests: data.tests, lag: data.lag, n: data.n }),
    ),
    ...warning(data.sample),
  );
}
