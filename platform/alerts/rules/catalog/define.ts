import { runbookSlug } from '../../stages/enrich.ts';
import { runbookPath, type PlatformAlert, type Runbook, type Severity } from '../model.ts';

export interface AlertSpec {
  readonly name: string;
  readonly service: string;
  readonly severity: Severity;
  readonly expr: string;
  readonly for: string;
  readonly summary: string;
  readonly runbook: Runbook;
}

/** A single-rule platform alert whose runbook_url is the platform's runbook path. */
export function defineAlert(spec: AlertSpec): PlatformAlert {
  return {
    name: spec.name,
    service: spec.service,
    rules: [
      {
        alert: spec.name,
        expr: spec.expr,
        for: spec.for,
        labels: { severity: spec.severity, service: spec.service },
        annotations: { summary: spec.summary, runbook_url: runbookPath(runbookSlug(spec.name)) },
      },
    ],
    runbook: spec.runbook,
  };
}
