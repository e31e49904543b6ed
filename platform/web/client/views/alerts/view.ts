import { h } from '../../dom.ts';
import type { View } from '../view.ts';

/** Placeholder until the alerting view lands (price alerts and their notifications). */
export const alertsView: View = {
  id: 'alerts',
  title: 'Alerts',
  mount(container) {
    container.append(h('div', { class: 'panel placeholder' }, h('h2', {}, 'Alerts'), h('p', {}, 'Price alerts on your symbols and their notifications will appear here.')));
    return { unmount() { container.replaceChildren(); } };
  },
};
