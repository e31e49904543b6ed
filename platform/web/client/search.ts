import { ApiError, searchSymbols, type SearchResult } from './api.ts';
import { debounce, h } from './dom.ts';
import { t } from './i18n/i18n.ts';

const DEBOUNCE_MS = 200;

/**
 * Symbol search box: asks the search API once typing pauses (a newer query aborts the older request),
 * lists matches in a keyboard-navigable list box, and hands the chosen symbol to `onPick`.
 */
export class SymbolSearch {
  readonly element: HTMLElement;
  readonly #input: HTMLInputElement;
  readonly #list: HTMLUListElement;
  readonly #status: HTMLElement;
  readonly #onPick: (symbol: string) => void;
  #results: SearchResult[] = [];
  #active = -1;
  #request: AbortController | undefined;

  constructor(onPick: (symbol: string) => void) {
    this.#onPick = onPick;
    this.#input = h('input', {
      type: 'search',
      id: 'symbol-search',
      placeholder: t('search.placeholder'),
      'aria-keyshortcuts': '/',
      autocomplete: 'off',
      spellcheck: 'false',
      role: 'combobox',
      'aria-expanded': 'false',
      'aria-controls': 'symbol-results',
      'aria-autocomplete': 'list',
    });
    this.#list = h('ul', { id: 'symbol-results', role: 'listbox', class: 'results', hidden: '' });
    this.#status = h('p', { class: 'search-status', role: 'status', 'aria-live': 'polite' });
    this.element = h(
      'div',
      { class: 'search' },
      h('label', { for: 'symbol-search', class: 'search-label' }, t('search.label')),
      this.#input,
      this.#list,
      this.#status,
    );

    const query = debounce((q: string) => {
      void this.#search(q);
    }, DEBOUNCE_MS);
    this.#input.addEventListener('input', () => {
      const q = this.#input.value.trim();
      if (q === '') this.#close();
      else query(q);
    });
    this.#input.addEventListener('keydown', (event) => {
      this.#key(event);
    });
    this.#input.addEventListener('blur', () => {
      window.setTimeout(() => {
        this.#close();
      }, 150);
    });
  }

  focus(): void {
    this.#input.focus();
  }

  async #search(q: string): Promise<void> {
    this.#request?.abort();
    const request = new AbortController();
    this.#request = request;
    try {
      const results = await searchSymbols(q, request.signal);
      if (request.signal.aborted || this.#input.value.trim() !== q) return;
      this.#show(results);
      this.#status.textContent = results.length === 0 ? t('search.noMatch', { query: q }) : '';
    } catch (error) {
      if (request.signal.aborted) return;
      this.#show([]);
      this.#status.textContent =
        error instanceof ApiError && error.status < 500 ? error.message : t('search.unavailable');
    }
  }

  #show(results: SearchResult[]): void {
    this.#results = results;
    this.#active = results.length > 0 ? 0 : -1;
    this.#list.replaceChildren(
      ...results.map((r, i) => {
        const item = h(
          'li',
          { role: 'option', id: `symbol-option-${i}`, 'data-symbol': r.symbol },
          h('span', { class: 'sym' }, r.symbol),
          h('span', { class: 'name' }, r.name),
          h('span', { class: 'exchange' }, r.exchange ?? ''),
        );
        item.addEventListener('mousedown', (event) => {
          event.preventDefault(); // keep focus in the input until picked
          this.#pick(r.symbol);
        });
        return item;
      }),
    );
    this.#list.hidden = results.length === 0;
    this.#input.setAttribute('aria-expanded', String(results.length > 0));
    this.#highlight();
  }

  #key(event: KeyboardEvent): void {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (this.#results.length === 0) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.#active = (this.#active + step + this.#results.length) % this.#results.length;
      this.#highlight();
    } else if (event.key === 'Enter') {
      const chosen = this.#results[this.#active];
      if (chosen !== undefined) this.#pick(chosen.symbol);
    } else if (event.key === 'Escape') this.#close();
  }

  #highlight(): void {
    for (const [i, item] of [...this.#list.children].entries())
      item.setAttribute('aria-selected', String(i === this.#active));
    if (this.#active >= 0) this.#input.setAttribute('aria-activedescendant', `symbol-option-${this.#active}`);
    else this.#input.removeAttribute('aria-activedescendant');
  }

  #pick(symbol: string): void {
    this.#onPick(symbol);
    this.#input.value = '';
    this.#close();
  }

  #close(): void {
    this.#request?.abort();
    this.#show([]);
    this.#status.textContent = '';
  }
}
