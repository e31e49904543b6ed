import type { AlertsConfig } from '../config/schema.ts';
import { Enricher } from './enrich.ts';
import type { AlertContext, Stage } from './stage.ts';

/** Runbook, dashboard, recent remediations and trace ids for a firing alert. */
export class EnrichStage implements Stage {
  readonly name = 'enrich';
  readonly #enricher: Enricher;

  constructor(enricher: Enricher) {
    this.#enricher = enricher;
  }

  run(ctx: AlertContext): 'continue' {
    ctx.enrichment = this.#enricher.enrich(ctx.alert, ctx.now);
    return 'continue';
  }
}

/** The config's links are resolved (links.ts withLinks): relative ones are made absolute by the Enricher. */
export function enricherFor(c: AlertsConfig, runbooks: ReadonlySet<string>): Enricher {
  return new Enricher({
    publicUrl: c.public_url,
    runbookBaseUrl: c.enrichment.runbook_base_url,
    ...(c.enrichment.dashboard_url === '' ? {} : { dashboardUrl: c.enrichment.dashboard_url }),
    runbooks,
    remediationWindowMs: c.enrichment.remediation_window,
  });
}
