import { h } from '../../dom.ts';
import { formatClock } from '../../format.ts';
import type { ViewCode } from '../view.ts';
import {
  incidentHref,
  loadChecks,
  loadFaults,
  loadIncidents,
  loadPendingRemediations,
  loadSeries,
  serviceHealth,
  timeLeft,
  type ChecksAnswer,
  type Fault,
  type OpsIncident,
  type PendingRemediation,
  type SeriesAnswer,
} from './data.ts';
import { safeHref } from '../alerts/logic.ts';
import { loadDetections, loadSlos } from './evidence.ts';
import { detectionList, sloTable } from './evidence-view.ts';
import { messages } from './messages.ts';

const refreshMs = 5_000;
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function section(id: string, title: string, body: HTMLElement, wide = false): HTMLElement {
  const cls = wide ? 'ops-panel ops-wide' : 'ops-panel';
  return h('section', { class: cls, 'data-panel': id, 'aria-label': title }, h('h2', {}, title), body);
}

function list<T>(items: readonly T[], empty: string, item: (t: T) => HTMLElement): HTMLElement {
  return items.length === 0 ? h('p', { class: 'ops-empty' }, empty) : h('ul', {}, ...items.map(item));
}

function healthTable(checks: ChecksAnswer): HTMLElement {
  const rows = serviceHealth(checks.status).map((s) =>
    h(
      'tr',
      { 'data-service': s.service, 'data-state': s.degraded ? 'degraded' : 'healthy' },
      h('th', { scope: 'row' }, s.service),
      h('td', { class: s.degraded ? 'ops-bad' : 'ops-ok' }, s.degraded ? messages.degraded : messages.healthy),
      h('td', {}, s.reasons.join('; ')),
    ),
  );
  return h(
    'table',
    { class: 'ops-health' },
    h('thead', {}, h('tr', {}, h('th', {}, messages.service), h('th', {}, messages.state), h('th', {}, messages.why))),
    h('tbody', {}, ...rows),
  );
}

function warmupList(checks: ChecksAnswer, series: SeriesAnswer | undefined): HTMLElement {
  const items: HTMLElement[] = checks.checks
    .filter((c) => c.warmingUp)
    .map((c) => h('li', { 'data-warming': `check:${c.name}` }, messages.checkWarming(c.name, c.warmupS)));
  if (series !== undefined && (series.warming ?? 0) > 0) {
    items.push(h('li', { 'data-warming': 'series' }, messages.seriesWarming(series.warming ?? 0, series.watched)));
    for (const s of series.series.filter((x) => x.warmup?.warming === true).slice(0, 10))
      items.push(
        h('li', { class: 'ops-sub' }, messages.seriesLine(s.series, s.warmup?.points ?? 0, s.warmup?.needed ?? 0)),
      );
  }
  return items.length === 0 ? h('p', { class: 'ops-empty' }, messages.warmupNone) : h('ul', {}, ...items);
}

/** The incident's first runbook link (absolute on PUBLIC_URL, made by the alert pipeline), if any is safe. */
function incidentRunbook(i: OpsIncident): (string | HTMLElement)[] {
  const href = safeHref(i.alerts?.find((a) => a.runbookUrl !== null)?.runbookUrl ?? null, location.href);
  return href === null ? [] : [' ', h('a', { href, class: 'ops-runbook', 'data-runbook': href }, messages.runbook)];
}

/**
 * `#/ops`: the platform's own health for operators in embedded mode (no Grafana here): services' health from the
 * detector tier's fixed checks, SLO budgets and burn rates, recent detections with their band and forecast charts
 * and runbooks, active injected faults, open incidents (linking to their page), remediations waiting
 * for approval, and which detectors are still warming up. Polled every 5 s.
 */
export const opsView: ViewCode = {
  mount(container, { session }) {
    if (!session.can('ops:read')) {
      container.append(
        h('p', { class: 'ops-role' }, messages.needsRole, ' ', h('a', { href: '#/sign-in' }, messages.signIn)),
      );
      return { unmount: () => undefined };
    }
    const status = h('p', { class: 'ops-status', role: 'status' });
    const panels = {
      health: h('div'),
      slos: h('div'),
      detections: h('div'),
      faults: h('div'),
      incidents: h('div'),
      remediations: h('div'),
      warmup: h('div'),
    };
    container.append(
      status,
      h(
        'div',
        { class: 'ops-grid' },
        section('slos', messages.slos, panels.slos, true),
        section('detections', messages.detections, panels.detections, true),
        section('health', messages.services, panels.health),
        section('faults', messages.faults, panels.faults),
        section('incidents', messages.incidents, panels.incidents),
        section('remediations', messages.remediations, panels.remediations),
        section('warmup', messages.warmup, panels.warmup),
      ),
    );
    const problems: string[] = [];
    const show = async <T>(what: string, load: () => Promise<T>, render: (t: T) => HTMLElement, into: HTMLElement) => {
      try {
        into.replaceChildren(render(await load()));
      } catch (error) {
        problems.push(messages.failed(what, reason(error)));
      }
    };
    let stopped = false;
    const refresh = async (): Promise<void> => {
      problems.length = 0;
      const now = Date.now();
      const series = await loadSeries().catch(() => undefined);
      const slos = await loadSlos().catch((error: unknown) => {
        problems.push(messages.failed(messages.slos, reason(error)));
        return undefined;
      });
      if (slos !== undefined) panels.slos.replaceChildren(sloTable(slos));
      await Promise.all([
        show(
          messages.detections,
          async () => detectionList(await loadDetections(10), slos ?? { dashboards: null, slos: [] }),
          (list) => list,
          panels.detections,
        ),
        show(messages.services, loadChecks, (c) => healthTable(c), panels.health),
        show(messages.warmup, loadChecks, (c) => warmupList(c, series), panels.warmup),
        show(
          messages.faults,
          loadFaults,
          (faults: Fault[]) =>
            list(faults, messages.noFaults, (f) =>
              h('li', { 'data-fault': f.kind }, messages.faultLine(f.kind, f.service, timeLeft(f.expiresAt, now))),
            ),
          panels.faults,
        ),
        show(
          messages.incidents,
          loadIncidents,
          (incidents: OpsIncident[]) =>
            list(incidents, messages.noIncidents, (i) =>
              h(
                'li',
                { class: `sev-${i.severity}`, 'data-incident': i.id },
                h('a', { href: incidentHref(i.id) }, `P${String(i.priority)} ${i.title}`),
                ...incidentRunbook(i),
              ),
            ),
          panels.incidents,
        ),
      ]);
      try {
        const pending = await loadPendingRemediations();
        panels.remediations.replaceChildren(
          list(pending, messages.noRemediations, (r: PendingRemediation) =>
            h('li', { 'data-remediation': r.id }, messages.remediationLine(r.kind, r.service, r.reason)),
          ),
        );
      } catch (error) {
        panels.remediations.replaceChildren(
          h('p', { class: 'ops-empty' }, messages.remediationsUnavailable(reason(error))),
        );
      }
      if (!stopped)
        status.textContent = problems.length > 0 ? problems.join(' · ') : messages.updated(formatClock(now));
    };
    // A refresh slower than the interval (a loaded platform) is not stacked with the next one.
    let running: Promise<void> | undefined;
    const tick = (): void => {
      running ??= refresh()
        .catch(() => undefined)
        .finally(() => {
          running = undefined;
        });
    };
    tick();
    const timer = window.setInterval(tick, refreshMs);
    return {
      unmount: () => {
        stopped = true;
        window.clearInterval(timer);
      },
    };
  },
};
