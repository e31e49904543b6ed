import { runbookSlug } from '../alerts/stages/enrich.ts';
import { runbookPath, type PlatformAlert, type RecordingRule, type RuleGroup } from '../alerts/rules/model.ts';
import {
  DEFAULT_BURN_RULES,
  SLO_PERIOD_MS,
  errorBudget,
  errorRatioRecord,
  promDuration,
  type BurnRule,
  type SloDefinition,
} from './model.ts';
import { sampledErrorRatio, sliErrors, sliTotal } from './sli.ts';

/** The instantaneous bad share of a sampled SLI, averaged over each window. */
const SAMPLED_RECORD = 'slo:sli_error:ratio_instant';

/** Every window a burn rule or the budget needs, shortest first. */

/** Where the SLO's burn alert runbook is served (runbooks/<kebab-case alertname>.md). */
export function sloRunbookPath(slo: SloDefinition): string {
  return runbookPath(runbookSlug(slo.alertName));
}

export function sloWindows(rules: readonly BurnRule[] = DEFAULT_BURN_RULES): string[] {
  const ms = new Set<number>([SLO_PERIOD_MS]);
  for (const r of rules) ms.add(r.longWindowMs).add(r.shortWindowMs);
  return [...ms].sort((a, b) => a - b).map(promDuration);
}

function recordingRules(slo: SloDefinition): RecordingRule[] {
  const labels = { slo: slo.name, service: slo.service };
  const sli = slo.sli;
  const windows = sloWindows().map((w) => ({
    record: errorRatioRecord(w),
    expr:
      // `or vector(0)`: no bad event at all is a ratio of 0, not an empty result.
      sli.kind === 'sampled'
        ? `avg_over_time(${SAMPLED_RECORD}{slo="${slo.name}"}[${w}])`
        : `(${sliErrors(sli, w)} or vector(0))\n/\n${sliTotal(sli, w)}`,
    labels,
  }));
  const head = sli.kind === 'sampled' ? [{ record: SAMPLED_RECORD, expr: sampledErrorRatio(sli), labels }] : [];
  const period = promDuration(SLO_PERIOD_MS);
  return [
    ...head,
    ...windows,
    { record: 'slo:objective:ratio', expr: `vector(${String(slo.objective)})`, labels },
    {
      record: 'slo:error_budget:remaining_ratio',
      expr: `1 - ${errorRatioRecord(period)}{slo="${slo.name}"} / ${String(errorBudget(slo))}`,
      labels,
    },
    ...exhaustionRules(slo),
  ];
}

/**
 * Time to budget exhaustion as `exhaustion.ts` computes it for the ops view: the fastest burn over the burn rules'
 * long windows (windows without data skipped: `max` ignores NaN), then the budget left x the period / that burn,
 * only while it exceeds 1 ("not burning" and "no data" record nothing), 0 once the budget is spent.
 * They follow the records they read, in the same group, so one evaluation sees the same figures.
 */
export function exhaustionRules(slo: SloDefinition, rules: readonly BurnRule[] = DEFAULT_BURN_RULES): RecordingRule[] {
  const labels = { slo: slo.name, service: slo.service };
  const scope = `slo="${slo.name}"`;
  const longWindows = [...new Set(rules.map((r) => r.longWindowMs))].sort((a, b) => a - b).map(promDuration);
  const left = `slo:error_budget:remaining_ratio{${scope}}`;
  const burn = `slo:error_budget:burn_rate_fastest{${scope}}`;
  return [
    {
      record: 'slo:error_budget:burn_rate_fastest',
      expr:
        `max by (slo, service) ({__name__=~"${errorRatioRecord(`(${longWindows.join('|')})`)}", ${scope}})\n` +
        `/ ${String(errorBudget(slo))}`,
      labels,
    },
    {
      record: 'slo:error_budget:exhaustion_seconds',
      expr:
        `(${left} * ${String(SLO_PERIOD_MS / 1000)} / (${burn} > 1) and ${left} > 0)\n` +
        `or\n(0 * (${burn} >= 0) and ${left} <= 0)`,
      labels,
    },
  ];
}

/** `error ratio over long and short windows both at least burnRate x the budget`, for one rule. */
function burnCondition(slo: SloDefinition, rule: BurnRule): string {
  const threshold = `${String(rule.burnRate)} * ${String(errorBudget(slo))}`;
  const over = (ms: number): string => `${errorRatioRecord(promDuration(ms))}{slo="${slo.name}"} > (${threshold})`;
  return `(${over(rule.longWindowMs)}\nand\n${over(rule.shortWindowMs)})`;
}

const severityOf = { page: 'critical', ticket: 'warning' } as const;

/** The SLO's burn alert: one rule per severity, each an `or` of that severity's window pairs. */
export function burnAlert(slo: SloDefinition, rules: readonly BurnRule[] = DEFAULT_BURN_RULES): PlatformAlert {
  const percent = `${String(Number((slo.objective * 100).toPrecision(6)))}%`;
  const alertRules = (['page', 'ticket'] as const)
    .map((severity) => ({ severity, of: rules.filter((r) => r.severity === severity) }))
    .filter(({ of }) => of.length > 0)
    .map(({ severity, of }) => ({
      alert: slo.alertName,
      expr: of.map((r) => burnCondition(slo, r)).join('\nor\n'),
      for: severity === 'page' ? '2m' : '15m',
      labels: { severity: severityOf[severity], service: slo.service, slo: slo.name, burn: severity },
      annotations: {
        summary: `SLO ${slo.title} (${percent}) is burning its error budget too fast (${severity})`,
        description: `${slo.description} Burn rates above ${of.map((r) => `${String(r.burnRate)}x`).join(' / ')}.`,
        runbook_url: sloRunbookPath(slo),
      },
    }));
  const windowsText = rules
    .map(
      (r) =>
        `${String(r.burnRate)}x over ${promDuration(r.longWindowMs)} and ${promDuration(r.shortWindowMs)} (${r.severity})`,
    )
    .join('; ');
  return {
    name: slo.alertName,
    service: slo.service,
    rules: alertRules,
    runbook: {
      whatFired:
        `The SLO "${slo.title}" (${slo.description}) spends its 30-day error budget faster than allowed: ` +
        `${windowsText}. The \`slo\` label names the SLO, \`burn\` says page or ticket.`,
      impact: slo.runbook.impact,
      diagnosis: [
        {
          what: 'Error ratio over each window (compare with the budget)',
          expr: `{__name__=~"slo:sli_error:ratio_rate.+", slo="${slo.name}"}`,
        },
        { what: 'Budget left over 30 days', expr: `slo:error_budget:remaining_ratio{slo="${slo.name}"}` },
        {
          what: 'When the budget runs out at the fastest long-window burn (seconds; empty: not burning)',
          expr: `slo:error_budget:exhaustion_seconds{slo="${slo.name}"}`,
        },
        ...slo.runbook.diagnosis,
      ],
      panels: [
        { dashboard: 'insitechart-slos', panel: `${slo.title}: budget left` },
        { dashboard: 'insitechart-slos', panel: `${slo.title}: time to budget exhaustion` },
        { dashboard: 'insitechart-slos', panel: `${slo.title}: burn rate` },
      ],
      mitigation: slo.runbook.mitigation,
      remediation: slo.runbook.remediation,
      escalation: slo.runbook.escalation,
    },
  };
}

/** The rule groups of every SLO: recording rules first, then the burn alerts. */
export function sloRuleGroups(definitions: readonly SloDefinition[]): RuleGroup[] {
  return definitions.map((slo) => ({
    name: `slo-${slo.name}`,
    rules: [...recordingRules(slo), ...burnAlert(slo).rules],
  }));
}

/** `name=objective:total|bad;...`: the SLOs the detector tier can watch (DETECTOR_SLOS' format). */
export function detectorSloSetting(definitions: readonly SloDefinition[]): string {
  return definitions
    .flatMap((s) =>
      s.detector === undefined ? [] : [`${s.name}=${String(s.objective)}:${s.detector.total}|${s.detector.bad}`],
    )
    .join(';');
}
