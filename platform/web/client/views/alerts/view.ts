import { h } from '../../dom.ts';
import type { ViewCode } from '../view.ts';
import { formatDayTime, timeZoneLabel } from '../../format.ts';
import { t } from '../../i18n/i18n.ts';
import { actionsFor, incidentAction, listIncidents, safeHref, type Incident } from './logic.ts';

const refreshMs = 5_000;

/**
 * Operations incidents (acknowledge, snooze, resolve), polled from /api: operator roles only (users' own price
 * alerts have their own view).
 */
export const alertsView: ViewCode = {
  mount(container, { session }) {
    const send = session.send.bind(session);
    const canAct = session.can('incidents:act');
    let show: 'open' | 'resolved' = 'open';
    const status = h('p', { class: 'alerts-status', role: 'status' });
    const incidentsBox = h('div', { class: 'alerts-incidents' });
    const report = (error: unknown): void => {
      status.textContent = error instanceof Error ? error.message : String(error);
    };

    const filter = h(
      'select',
      { id: 'incident-filter' },
      h('option', { value: 'open' }, t('incidents.open')),
      h('option', { value: 'resolved' }, t('incidents.resolved')),
    );
    filter.addEventListener('change', () => {
      show = filter.value === 'resolved' ? 'resolved' : 'open';
      void refresh();
    });

    const renderIncident = (i: Incident): HTMLElement => {
      const buttons = (canAct ? actionsFor(i.status) : []).map((action) => {
        const b = h('button', { type: 'button', 'data-action': action }, t(`incidents.${action}`, { minutes: 30 }));
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
          const runbook =
            href === null ? [] : [' ', h('a', { href, target: '_blank', rel: 'noopener' }, t('incidents.runbook'))];
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
      const details = h('details', {}, h('summary', {}, t('incidents.alertCount', { count: i.alertCount })), alerts);
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
          t('incidents.line', {
            status: t(`incidents.status.${i.status}`),
            severity: i.severity,
            assignee: i.assignee === null ? t('incidents.unassigned') : t('incidents.assignedTo', { name: i.assignee }),
            since: `${formatDayTime(Date.parse(i.createdAt))} ${timeZoneLabel()}`,
          }),
        ),
        details,
        h('div', { class: 'actions' }, ...buttons),
      );
    };

    const refresh = async (): Promise<void> => {
      try {
        const incidents = await listIncidents(show);
        incidentsBox.replaceChildren(
          ...(incidents.length === 0
            ? [h('p', { class: 'empty' }, t(show === 'open' ? 'incidents.noneOpen' : 'incidents.noneResolved'))]
            : incidents.map(renderIncident)),
        );
        status.textContent = '';
      } catch (error) {
        report(error);
      }
    };

    container.append(
      h(
        'div',
        { class: 'panel alerts-view' },
        h(
          'section',
          {},
          h('h2', {}, t('views.incidents')),
          h('div', { class: 'alerts-toolbar' }, h('label', { for: 'incident-filter' }, t('incidents.show')), filter),
          status,
          incidentsBox,
        ),
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
