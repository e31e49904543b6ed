import { olderBars } from '../../api.ts';
import { aggregateBars } from '../../bars.ts';
import { CandleChart } from '../../chart.ts';
import { h } from '../../dom.ts';
import { milestone, switchStep } from '../../milestones.ts';
import { direction, formatChange, formatPercent, formatPrice, timeZoneLabel } from '../../format.ts';
import { t } from '../../i18n/i18n.ts';
import { intervals, type Bar, type Interval, type Quote } from '../../protocol.ts';
import { QuoteTable } from '../../quote-table.ts';
import { routeHash } from '../../route.ts';
import { SymbolSearch } from '../../search.ts';
import { noSubscriptions } from '../../subscriptions.ts';
import { ruleAtLevel } from '../price-alerts/logic.ts';
import type { AppContext, MountedView, View } from '../view.ts';
import { CHART_OWNER, chartSelection, chartWants, DEFAULT_INTERVAL, isInterval } from './selection.ts';
import './markets.css';

const HISTORY_PAGE = 500;

/** Watchlist with live quotes, symbol search, and the chart of the selected symbol. Route: #/markets?s=AAPL&i=1m. */
export const marketsView: View = {
  id: 'markets',
  title: 'views.markets',
  mount(container: HTMLElement, context: AppContext, params: URLSearchParams): MountedView {
    const { connection, store, watchlist, priceAlerts, live } = context;
    let symbol = '';
    let interval: Interval = DEFAULT_INTERVAL;
    /** An interval switch the user asked for, until the server's series for it is in (timed: milestones.ts). */
    let switching: { drawn: boolean } | undefined;

    const heading = h('h2', { class: 'symbol' });
    const price = h('span', { class: 'last' });
    const change = h('span', { class: 'change' });
    // Placing a price alert: press the button, then click the chart at the level.
    const placeAlert = h(
      'button',
      { type: 'button', class: 'place-alert', 'aria-pressed': 'false' },
      t('markets.placeAlert'),
    );
    placeAlert.addEventListener('click', () => {
      placeAlert.setAttribute('aria-pressed', String(placeAlert.getAttribute('aria-pressed') !== 'true'));
    });
    const buttons = intervals.map((i) =>
      h('button', { type: 'button', 'data-interval': i, 'aria-pressed': 'false' }, i),
    );
    const chartElement = h('div', { class: 'chart', id: 'chart', role: 'img', 'aria-label': t('chart.name') });
    const chartPanel = h(
      'div',
      { class: 'panel chart-panel' },
      h(
        'header',
        { class: 'chart-head' },
        h('div', { class: 'title' }, heading, h('div', { class: 'quote-line' }, price, change)),
        h('div', { class: 'intervals', role: 'group', 'aria-label': t('markets.interval') }, ...buttons),
        ...(priceAlerts.enabled ? [placeAlert] : []),
      ),
      chartElement,
      h(
        'p',
        { class: 'chart-foot' },
        h('span', { class: 'time-policy' }, t('markets.timesIn', { zone: timeZoneLabel() })),
        h('a', { href: 'https://www.tradingview.com/', rel: 'noopener', target: '_blank' }, t('markets.attribution')),
      ),
    );
    const notice = h('p', { class: 'notice', role: 'status' });
    const table = new QuoteTable(store, watchlist, live, (s) => {
      navigate(s, interval);
    });
    const search = new SymbolSearch((s) => {
      if (!watchlist.has(s) && !watchlist.add(s)) notice.textContent = t('markets.watchlistFull');
      navigate(s, interval);
    });
    const listPanel = h(
      'div',
      { class: 'panel list-panel' },
      search.element,
      notice,
      h('div', { class: 'table-scroll' }, table.element),
    );
    container.append(chartPanel, listPanel);
    const chart = new CandleChart(chartElement);
    chart.onPickPrice((level) => {
      if (placeAlert.getAttribute('aria-pressed') !== 'true') return;
      placeAlert.setAttribute('aria-pressed', 'false');
      const last = store.quote(symbol)?.price ?? store.bars(symbol, interval).at(-1)?.close;
      if (last === undefined) return;
      const rule = ruleAtLevel(symbol, level, last);
      priceAlerts.create(rule).then(
        (outcome) => {
          notice.textContent = t(outcome === 'queued' ? 'priceAlerts.queuedNow' : 'markets.alertPlaced', {
            symbol,
            price: formatPrice(rule.threshold),
          });
        },
        (error: unknown) => {
          notice.textContent = error instanceof Error ? error.message : String(error);
        },
      );
    });
    const drawAlerts = (): void => {
      chart.setAlertLines(
        priceAlerts.rules
          .filter((r) => r.symbol === symbol && (r.kind === 'price_above' || r.kind === 'price_below'))
          .map((r) => ({ price: r.threshold ?? 0, title: t(`markets.line.${r.kind}`) })),
      );
      chart.setFired(
        priceAlerts.fired
          .filter((e) => e.symbol === symbol)
          .map((e) => ({ at: Date.parse(e.at), text: t('markets.fired') })),
      );
    };
    const offAlerts = priceAlerts.listen({ changed: drawAlerts });
    const offLive = live.listen(() => {
      chart.setEmptyText(live.has(symbol) ? t('chart.waiting') : t('chart.noData', { symbol }));
    });

    for (const button of buttons) {
      button.addEventListener('click', () => {
        const i = button.dataset.interval ?? null;
        if (!isInterval(i) || i === interval) return;
        switching = { drawn: false };
        switchStep('asked');
        navigate(symbol, i);
      });
    }

    // Scrolling back loads older bars from the history API, one page at a time, until there are none.
    let older: { key: string; loading: boolean; exhausted: boolean } = { key: '', loading: false, exhausted: false };
    chart.onNearStart(() => {
      const key = `${symbol}|${interval}`;
      const first = store.bars(symbol, interval)[0];
      if (first === undefined || (older.key === key && (older.loading || older.exhausted))) return;
      const state = { key, loading: true, exhausted: false };
      older = state;
      const [s, i] = [symbol, interval];
      olderBars(s, i, first.start, HISTORY_PAGE)
        .then((bars) => {
          state.exhausted = store.prepend(s, i, bars) === 0;
        })
        .catch((error: unknown) => {
          state.exhausted = true; // not retried on every scroll event; a new selection tries again
          notice.textContent = t('markets.olderFailed', {
            message: error instanceof Error ? error.message : String(error),
          });
        })
        .finally(() => {
          state.loading = false;
        });
    });

    const offStore = store.listen({
      quote: (q) => {
        if (q.symbol === symbol) showQuote(q);
      },
      series: (s, i, bars) => {
        if (s !== symbol || i !== interval) return;
        chartElement.dataset.drawnFrom = 'server';
        draw(s, i, bars);
        if (switching !== undefined) {
          if (!switching.drawn && bars.length > 0) switchStep('drawn');
          switchStep('server');
          switching = undefined;
        }
      },
      history: (s, i, bars, added) => {
        if (s === symbol && i === interval) chart.extend(bars, added);
      },
      bar: (s, i, bar) => {
        if (s === symbol && i === interval) chart.update(bar);
      },
    });
    let listed = new Set(watchlist.symbols);
    const offWatchlist = watchlist.listen((symbols) => {
      notice.textContent = '';
      // Removing the charted symbol moves the chart to the first one left; a symbol charted without being
      // on the watchlist (opened by link) stays.
      const removedCharted = listed.has(symbol) && !symbols.includes(symbol);
      listed = new Set(symbols);
      if (removedCharted && symbols[0] !== undefined) navigate(symbols[0], interval);
    });

    function draw(s: string, i: Interval, bars: readonly Bar[]): void {
      chart.show(s, i, bars);
      if (bars.length > 0) milestone('chart');
    }

    function navigate(s: string, i: Interval): void {
      const next = new URLSearchParams({ s, i });
      // replaceState: the hash records the selection without filling the history with every click.
      history.replaceState(null, '', routeHash('markets', next));
      select(next);
    }

    function select(p: URLSearchParams): void {
      const { symbol: s, interval: i } = chartSelection(
        p,
        symbol === '' ? undefined : { symbol, interval },
        watchlist.symbols,
      );
      if (s === symbol && i === interval) return;
      symbol = s;
      interval = i;
      heading.textContent = s;
      for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.interval === i));
      table.select(s);
      const quote = store.quote(s);
      if (quote === undefined) {
        price.textContent = '–';
        change.textContent = '';
      } else showQuote(quote);
      // Drawn at once from what the page holds: the series asked for at the page's start, or kept from an earlier
      // showing, else made from a finer one; the server's snapshot (asked for below) then replaces it.
      const { bars, from } = heldBars(store, s, i);
      chartElement.dataset.drawnFrom = from;
      draw(s, i, bars);
      if (switching !== undefined && bars.length > 0) {
        switching.drawn = true;
        switchStep('drawn');
      }
      chart.setEmptyText(live.has(s) ? t('chart.waiting') : t('chart.noData', { symbol: s }));
      drawAlerts();
      connection.want(CHART_OWNER, chartWants({ symbol: s, interval: i }));
    }

    function showQuote(q: Quote): void {
      price.textContent = formatPrice(q.price);
      document.title = t('app.documentTitle', { title: `${q.symbol} ${formatPrice(q.price)}` });
      change.textContent = `${formatChange(q.change)} (${formatPercent(q.changePct)})`;
      const d = direction(q.change);
      change.dataset.direction = d > 0 ? 'up' : d < 0 ? 'down' : 'flat';
    }

    // "/" jumps to the search box, as on most sites with one.
    const focusSearch = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      if (
        event.target instanceof HTMLElement &&
        (event.target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(event.target.tagName))
      )
        return;
      event.preventDefault();
      search.focus();
    };
    document.addEventListener('keydown', focusSearch);

    select(params);
    if (params.get('s') === null)
      history.replaceState(null, '', routeHash('markets', new URLSearchParams({ s: symbol, i: interval })));

    return {
      update: select,
      unmount() {
        document.removeEventListener('keydown', focusSearch);
        offStore();
        offAlerts();
        offLive();
        offWatchlist();
        table.dispose();
        chart.dispose();
        connection.want(CHART_OWNER, noSubscriptions);
      },
    };
  },
};

/** The bars the page already holds for a selection: its own series, or one made from a finer series. */
function heldBars(
  store: AppContext['store'],
  symbol: string,
  interval: Interval,
): { bars: readonly Bar[]; from: 'held' | 'derived' | 'none' } {
  const own = store.bars(symbol, interval);
  if (own.length > 0) return { bars: own, from: 'held' };
  // The finer series that makes the most bars (1m usually: 500 of them are 100 five-minute bars).
  const made = intervals
    .map((finer) => aggregateBars(store.bars(symbol, finer), finer, interval) ?? [])
    .reduce((best, bars) => (bars.length > best.length ? bars : best), []);
  return made.length > 0 ? { bars: made, from: 'derived' } : { bars: [], from: 'none' };
}
