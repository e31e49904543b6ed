import type { PlatformAlert } from '../model.ts';
import { defineAlert } from './define.ts';

/** The remediation engine's counter (issue: remediation actions and outcomes; not exported yet). */
export const REMEDIATION_METRIC = 'insitechart_remediation_actions_total';

export const remediationAlerts: readonly PlatformAlert[] = [
  defineAlert({
    name: 'RemediationFailing',
    service: 'remediation',
    severity: 'error',
    expr: `sum by (job, action) (increase(${REMEDIATION_METRIC}{outcome="failed"}[30m])) > 0`,
    for: '0m',
    summary: 'Automatic remediation {{ $labels.action }} failed',
    runbook: {
      whatFired: 'An automatic remediation action (restart, scale, failover) failed in the last 30 minutes.',
      impact: 'The fault it was meant to fix is still there, and on-call may believe it was handled.',
      diagnosis: [
        { what: 'Actions by outcome', expr: `sum by (action, outcome) (increase(${REMEDIATION_METRIC}[1h]))` },
      ],
      panels: [{ dashboard: 'insitechart-remediation', panel: 'Actions by outcome' }],
      mitigation: [
        'Read the remediation event (topic `remediations`) for the target and the error.',
        'Do the action by hand if it is still needed (the runbook of the alert that triggered it).',
        'Disable the action for that target until the failure is understood.',
      ],
      remediation: 'This is the remediation failing: nothing further is tried.',
      escalation: 'Page the platform on-call: a fault believed handled is not.',
    },
  }),
];
