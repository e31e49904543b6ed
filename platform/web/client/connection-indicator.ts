import type { ConnectionState, MarketConnection } from './connection.ts';
import { h } from './dom.ts';
import { t } from './i18n/i18n.ts';

const labels = (state: ConnectionState): string => t(`connection.${state}`);

/**
 * The connection state for people (a dot and a word) and for tools: data-state, data-session,
 * data-seq and data-resumed on the element.
 */
export function connectionIndicator(connection: MarketConnection): HTMLElement {
  const text = h('span', { class: 'label' });
  const retry = h('button', { type: 'button', class: 'retry', hidden: '' }, t('connection.retry'));
  retry.addEventListener('click', () => {
    connection.retryNow();
  });
  const element = h(
    'div',
    { class: 'connection', role: 'status', 'aria-live': 'polite' },
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    text,
    retry,
  );
  const render = (state: ConnectionState) => {
    element.dataset.state = state;
    text.textContent = labels(state);
    retry.hidden = state !== 'reconnecting';
    element.dataset.session = connection.session ?? '';
    element.dataset.resumed = String(connection.resumed);
    element.title =
      connection.session === undefined
        ? labels(state)
        : t('connection.detail', {
            state: labels(state),
            session: connection.session,
            seq: connection.lastSeq,
          });
  };
  render(connection.state);
  connection.listen({
    state: render,
    reset: () => {
      render(connection.state);
    },
    // The sequence number changes with every message: kept on the element for tests and support.
    message: () => {
      element.dataset.seq = String(connection.lastSeq);
    },
  });
  return element;
}

/** The latest problem the server reported, shown for a few seconds. */
export function problemBanner(connection: MarketConnection): HTMLElement {
  const element = h('div', { class: 'problem', role: 'alert', hidden: '' });
  let timer: number | undefined;
  connection.listen({
    problem: (message) => {
      element.textContent = message;
      element.hidden = false;
      clearTimeout(timer);
      timer = window.setTimeout(() => {
        element.hidden = true;
      }, 6_000);
    },
  });
  return element;
}
