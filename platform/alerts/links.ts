import { z } from 'zod';
import { emptyToUndefined, parseEnv, type Env } from '../config/config.ts';
import type { AlertsConfig } from './config/schema.ts';
import type { LinkSettings } from './stages/enrich.ts';

const httpUrl = z.preprocess(
  emptyToUndefined,
  z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
);

/** Where links in notifications point: the platform's public URL, and Grafana when one runs. */
const linkEnv = z.object({ PUBLIC_URL: httpUrl, GRAFANA_URL: httpUrl });

/** The platform overview dashboard (dashboards/) filtered on the alert's service. */
export const GRAFANA_SERVICE_DASHBOARD = '/d/insitechart-overview/?var-service={service}';

/**
 * The link bases of the alert pipeline. Public URL: the config file's `public_url`, else PUBLIC_URL, else
 * this process's own address on PORT. Dashboard: the config's `enrichment.dashboard_url`, else GRAFANA_URL's
 * service dashboard, else none (no link that would answer 404). Throws ConfigError for a bad variable.
 */
export function linkSettings(config: AlertsConfig, env: Env, port: number): LinkSettings {
  const e = parseEnv(linkEnv, env);
  const configured = config.public_url === '' ? undefined : config.public_url;
  const publicUrl = (configured ?? e.PUBLIC_URL ?? `http://localhost:${String(port)}`).replace(/\/+$/, '');
  const grafana =
    e.GRAFANA_URL === undefined ? undefined : `${e.GRAFANA_URL.replace(/\/+$/, '')}${GRAFANA_SERVICE_DASHBOARD}`;
  const dashboard = config.enrichment.dashboard_url === '' ? grafana : config.enrichment.dashboard_url;
  return {
    publicUrl,
    runbookBaseUrl: config.enrichment.runbook_base_url,
    ...(dashboard === undefined ? {} : { dashboardUrl: dashboard }),
  };
}

/** The config with its links resolved: `public_url` set, `enrichment.dashboard_url` set or empty (no link). */
export function withLinks(config: AlertsConfig, env: Env, port: number): AlertsConfig {
  const links = linkSettings(config, env, port);
  return {
    ...config,
    public_url: links.publicUrl,
    enrichment: { ...config.enrichment, dashboard_url: links.dashboardUrl ?? '' },
  };
}
