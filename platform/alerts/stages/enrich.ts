import type { Alert, Enrichment, Labels, Remediation } from '../model.ts';

/** Where the links the pipeline sends point. Relative ones are made absolute on `publicUrl`. */
export interface LinkSettings {
  /** The web app's public base URL (PUBLIC_URL), without a trailing slash. */
  readonly publicUrl: string;
  /** Dashboard link template (`{service}`, `{alertname}`); absent: alerts carry no dashboard link. */
  readonly dashboardUrl?: string;
  readonly runbookBaseUrl: string;
}

/** Links in notifications must work outside the app: a relative one is made absolute on the public URL. */
export function absoluteUrl(url: string, publicUrl: string): string {
  return /^https?:\/\//.test(url) ? url : `${publicUrl.replace(/\/$/, '')}/${url.replace(/^\//, '')}`;
}

export interface EnrichOptions extends LinkSettings {
  /** Runbook slugs (file names without .md) in runbooks/: the platform's own alerts. */
  readonly runbooks: ReadonlySet<string>;
  readonly remediationWindowMs: number;
}

export function serviceOf(labels: Labels): string | undefined {
  return labels.service ?? labels.job ?? labels.app;
}

/** "HighErrorRate" -> "high-error-rate": the runbook file name for an alert name. */
export function runbookSlug(alertname: string): string {
  return alertname
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .toLowerCase()
    .replace(/^-|-$/g, '');
}

const traceId = /^[0-9a-f]{32}$/;

/**
 * Stage 2: adds what the responder needs first: the runbook, the service dashboard, what was done
 * recently to the same target (topic `remediations`) and trace ids that show a failing request.
 */
export class Enricher {
  readonly #options: EnrichOptions;
  readonly #remediations: Remediation[] = [];

  constructor(options: EnrichOptions) {
    this.#options = options;
  }

  recordRemediation(r: Remediation): void {
    this.#remediations.push(r);
    const horizon = r.at - this.#options.remediationWindowMs;
    while ((this.#remediations[0]?.at ?? r.at) < horizon) this.#remediations.shift();
  }

  enrich(alert: Alert, now: number): Enrichment {
    const { labels, annotations } = alert;
    const alertname = labels.alertname ?? '';
    const service = serviceOf(labels) ?? '';
    const { publicUrl, dashboardUrl: dashboardTemplate, runbookBaseUrl } = this.#options;
    // The platform's rules carry runbook_url as a path (/runbooks/x.md): it is served on the public URL.
    const runbook =
      annotations.runbook_url ??
      (this.#options.runbooks.has(runbookSlug(alertname))
        ? `${runbookBaseUrl}${runbookSlug(alertname)}.md`
        : undefined);
    const runbookUrl = runbook === undefined ? undefined : absoluteUrl(runbook, publicUrl);
    const dashboard =
      annotations.dashboard_url ??
      (service === '' || dashboardTemplate === undefined
        ? undefined
        : dashboardTemplate
            .replaceAll('{service}', encodeURIComponent(service))
            .replaceAll('{alertname}', encodeURIComponent(alertname)));
    const dashboardUrl = dashboard === undefined ? undefined : absoluteUrl(dashboard, publicUrl);
    const remediations = this.#remediations.filter(
      (r) => r.at >= now - this.#options.remediationWindowMs && targets(r.target, labels),
    );
    const ids = new Set(alert.traceIds);
    for (const key of ['trace_id', 'traceId', 'trace_ids'])
      for (const id of (annotations[key] ?? '').split(/[\s,]+/)) if (traceId.test(id)) ids.add(id);
    return {
      ...(runbookUrl !== undefined ? { runbookUrl } : {}),
      ...(dashboardUrl !== undefined ? { dashboardUrl } : {}),
      remediations: remediations.slice(-5),
      traceIds: [...ids].slice(0, 10),
    };
  }
}

/** A remediation concerns an alert when every label it targets has the same value on the alert. */
function targets(target: Labels, labels: Labels): boolean {
  const keys = Object.keys(target);
  if (keys.length === 0) return false;
  return keys.every((k) => (k === 'service' ? serviceOf(labels) : labels[k]) === target[k]);
}
