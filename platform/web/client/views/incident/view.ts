import { h } from '../../dom.ts';
import type { ViewCode } from '../view.ts';
import { canDecide, decide, loadIncident, loadRemediations, timeline, type Remediation } from './logic.ts';
import { messages } from './messages.ts';

const refreshMs = 2_000;

/**
 * One incident at `#/incidents/<id>`: its timeline (alerts, notifications, every remediation step), the actions
 * waiting for approval, and approve/reject buttons for a person with the sre role.
 */
export const incidentView: ViewCode = {
  mount(container, { session }, params) {
    let id = params.get('path') ?? '';
    const heading = h('h2', {}, messages.title);
    const summary = h('p', { class: 'incident-summary' });
    const status = h('p', { class: 'incident-status', role: 'status' });
    const pendingBox = h('div', { class: 'incident-pending' });
    const timelineBox = h('ol', { class: 'incident-timeline' });
    const report = (error: unknown): void => {
      status.textContent = error instanceof Error ? error.message : String(error);
    };
    const send = session.send.bind(session);

    const renderPending = (r: Remediation): HTMLElement => {
      const buttons = canDecide(session.me)
        ? (['approve', 'reject'] as const).map((verb) => {
            const b = h('button', { type: 'button', 'data-decision': verb }, messages[verb]);
            b.addEventListener('click', () => {
              b.disabled = true;
              decide(send, r.id, verb).then(refresh, report);
            });
            return b;
          })
        : [];
      const expires =
        r.expiresAt === undefined ? '' : ` · ${messages.expires(new Date(r.expiresAt).toLocaleTimeString())}`;
      return h(
        'article',
        { class: 'pending-action', 'data-remediation': r.id },
        h('strong', {}, `${r.kind} ${r.service}`),
        h('p', {}, `${messages.risk(r.risk)}${expires}`),
        h('p', { class: 'reason' }, r.reason),
        h('div', { class: 'actions' }, ...buttons),
      );
    };

    const refresh = async (): Promise<void> => {
      if (id === '') {
        status.textContent = messages.noIncident;
        return;
      }
      try {
        const incident = await loadIncident(id);
        const remediations = await loadRemediations(incident);
        heading.textContent = incident.title;
        summary.textContent = messages.summary(incident.status, incident.severity, incident.priority);
        const pending = remediations.filter((r) => r.status === 'pending_approval');
        pendingBox.replaceChildren(
          ...(pending.length === 0
            ? [h('p', { class: 'empty' }, messages.noPending)]
            : [
                ...pending.map(renderPending),
                ...(canDecide(session.me) ? [] : [h('p', { class: 'hint' }, messages.onlySre)]),
              ]),
        );
        timelineBox.replaceChildren(
          ...timeline(incident, remediations).map((e) =>
            h(
              'li',
              { class: `entry entry-${e.kind}`, 'data-kind': e.kind },
              h('time', { datetime: new Date(e.at).toISOString() }, new Date(e.at).toLocaleTimeString()),
              ' ',
              h('span', { class: 'text' }, e.text),
              ...(e.actor === undefined ? [] : [' ', h('span', { class: 'actor' }, e.actor)]),
              ...(e.detail === '' ? [] : [h('p', { class: 'detail' }, e.detail)]),
            ),
          ),
        );
        status.textContent = '';
      } catch (error) {
        report(error);
      }
    };

    container.append(
      h(
        'div',
        { class: 'panel incident-view' },
        h('a', { href: '#/alerts', class: 'back' }, messages.back),
        heading,
        summary,
        status,
        h('section', {}, h('h3', {}, messages.pending), pendingBox),
        h('section', {}, h('h3', {}, messages.timeline), timelineBox),
      ),
    );
    void refresh();
    const timer = setInterval(() => {
      void refresh();
    }, refreshMs);
    return {
      update(next) {
        id = next.get('path') ?? '';
        void refresh();
      },
      unmount() {
        clearInterval(timer);
        container.replaceChildren();
      },
    };
  },
};
