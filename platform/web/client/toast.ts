import { h } from './dom.ts';
import { t } from './i18n/i18n.ts';

const SHOW_MS = 10_000;
const MAX_SHOWN = 3;

/** In-app notifications: a polite live region in a corner; each closes by itself or with its button. */
export class Toasts {
  readonly element = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });

  show(title: string, body: string): void {
    const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': t('toast.close') }, '×');
    const toast = h('div', { class: 'toast' }, h('strong', {}, title), h('p', {}, body), close);
    const remove = () => {
      toast.remove();
    };
    close.addEventListener('click', remove);
    window.setTimeout(remove, SHOW_MS);
    this.element.append(toast);
    while (this.element.children.length > MAX_SHOWN) this.element.firstElementChild?.remove();
  }
}
