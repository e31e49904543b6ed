import { slos as definitions } from '../../platform/slo/definitions/index.ts';
import { errorBudget, errorRatioRecord } from '../../platform/slo/model.ts';
import type { DashboardSpec, PanelSpec } from '../lib/spec.ts';

/** Sampled SLIs and the detectors' own polls have data from the first minute; the others need traffic. */
const busy = new Set(['feed-freshness', 'detector-coverage']);

function sloPanels(slo: (typeof definitions)[number]): PanelSpec[] {
  // SLO series are aggregated per Prometheus (one per environment), so only the slo label selects them.
  const scope = `slo="${slo.name}"`;
  const populated = busy.has(slo.name) ? 'always' : 'on-activity';
  return [
    {
      kind: 'stat',
      title: `${slo.title}: budget left`,
      description: `${slo.description} Share of the 30-day error budget left.`,
      unit: 'percentunit',
      queries: [{ expr: `slo:error_budget:remaining_ratio{${scope}}`, legend: 'budget left' }],
      populated,
      runbook: slo.alertName,
      width: 6,
    },
    {
      kind: 'stat',
      title: `${slo.title}: time to budget exhaustion`,
      description:
        'At the fastest burn over 1 h, 6 h, 1 d and 3 d, when the budget left runs out (0: spent). ' +
        'Empty while no window burns faster than the budget refills (as the ops view says "not burning").',
      unit: 's',
      queries: [{ expr: `slo:error_budget:exhaustion_seconds{${scope}}`, legend: 'exhausted in' }],
      populated: 'on-activity',
      runbook: slo.alertName,
      width: 6,
    },
    {
      kind: 'timeseries',
      title: `${slo.title}: burn rate`,
      description: 'Error ratio over each alert window divided by the budget (1 spends exactly the budget).',
      unit: 'short',
      queries: ['5m', '1h', '6h', '3d'].map((w) => ({
        expr: `${errorRatioRecord(w)}{${scope}} / ${String(errorBudget(slo))}`,
        legend: w,
      })),
      populated,
      runbook: slo.alertName,
      width: 12,
    },
  ];
}

export const sloDashboard: DashboardSpec = {
  uid: 'insitechart-slos',
  title: 'InsiteChart / SLOs',
  description: 'Error budgets and burn rates of every SLO (platform/slo/definitions).',
  tags: ['slo'],
  rows: definitions.map((slo) => ({ title: `${slo.title} (${String(slo.objective * 100)}%)`, panels: sloPanels(slo) })),
};
