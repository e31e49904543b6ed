import type * as z from 'zod/mini';
import { ApiError, getJson } from '../../api.ts';
import { h } from '../../dom.ts';
import type { AppContext, MountedView, View } from '../view.ts';
import './analytics.css';
import { graphResponse, matrixResponse, rollingResponse, sentimentResponse, symbolsResponse } from './responses.ts';
import { circleLayout, correlationColor, edgePath, edgeWidth, pickSymbols, polylines } from './logic.ts';

const MAX_SYMBOLS = 12;
const REFRESH_MS = 15_000;
const intervalChoices = ['auto', '1s', '1m', '5m', '1h'] as const;

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

function message(error: unknown): string {
  return error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
}

/**
 * Correlation heatmap, rolling correlation chart and causality graph of the watchlist's symbols. Route:
 * #/analytics?i=1m&x=AAPL&y=MSFT.
 */
export const analyticsView: View = {
  id: 'analytics',
  title: 'Analytics',
  mount(container: HTMLElement, { watchlist }: AppContext, params: URLSearchParams): MountedView {
    let chosen: string = params.get('i') ?? 'auto';
    let pair: [string, string] | undefined;
    let controller = new AbortController();

    const intervalSelect = h(
      'select',
      { 'aria-label': 'Bar interval' },
      ...intervalChoices.map((i) => h('option', { value: i }, i === 'auto' ? 'auto interval' : i)),
    );
    intervalSelect.value = intervalChoices.includes(chosen as (typeof intervalChoices)[number]) ? chosen : 'auto';
    const status = h('span', { class: 'analytics-status', role: 'status' });
    const heat = h('div', { class: 'analytics-body' });
    const rolling = h('div', { class: 'analytics-body' });
    const graph = h('div', { class: 'analytics-body' });
    const mood = h('div', { class: 'analytics-sentiment' });
    const rollingTitle = h('h3', {}, 'Rolling correlation');
    container.append(
      h(
        'div',
        { class: 'analytics' },
        h('div', { class: 'analytics-toolbar' }, h('h2', {}, 'Analytics'), intervalSelect, status),
        h(
          'section',
          { class: 'panel analytics-heatmap', 'aria-label': 'Correlation heatmap' },
          h('h3', {}, 'Correlation of returns'),
          heat,
        ),
        h(
          'section',
          { class: 'panel analytics-graph', 'aria-label': 'Causality graph' },
          h('h3', {}, 'Granger causality'),
          graph,
        ),
        h('section', { class: 'panel analytics-rolling', 'aria-label': 'Rolling correlation' }, rollingTitle, rolling),
        h('section', { class: 'panel analytics-mood', 'aria-label': 'Sentiment' }, h('h3', {}, 'Sentiment'), mood),
      ),
    );

    const pickInterval = async (symbols: string[], signal: AbortSignal): Promise<string> => {
      if (chosen !== 'auto') return chosen;
      for (const interval of ['1m', '1s']) {
        const known = await getJson(`/api/analytics/symbols?interval=${interval}`, symbolsResponse, signal);
        const bars = symbols.map((s) => known.symbols.find((k) => k.symbol === s)?.bars ?? 0);
        if (bars.length > 0 && Math.min(...bars) >= 40) return interval;
      }
      return '1s';
    };

    const drawHeatmap = (data: z.infer<typeof matrixResponse>): void => {
      const k = data.symbols.length;
      const cell = Math.max(28, Math.min(56, Math.floor(480 / Math.max(1, k))));
      const label = 56;
      const size = label + k * cell;
      const root = svg('svg', {
        viewBox: `0 0 ${size} ${size}`,
        class: 'heatmap',
        role: 'img',
        'aria-label': `Correlation matrix of ${data.symbols.join(', ')} over ${data.n} returns`,
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
            svg('title', {}, `${y} / ${x}: ${r === null ? 'undefined' : r.toFixed(3)}`),
          );
          if (i !== j)
            rect.addEventListener('click', () => {
              pair = [y, x];
              void loadRolling();
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
        h('p', { class: 'hint' }, `${data.n} returns per pair. Click a cell for its rolling correlation.`),
      );
    };

    const drawRolling = (data: z.infer<typeof rollingResponse>): void => {
      const width = 720;
      const height = 180;
      const root = svg('svg', {
        viewBox: `0 0 ${width} ${height}`,
        class: 'rolling',
        role: 'img',
        'aria-label': `Rolling ${data.window}-bar and EWMA correlation of ${data.x} and ${data.y}`,
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
      rollingTitle.textContent = `Rolling correlation: ${data.x} / ${data.y}`;
      rolling.replaceChildren(
        root,
        h(
          'p',
          { class: 'hint' },
          h('span', { class: 'key roll' }, `rolling ${data.window}`),
          ' ',
          h('span', { class: 'key ewma' }, 'EWMA'),
          `  latest ${last?.rolling?.toFixed(3) ?? '–'} / ${last?.ewma?.toFixed(3) ?? '–'}`,
        ),
      );
    };

    const drawGraph = (data: z.infer<typeof graphResponse>): void => {
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
          'aria-label': `Granger causality graph at lag ${data.lag}: ${data.edges.length} significant edges`,
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
              `${e.from} → ${e.to}: F = ${e.F.toFixed(2)}, p = ${e.pvalue.toExponential(2)} (adjusted ${e.adjustedPvalue.toExponential(2)})`,
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
            svg('title', {}, `${n.id}: causes ${n.outDegree}, caused by ${n.inDegree}`),
          ),
        );
      }
      graph.replaceChildren(
        root,
        h(
          'p',
          { class: 'hint' },
          `${data.edges.length} of ${data.tests} directed tests significant (lag ${data.lag}, FDR-adjusted, ${data.n} returns). Arrow width: strength.`,
        ),
      );
    };

    let interval = '1m';
    const loadRolling = async (): Promise<void> => {
      if (!pair) return;
      const [x, y] = pair;
      try {
        drawRolling(
          await getJson(
            `/api/analytics/correlation/rolling?x=${x}&y=${y}&window=30&span=30&interval=${interval}&points=600`,
            rollingResponse,
            controller.signal,
          ),
        );
      } catch (error) {
        if (!controller.signal.aborted) rolling.replaceChildren(h('p', { class: 'problem' }, message(error)));
      }
    };

    const refresh = async (): Promise<void> => {
      controller.abort();
      controller = new AbortController();
      const signal = controller.signal;
      const symbols = pickSymbols(watchlist.symbols, MAX_SYMBOLS);
      if (symbols.length < 2) {
        status.textContent = 'Add at least two symbols to the watchlist.';
        return;
      }
      try {
        interval = await pickInterval(symbols, signal);
      } catch (error) {
        if (!signal.aborted) status.textContent = message(error);
        return;
      }
      status.textContent = `${symbols.length} symbols, ${interval} bars, updated ${new Date().toLocaleTimeString()}`;
      const list = symbols.join(',');
      pair ??= [symbols[0] ?? '', symbols[1] ?? ''];
      const jobs: Promise<void>[] = [
        getJson(
          `/api/analytics/correlation?symbols=${list}&interval=${interval}&points=500&pvalues=false&missing=pairwise`,
          matrixResponse,
          signal,
        ).then(drawHeatmap, (e: unknown) => {
          if (!signal.aborted) heat.replaceChildren(h('p', { class: 'problem' }, message(e)));
        }),
        getJson(
          `/api/analytics/causality-graph?symbols=${list}&interval=${interval}&points=500&lag=aic&maxlag=3`,
          graphResponse,
          signal,
        ).then(drawGraph, (e: unknown) => {
          if (!signal.aborted) graph.replaceChildren(h('p', { class: 'problem' }, message(e)));
        }),
        getJson('/api/sentiment', sentimentResponse, signal).then(
          (data) => {
            const rows = data.symbols.filter((s) => symbols.includes(s.symbol));
            mood.replaceChildren(
              ...(rows.length === 0
                ? [h('p', { class: 'hint' }, 'No news or posts about these symbols yet.')]
                : rows.map((s) =>
                    h(
                      'span',
                      {
                        class: `chip ${s.aggregate > 0.05 ? 'up' : s.aggregate < -0.05 ? 'down' : ''}`,
                        title: `${s.texts} texts`,
                      },
                      `${s.symbol} ${s.aggregate >= 0 ? '+' : ''}${s.aggregate.toFixed(2)}`,
                    ),
                  )),
            );
          },
          (e: unknown) => {
            if (!signal.aborted) mood.replaceChildren(h('p', { class: 'problem' }, message(e)));
          },
        ),
        loadRolling(),
      ];
      await Promise.all(jobs);
    };

    intervalSelect.addEventListener('change', () => {
      chosen = intervalSelect.value;
      void refresh();
    });
    const off = watchlist.listen(() => {
      pair = undefined;
      void refresh();
    });
    const timer = window.setInterval(() => {
      void refresh();
    }, REFRESH_MS);
    void refresh();

    return {
      update(next) {
        chosen = next.get('i') ?? chosen;
        const x = next.get('x');
        const y = next.get('y');
        if (x && y) pair = [x.toUpperCase(), y.toUpperCase()];
        void refresh();
      },
      unmount() {
        controller.abort();
        off();
        window.clearInterval(timer);
        container.replaceChildren();
      },
    };
  },
};
