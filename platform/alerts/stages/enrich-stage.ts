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

export function enricherFor(c: AlertsConfig, runbooks: ReadonlySet<string>): Enricher {
  return new Enricher({
    dashboardUrl: absolute(c.enrichment.dashboard_url, c.public_url),
    runbookBaseUrl: absolute(c.enrichment.runbook_base_url, c.public_url),
    runbooks,
    remediationWindowMs: c.enrichment.remediation_window,
  });
}

/** Links in notifications must work outside the app: relative ones are made absolute on public_url. */
function absolute(url: string, base: string): string {
  return /^https?:\/\//.test(url) ? url : `${base.replace(/\/$/, '')}/${url.replace(/^\//, '')}`;
}
