import { h } from '../../dom.ts';
import type { View } from '../view.ts';

/** Placeholder until the analytics view lands (correlation and causality between the watchlist's symbols). */
export const analyticsView: View = {
  id: 'analytics',
  title: 'Analytics',
  mount(container) {
    container.append(h('div', { class: 'panel placeholder' }, h('h2', {}, 'Analytics'), h('p', {}, 'Correlation, causality and sentiment for your watchlist will appear here.')));
    return { unmount() { container.replaceChildren(); } };
  },
};
