/** The ops view's evidence panels: SLO budgets and burn rates, detections with their band and forecast charts. */
import { h } from '../../dom.ts';
import { formatClock, formatUnit } from '../../format.ts';
import { intervalChart } from './chart.ts';
import {
  burnRates,
  detectionRunbook,
  durationUnit,
  loadBacktest,
  loadBand,
  outsideBand,
  type Detection,
  type Exhaustion,
  type Slo,
  type SlosAnswer,
} from './evidence.ts';
import { messages } from './messages.ts';

/** Detections whose charts are drawn (each costs a band and a forecast request per refresh). */
export const CHARTED_DETECTIONS = 3;

const percent = (v: number, digits = 1): string => `${(v * 100).toFixed(digits)}%`;
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function runbookLink(href: string): HTMLElement {
  return h(
    'a',
    { href, class: 'ops-runbook', 'data-runbook': href, target: '_blank', rel: 'noopener' },
    messages.runbook,
  );
}

function sloState(s: Slo): { text: string; cls: string } {
  if (s.measuredBy === null) return { text: messages.sloNotWatched, cls: 'ops-empty' };
  if (s.status === null) return { text: messages.sloWaiting, cls: 'ops-empty' };
  return s.alerting || s.status.alerts.length > 0
    ? { text: messages.sloBurning, cls: 'ops-bad' }
    : { text: messages.sloWithin, cls: 'ops-ok' };
}

function dashboardLink(href: string): HTMLElement {
  return h(
    'a',
    { href, class: 'ops-dashboard', 'data-dashboard': href, target: '_blank', rel: 'noopener' },
    messages.dashboard,
  );
}

function exhaustionCell(e: Exhaustion): HTMLElement {
  const attributes = { 'data-exhaustion': e.state, 'data-exhaustion-ms': e.inMs === undefined ? '' : String(e.inMs) };
  if (e.state === 'burning' && e.inMs !== undefined) {
    const [amount, unit] = durationUnit(e.inMs);
    const text = messages.exhaustionIn(formatUnit(amount, unit), (e.burnRate ?? 0).toFixed(1), e.window ?? '');
    return h('td', { ...attributes, class: 'ops-bad' }, text);
  }
  if (e.state === 'exhausted') return h('td', { ...attributes, class: 'ops-bad' }, messages.exhausted);
  if (e.state === 'not-burning') return h('td', { ...attributes, class: 'ops-ok' }, messages.notBurning);
  return h('td', attributes, '–');
}

/**
 * One row per SLO: objective, budget left, burn rate per window and when the budget runs out at that burn (from the
 * detector tier, or measured in this process); the Grafana SLO dashboard above when GRAFANA_URL is set.
 */
export function sloTable({ slos, dashboards }: SlosAnswer): HTMLElement {
  const rows = slos.map((s) => {
    const state = sloState(s);
    const rates = s.status === null ? [] : burnRates(s.status);
    return h(
      'tr',
      { 'data-slo': s.name, 'data-measured-by': s.measuredBy ?? 'none' },
      h('th', { scope: 'row', title: s.service }, s.title),
      h('td', {}, percent(s.objective, 2)),
      h(
        'td',
        { 'data-budget': s.status === null ? '' : String(s.status.budgetRemaining) },
        s.status === null ? '–' : percent(s.status.budgetRemaining),
      ),
      h('td', {}, rates.map(([w, r]) => `${w} ${r.toFixed(1)}x`).join(' · ')),
      exhaustionCell(s.exhaustion),
      h('td', { class: state.cls, title: s.reason ?? '' }, state.text),
      h('td', {}, runbookLink(s.runbook)),
    );
  });
  const head = [
    messages.slo,
    messages.objective,
    messages.budgetLeft,
    messages.burnRates,
    messages.exhaustion,
    messages.state,
    messages.runbook,
  ];
  const table = h(
    'table',
    { class: 'ops-health ops-slos' },
    h('thead', {}, h('tr', {}, ...head.map((t) => h('th', {}, t)))),
    h('tbody', {}, ...rows),
  );
  return dashboards === null ? table : h('div', {}, h('p', {}, dashboardLink(dashboards.slos)), table);
}

async function bandFigure(d: Detection, series: string): Promise<HTMLElement> {
  const points = await loadBand(d.id);
  if (points.length === 0) return h('p', { class: 'ops-empty' }, messages.bandNone);
  const chart = intervalChart({
    kind: 'band',
    label: messages.bandChart(series),
    band: points,
    lines: [{ cls: 'ops-line', points }],
    mark: d.detection.ts,
  });
  const outside = outsideBand(points);
  return h(
    'figure',
    { class: 'ops-figure', 'data-band': d.id, 'data-outside': String(outside), 'data-points': String(points.length) },
    chart,
    h('figcaption', {}, messages.bandOutside(outside, points.length)),
  );
}

async function forecastFigure(d: Detection, series: string): Promise<HTMLElement> {
  try {
    const { actual, forecast } = await loadBacktest(d.id);
    const chart = intervalChart({
      kind: 'forecast',
      label: messages.forecastChart(series),
      band: forecast.map((f) => ({ ts: f.ts, low: f.lower80, high: f.upper80 })),
      lines: [
        { cls: 'ops-line', points: actual },
        { cls: 'ops-forecast', points: forecast },
      ],
    });
    return h(
      'figure',
      { class: 'ops-figure', 'data-forecast': d.id },
      chart,
      h('figcaption', {}, messages.forecastChart(series)),
    );
  } catch (error) {
    return h('p', { class: 'ops-empty', 'data-forecast-none': d.id }, messages.forecastNone(reason(error)));
  }
}

/** A detection: its title, when and how sure, its runbook, and (for the first few) its band and forecast charts. */
export async function detectionItem(d: Detection, answer: SlosAnswer, charted: boolean): Promise<HTMLElement> {
  const { detection } = d;
  const series = Object.entries(detection.series)
    .map(([k, v]) => (k === '__name__' ? v : `${k}=${v}`))
    .join(' ');
  const item = h(
    'li',
    {
      class: `ops-detection sev-${detection.severity ?? 'info'}`,
      'data-detection': d.id,
      'data-detector': detection.detector,
    },
    h('strong', {}, detection.title ?? detection.explanation),
    ' ',
    runbookLink(detectionRunbook(d, answer.slos)),
    ...(answer.dashboards === null ? [] : [' ', dashboardLink(answer.dashboards.detectors)]),
    h(
      'p',
      { class: 'ops-sub' },
      messages.detectionMeta(formatClock(detection.ts), detection.score.toFixed(2), d.source),
    ),
  );
  if (charted) {
    const figures = await Promise.all([
      bandFigure(d, series).catch(() => h('p', { class: 'ops-empty' }, messages.bandNone)),
      forecastFigure(d, series),
    ]);
    item.append(h('div', { class: 'ops-charts' }, ...figures));
  }
  return item;
}

/** The detections panel: newest first, the first CHARTED_DETECTIONS with their charts, and a legend. */
export async function detectionList(detections: readonly Detection[], answer: SlosAnswer): Promise<HTMLElement> {
  if (detections.length === 0) return h('p', { class: 'ops-empty' }, messages.noDetections);
  const items = await Promise.all(detections.map((d, i) => detectionItem(d, answer, i < CHARTED_DETECTIONS)));
  return h('div', {}, h('p', { class: 'ops-sub' }, messages.legend), h('ul', { class: 'ops-detections' }, ...items));
}
