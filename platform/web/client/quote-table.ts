import { direction, formatChange, formatPercent, formatPrice } from './format.ts';
import { h, reducedMotion } from './dom.ts';
import { t } from './i18n/i18n.ts';
import type { Quote } from './protocol.ts';
import type { MarketStore } from './store.ts';
import type { Watchlist } from './watchlist.ts';

const FLASH_MS = 1_000;

interface Row {
  readonly tr: HTMLTableRowElement;
  readonly price: HTMLTableCellElement;
  readonly change: HTMLTableCellElement;
  readonly percent: HTMLTableCellElement;
  last: number | undefined;
  flashedAt: number;
}

/**
 * The watchlist as a live quote table: last price, change and change % per symbol, flashing green or red
 * when the price moves; a row selects its symbol for the chart, its button removes it from the watchlist.
 */
export class QuoteTable {
  readonly element: HTMLTableElement;
  readonly #body: HTMLTableSectionElement;
  readonly #rows = new Map<string, Row>();
  readonly #store: MarketStore;
  readonly #watchlist: Watchlist;
  readonly #onSelect: (symbol: string) => void;
  readonly #unlisten: (() => void)[] = [];
  #selected: string | undefined;
  readonly #pending = new Map<string, Quote>();
  #frame: number | undefined;

  constructor(store: MarketStore, watchlist: Watchlist, onSelect: (symbol: string) => void) {
    this.#store = store;
    this.#watchlist = watchlist;
    this.#onSelect = onSelect;
    this.#body = h('tbody');
    this.element = h(
      'table',
      { class: 'quotes', 'aria-label': t('quotes.label') },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('quotes.symbol')),
          h('th', { scope: 'col', class: 'num' }, t('quotes.last')),
          h('th', { scope: 'col', class: 'num' }, h('abbr', { title: t('quotes.changeLong') }, t('quotes.change'))),
          h('th', { scope: 'col', class: 'num' }, t('quotes.changePercent')),
          h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('quotes.remove'))),
        ),
      ),
      this.#body,
    );
    this.#render(watchlist.symbols);
    this.#unlisten.push(
      watchlist.listen((symbols) => {
        this.#render(symbols);
      }),
    );
    this.#unlisten.push(
      store.listen({
        quote: (q) => {
          this.#quote(q);
        },
      }),
    );
  }

  select(symbol: string): void {
    this.#selected = symbol;
    for (const [s, row] of this.#rows) row.tr.setAttribute('aria-selected', String(s === symbol));
  }

  dispose(): void {
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    for (const off of this.#unlisten) off();
  }

  #render(symbols: readonly string[]): void {
    for (const [symbol, row] of this.#rows) {
      if (!symbols.includes(symbol)) {
        row.tr.remove();
        this.#rows.delete(symbol);
      }
    }
    if (symbols.length === 0) {
      this.#body.replaceChildren(h('tr', { class: 'empty' }, h('td', { colspan: '5' }, t('quotes.empty'))));
      return;
    }
    this.#body.querySelector('tr.empty')?.remove();
    for (const symbol of symbols) {
      const row = this.#rows.get(symbol) ?? this.#row(symbol);
      this.#body.append(row.tr); // re-appending keeps the watchlist's order
    }
  }

  #row(symbol: string): Row {
    const remove = h(
      'button',
      {
        class: 'remove',
        type: 'button',
        'aria-label': t('quotes.removeSymbol', { symbol }),
      },
      '×',
    );
    const tr = h('tr', { 'data-symbol': symbol, tabindex: '0', 'aria-selected': String(symbol === this.#selected) });
    const row: Row = {
      tr,
      price: h('td', { class: 'num price' }, '–'),
      change: h('td', { class: 'num' }, ''),
      percent: h('td', { class: 'num' }, ''),
      last: undefined,
      flashedAt: 0,
    };
    tr.append(h('th', { scope: 'row' }, symbol), row.price, row.change, row.percent, h('td', {}, remove));
    tr.addEventListener('click', (event) => {
      if (event.target instanceof Element && event.target.closest('button.remove')) return;
      this.#onSelect(symbol);
    });
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        this.#onSelect(symbol);
      } else if (event.key === 'Delete') this.#watchlist.remove(symbol);
    });
    remove.addEventListener('click', () => {
      this.#watchlist.remove(symbol);
    });
    this.#rows.set(symbol, row);
    const quote = this.#store.quote(symbol);
    if (quote !== undefined) this.#fill(row, quote);
    return row;
  }

  /** Quotes arrive many per frame: rows are repainted once per animation frame with the latest. */
  #quote(quote: Quote): void {
    if (!this.#rows.has(quote.symbol)) return;
    this.#pending.set(quote.symbol, quote);
    if (this.#frame === undefined)
      this.#frame = requestAnimationFrame(() => {
        this.#paint();
      });
  }

  #paint(): void {
    this.#frame = undefined;
    for (const [symbol, quote] of this.#pending) {
      const row = this.#rows.get(symbol);
      if (row !== undefined) this.#fill(row, quote);
    }
    this.#pending.clear();
  }

  #fill(row: Row, quote: Quote): void {
    const moved = row.last === undefined ? 0 : direction(quote.price - row.last);
    row.last = quote.price;
    row.price.textContent = formatPrice(quote.price);
    row.change.textContent = formatChange(quote.change);
    row.percent.textContent = formatPercent(quote.changePct);
    const d = direction(quote.change);
    row.tr.dataset.direction = d > 0 ? 'up' : d < 0 ? 'down' : 'flat';
    // At most one flash per FLASH_MS per row: a busy symbol would otherwise stay coloured all the time.
    const now = performance.now();
    if (moved !== 0 && now - row.flashedAt >= FLASH_MS && !reducedMotion()) {
      row.flashedAt = now;
      row.price.animate(
        [
          { backgroundColor: moved > 0 ? 'rgba(22, 163, 74, 0.4)' : 'rgba(220, 38, 38, 0.4)' },
          { backgroundColor: 'transparent' },
        ],
        { duration: FLASH_MS / 2, easing: 'ease-out' },
      );
      row.price.dataset.flash = moved > 0 ? 'up' : 'down';
    }
  }
}
