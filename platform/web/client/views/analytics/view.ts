import { ApiError, getJson } from '../../api.ts';
import { h } from '../../dom.ts';
import { formatClock, timeZoneLabel } from '../../format.ts';
import { t } from '../../i18n/i18n.ts';
import type { AppContext, MountedView, ViewCode } from '../view.ts';
import { graphResponse, matrixResponse, rollingResponse, sentimentResponse, symbolsResponse } from './responses.ts';
import { drawGraph, drawHeatmap, drawRolling } from './draw.ts';
import { pickSymbols, splitByData } from './logic.ts';

const MAX_SYMBOLS = 12;
const REFRESH_MS = 15_000;
const intervalChoices = ['auto', '1s', '1m', '5m', '1h'] as const;
const MIN_BARS = 40;

function message(error: unknown): string {
  return error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
}

/**
 * Correlation heatmap, rolling correlation chart and causality graph of the watchlist's symbols. Route:
 * #/analytics?i=1m&x=AAPL&y=MSFT.
 */
export const analyticsView: ViewCode = {
  mount(container: HTMLElement, { watchlist }: AppContext, params: URLSearchParams): MountedView {
    let chosen: string = params.get('i') ?? 'auto';
    let pair: [string, string] | undefined;
    let controller = new AbortController();

    const intervalSelect = h(
      'select',
      { id: 'analytics-interval' },
      ...intervalChoices.map((i) => h('option', { value: i }, i === 'auto' ? t('analytics.autoInterval') : i)),
    );
    intervalSelect.value = intervalChoices.includes(chosen as (typeof intervalChoices)[number]) ? chosen : 'auto';
    const status = h('span', { class: 'analytics-status', role: 'status' });
    const skipped = h('p', { class: 'analytics-skipped', role: 'status' });
    const heat = h('div', { class: 'analytics-body' });
    const rolling = h('div', { class: 'analytics-body' });
    const graph = h('div', { class: 'analytics-body' });
    const mood = h('div', { class: 'analytics-sentiment' });
    const rollingTitle = h('h3', {}, t('analytics.rolling'));
    container.append(
      h(
        'div',
        { class: 'analytics' },
        h(
          'div',
          { class: 'analytics-toolbar' },
          h('h2', {}, t('views.analytics')),
          h('label', { for: 'analytics-interval' }, t('analytics.interval')),
          intervalSelect,
          status,
        ),
        skipped,
        h(
          'section',
          { class: 'panel analytics-heatmap', 'aria-label': t('analytics.heatmap') },
          h('h3', {}, t('analytics.correlation')),
          heat,
        ),
        h(
          'section',
          { class: 'panel analytics-graph', 'aria-label': t('analytics.graph') },
          h('h3', {}, t('analytics.granger')),
          graph,
        ),
        h('section', { class: 'panel analytics-rolling', 'aria-label': t('analytics.rolling') }, rollingTitle, rolling),
        h(
          'section',
          { class: 'panel analytics-mood', 'aria-label': t('analytics.sentiment') },
          h('h3', {}, t('analytics.sentiment')),
          mood,
        ),
      ),
    );

    // Symbols without bars at the interval are left out of every panel, and named.
    const pickInterval = async (symbols: string[], signal: AbortSignal) => {
      let picked = { interval: '1s', ...splitByData(symbols, []) };
      for (const interval of chosen === 'auto' ? ['1m', '1s'] : [chosen]) {
        const known = await getJson(`/api/analytics/symbols?interval=${interval}`, symbolsResponse, signal);
        picked = { interval, ...splitByData(symbols, known.symbols) };
        if (picked.withData.length >= 2 && picked.fewest >= MIN_BARS) break;
      }
      return picked;
    };

    let interval = '1m';
    const loadRolling = async (): Promise<void> => {
      if (!pair) return;
      const [x, y] = pair;
      try {
        drawRolling(
          rolling,
          rollingTitle,
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
      const listed = pickSymbols(watchlist.symbols, MAX_SYMBOLS);
      let symbols: string[];
      try {
        const picked = await pickInterval(listed, signal);
        interval = picked.interval;
        symbols = picked.withData;
        skipped.textContent =
          picked.without.length === 0
            ? ''
            : t('analytics.skipped', { count: picked.without.length, symbols: picked.without.join(', ') });
      } catch (error) {
        if (!signal.aborted) status.textContent = message(error);
        return;
      }
      if (symbols.length < 2) {
        status.textContent = t('analytics.needTwo');
        return;
      }
      status.textContent = t('analytics.status', {
        count: symbols.length,
        interval,
        time: `${formatClock(Date.now())} ${timeZoneLabel()}`,
      });
      const list = symbols.join(',');
      pair ??= [symbols[0] ?? '', symbols[1] ?? ''];
      const jobs: Promise<void>[] = [
        getJson(
          `/api/analytics/correlation?symbols=${list}&interval=${interval}&points=500&pvalues=false&missing=pairwise`,
          matrixResponse,
          signal,
        ).then(
          (data) => {
            drawHeatmap(heat, data, (y, x) => {
              pair = [y, x];
              void loadRolling();
            });
          },
          (e: unknown) => {
            if (!signal.aborted) heat.replaceChildren(h('p', { class: 'problem' }, message(e)));
          },
        ),
        getJson(
          `/api/analytics/causality-graph?symbols=${list}&interval=${interval}&points=500&lag=aic&maxlag=3`,
          graphResponse,
          signal,
        ).then(
          (data) => {
            drawGraph(graph, data);
          },
          (e: unknown) => {
            if (!signal.aborted) graph.replaceChildren(h('p', { class: 'problem' }, message(e)));
          },
        ),
        getJson('/api/sentiment', sentimentResponse, signal).then(
          (data) => {
            const rows = data.symbols.filter((s) => symbols.includes(s.symbol));
            mood.replaceChildren(
              ...(rows.length === 0
                ? [h('p', { class: 'hint' }, t('analytics.noSentiment'))]
                : rows.map((s) =>
                    h(
                      'span',
                      {
                        class: `chip ${s.aggregate > 0.05 ? 'up' : s.aggregate < -0.05 ? 'down' : ''}`,
                        title: t('analytics.texts', { count: s.texts }),
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
