import { h } from '../../dom.ts';
import type { View } from '../view.ts';
import './alerts.css';
import {
  actionsFor,
  createPriceRule,
  deletePriceRule,
  describeRule,
  incidentAction,
  listIncidents,
  listPriceEvents,
  listPriceRules,
  priceKinds,
  ruleFromForm,
  safeHref,
  type Incident,
  type PriceKind,
} from './logic.ts';

const refreshMs = 5_000;

/**
 * Incidents (acknowledge, snooze, resolve) and the user's own price alerts, polled from /api; what the signed-in
 * role may not do is not shown.
 */
export const alertsView: View = {
  id: 'alerts',
  title: 'Alerts',
  mount(container, { session }) {
    const send = session.send.bind(session);
    const canAct = session.can('incidents:act');
    const ownsAlerts = session.can('trading:own');
    let show: 'open' | 'resolved' = 'open';
    const status = h('p', { class: 'alerts-status', role: 'status' });
    const incidentsBox = h('div', { class: 'alerts-incidents' });
    const rulesBox = h('ul', { class: 'alerts-rules' });
    const eventsBox = h('ul', { class: 'alerts-events' });
    const report = (error: unknown): void => {
      status.textContent = error instanceof Error ? error.message : String(error);
    };

    const filter = h(
      'select',
      { 'aria-label': 'incidents to show' },
      h('option', { value: 'open' }, 'Open'),
      h('option', { value: 'resolved' }, 'Resolved'),
    );
    filter.addEventListener('change', () => {
      show = filter.value === 'resolved' ? 'resolved' : 'open';
      void refresh();
    });

    const renderIncident = (i: Incident): HTMLElement => {
      const buttons = (canAct ? actionsFor(i.status) : []).map((action) => {
        const b = h(
          'button',
          { type: 'button', 'data-action': action },
          action === 'snooze' ? 'Snooze 30m' : action === 'acknowledge' ? 'Acknowledge' : 'Resolve',
        );
        b.addEventListener('click', () => {
          incidentAction(send, i.id, action).then(refresh, report);
        });
        return b;
      });
      const alerts = h(
        'ul',
        { class: 'alerts-labels' },
        ...i.alerts.slice(0, 10).map((a) => {
          const href = safeHref(a.runbookUrl, location.href);
          const runbook = href === null ? [] : [' ', h('a', { href, target: '_blank', rel: 'noopener' }, 'runbook')];
          return h(
            'li',
            { class: a.status },
            Object.entries(a.labels)
              .map(([k, v]) => `${k}=${v}`)
              .join(' '),
            a.suppressedBy === null ? '' : ` (${a.suppressedBy})`,
            ...runbook,
          );
        }),
      );
      const details = h(
        'details',
        {},
        h('summary', {}, `${String(i.alertCount)} alert${i.alertCount === 1 ? '' : 's'}`),
        alerts,
      );
      return h(
        'article',
        { class: `incident sev-${i.severity}`, 'data-incident': i.id, 'data-status': i.status },
        h(
          'header',
          {},
          h('span', { class: 'prio' }, `P${String(i.priority)}`),
          h('a', { href: `#/incidents/${encodeURIComponent(i.id)}`, class: 'incident-link' }, h('strong', {}, i.title)),
        ),
        h(
          'p',
          {},
          `${i.status} · ${i.severity} · ${i.assignee === null ? 'unassigned' : `assigned to ${i.assignee}`} · since ${new Date(i.createdAt).toLocaleString()}`,
        ),
        details,
        h('div', { class: 'actions' }, ...buttons),
      );
    };

    const kind = h(
      'select',
      { 'aria-label': 'kind' },
      ...priceKinds.map((k) => h('option', { value: k }, k.replace('_', ' '))),
    );
    const symbol = h('input', { type: 'text', placeholder: 'symbol', 'aria-label': 'symbol' });
    const threshold = h('input', { type: 'text', placeholder: 'threshold', 'aria-label': 'threshold' });
    const other = h('input', { type: 'text', placeholder: 'other symbol', 'aria-label': 'other symbol' });
    const form = h(
      'form',
      { class: 'alerts-form' },
      kind,
      symbol,
      threshold,
      other,
      h('button', { type: 'submit' }, 'Add price alert'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const body = ruleFromForm(kind.value as PriceKind, symbol.value, threshold.value, other.value);
      if (typeof body === 'string') {
        status.textContent = body;
        return;
      }
      createPriceRule(send, body).then(() => {
        symbol.value = '';
        threshold.value = '';
        other.value = '';
        return refresh();
      }, report);
    });

    const refresh = async (): Promise<void> => {
      try {
        const incidents = await listIncidents(show);
        incidentsBox.replaceChildren(
          ...(incidents.length === 0
            ? [h('p', { class: 'empty' }, show === 'open' ? 'No open incidents.' : 'No resolved incidents.')]
            : incidents.map(renderIncident)),
        );
        if (ownsAlerts) {
          const [rules, events] = await Promise.all([listPriceRules(), listPriceEvents()]);
          rulesBox.replaceChildren(
            ...rules.map((r) => {
              const del = h('button', { type: 'button', 'aria-label': `delete ${describeRule(r)}` }, '×');
              del.addEventListener('click', () => {
                deletePriceRule(send, r.id).then(refresh, report);
              });
              return h('li', {}, describeRule(r), ' ', del);
            }),
          );
          eventsBox.replaceChildren(
            ...events.map((e) => h('li', {}, `${new Date(e.at).toLocaleTimeString()} ${e.message}`)),
          );
        }
        status.textContent = '';
      } catch (error) {
        report(error);
      }
    };

    container.append(
      h(
        'div',
        { class: 'panel alerts-view' },
        h('section', {}, h('h2', {}, 'Incidents'), h('div', { class: 'alerts-toolbar' }, filter), status, incidentsBox),
        ...(ownsAlerts
          ? [h('section', {}, h('h2', {}, 'My price alerts'), form, rulesBox, h('h3', {}, 'Recently fired'), eventsBox)]
          : []),
      ),
    );
    void refresh();
    const timer = setInterval(() => {
      void refresh();
    }, refreshMs);
    return {
      unmount() {
        clearInterval(timer);
        container.replaceChildren();
      },
    };
  },
};
