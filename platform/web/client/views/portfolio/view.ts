import { h } from '../../dom.ts';
import { direction, formatMoney, formatNumber, formatPercent } from '../../format.ts';
import { t } from '../../i18n/i18n.ts';
import { polylines } from '../analytics/logic.ts';
import type { ViewCode } from '../view.ts';
import {
  importRowErrors,
  loadPortfolio,
  positionFromForm,
  removePosition,
  setPosition,
  type Portfolio,
  type Position,
} from './logic.ts';

const REFRESH_MS = 10_000;
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const money = (n: number | null): string => (n === null ? '–' : formatMoney(n));
/** A fraction (0.05) as a signed percentage. */
const share = (n: number | null): string => (n === null ? '–' : formatPercent(n * 100));
const signOf = (n: number | null): string => {
  const d = direction(n ?? 0);
  return d > 0 ? 'up' : d < 0 ? 'down' : 'flat';
};

/** The user's positions valued at live prices: P&L, returns, drawdown; editing and CSV import/export. Traders. */
export const portfolioView: ViewCode = {
  mount(container, { session, live }) {
    const send = session.send.bind(session);
    const status = h('p', { class: 'portfolio-status', role: 'status' });
    const totals = h('div', { class: 'portfolio-totals' });
    const chart = h('div', { class: 'portfolio-chart' });
    const body = h('tbody');
    const columns = ['symbol', 'quantity', 'cost', 'price', 'value', 'pnl', 'return', 'day'] as const;
    const table = h(
      'table',
      { class: 'portfolio-table' },
      h('caption', { class: 'sr-only' }, t('portfolio.positions')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...columns.map((c) => h('th', { scope: 'col', class: c === 'symbol' ? '' : 'num' }, t(`portfolio.col.${c}`))),
          h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('portfolio.remove'))),
        ),
      ),
      body,
    );
    const report = (error: unknown): void => {
      status.textContent = message(error);
    };

    const row = (p: Position): HTMLElement => {
      const remove = h(
        'button',
        { type: 'button', 'aria-label': t('portfolio.removeSymbol', { symbol: p.symbol }) },
        '×',
      );
      remove.addEventListener('click', () => {
        removePosition(send, p.symbol).then(refresh, report);
      });
      const cell = (text: string, sign?: number | null) =>
        h('td', { class: 'num', ...(sign === undefined ? {} : { 'data-direction': signOf(sign) }) }, text);
      return h(
        'tr',
        { 'data-symbol': p.symbol },
        h('th', { scope: 'row' }, p.symbol),
        cell(formatNumber(p.quantity)),
        cell(formatMoney(p.averageCost)),
        cell(money(p.price)),
        cell(money(p.marketValue)),
        cell(money(p.unrealizedPnl), p.unrealizedPnl),
        cell(share(p.unrealizedReturn), p.unrealizedReturn),
        cell(share(p.dayReturn), p.dayReturn),
        h('td', {}, remove),
      );
    };

    const draw = (data: Portfolio): void => {
      const { totals: sum, performance: perf } = data;
      body.replaceChildren(
        ...(data.positions.length === 0
          ? [h('tr', {}, h('td', { colspan: '9' }, t('portfolio.empty')))]
          : data.positions.map(row)),
      );
      totals.replaceChildren(
        h('p', {}, t('portfolio.value'), ' ', h('strong', {}, formatMoney(sum.marketValue))),
        h(
          'p',
          { 'data-direction': signOf(sum.unrealizedPnl) },
          t('portfolio.pnl'),
          ' ',
          h('strong', {}, `${formatMoney(sum.unrealizedPnl)} (${share(sum.unrealizedReturn)})`),
        ),
        h('p', {}, t('portfolio.periodReturn', { n: perf.n }), ' ', h('strong', {}, share(perf.periodReturn))),
        h(
          'p',
          {},
          t('portfolio.maxDrawdown'),
          ' ',
          h('strong', {}, share(perf.maxDrawdown === null ? null : -perf.maxDrawdown)),
        ),
        ...(sum.unpriced.length === 0
          ? []
          : [h('p', { class: 'hint' }, t('portfolio.unpriced', { symbols: sum.unpriced.join(', ') }))]),
        ...(perf.warning === undefined ? [] : [h('p', { class: 'hint warning' }, perf.warning)]),
      );
      const values = perf.series.map((p) => p.value);
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      svg.setAttribute('viewBox', '0 0 600 120');
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', t('portfolio.chart', { n: values.length }));
      for (const points of values.length > 1 && hi > lo ? polylines(values, 600, 120, lo, hi) : []) {
        const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
        line.setAttribute('points', points);
        svg.append(line);
      }
      chart.replaceChildren(svg);
    };

    const refresh = async (): Promise<void> => {
      try {
        draw(await loadPortfolio());
        status.textContent = '';
      } catch (error) {
        report(error);
      }
    };

    const symbol = h('select', { id: 'position-symbol', required: '' });
    const offLive = live.listen(() => {
      symbol.replaceChildren(...live.symbols.map((s) => h('option', { value: s }, s)));
    });
    const quantity = h('input', { id: 'position-quantity', type: 'text', inputmode: 'decimal', required: '' });
    const cost = h('input', { id: 'position-cost', type: 'text', inputmode: 'decimal', required: '' });
    const form = h(
      'form',
      { class: 'portfolio-form', 'aria-label': t('portfolio.set') },
      h('label', { for: 'position-symbol' }, t('portfolio.col.symbol')),
      symbol,
      h('label', { for: 'position-quantity' }, t('portfolio.col.quantity')),
      quantity,
      h('label', { for: 'position-cost' }, t('portfolio.costUsd')),
      cost,
      h('button', { type: 'submit' }, t('portfolio.set')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const parsed = positionFromForm(quantity.value, cost.value);
      if (typeof parsed === 'string') {
        status.textContent = parsed;
        return;
      }
      setPosition(send, symbol.value, parsed.quantity, parsed.averageCost).then(refresh, report);
    });

    const file = h('input', { id: 'portfolio-import', type: 'file', accept: '.csv,text/csv' });
    const mode = h(
      'select',
      { id: 'portfolio-mode' },
      h('option', { value: 'replace' }, t('portfolio.replace')),
      h('option', { value: 'merge' }, t('portfolio.merge')),
    );
    file.addEventListener('change', () => {
      const chosen = file.files?.[0];
      if (chosen === undefined) return;
      chosen
        .text()
        .then((csv) =>
          session.sendCsv(`/api/portfolio/import?mode=${mode.value === 'merge' ? 'merge' : 'replace'}`, csv),
        )
        .then(
          () => {
            rowErrors.replaceChildren();
            status.textContent = t('portfolio.imported');
            file.value = '';
            return refresh();
          },
          (error: unknown) => {
            const [summary, ...rows] = importRowErrors(error) ?? [message(error)];
            status.textContent = summary ?? '';
            rowErrors.replaceChildren(...rows.map((r) => h('li', {}, r)));
          },
        );
    });
    // Each bad row of a refused import, with its line: the file can be fixed without guessing.
    const rowErrors = h('ul', { class: 'portfolio-import-errors', 'aria-live': 'polite' });
    const csv = h(
      'div',
      { class: 'portfolio-csv' },
      h('label', { for: 'portfolio-import' }, t('portfolio.import')),
      file,
      h('label', { for: 'portfolio-mode' }, t('portfolio.mode')),
      mode,
      h('a', { href: '/api/portfolio/export', download: 'portfolio.csv' }, t('portfolio.export')),
      rowErrors,
    );

    container.append(
      h(
        'div',
        { class: 'panel portfolio' },
        h('h2', {}, t('views.portfolio')),
        status,
        totals,
        chart,
        h('div', { class: 'table-scroll' }, table),
        form,
        csv,
      ),
    );
    void refresh();
    const timer = window.setInterval(() => {
      void refresh();
    }, REFRESH_MS);
    return {
      unmount() {
        window.clearInterval(timer);
        offLive();
        container.replaceChildren();
      },
    };
  },
};
