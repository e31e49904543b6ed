/**
 * Who may do what. Every route the platform serves declares the one permission it needs in `routePermissions`;
 * the access middleware (platform/http/access.ts) refuses a request whose route is not declared.
 */

export const roles = ['viewer', 'trader', 'oncall', 'sre', 'admin', 'ingest', 'feed'] as const;
export type Role = (typeof roles)[number];

export const permissions = [
  /** Probes, the web app's assets, runbooks, sign-in: anyone. */
  'public',
  /** Quotes, history, symbols, analytics and sentiment reads, the market WebSocket: anonymous too if configured. */
  'market:read',
  /** Any signed-in identity: who am I, sign out, change my password, heavy analytics. */
  'signed-in',
  /** Incidents, deliveries, silences, schedules, detector output. */
  'ops:read',
  /** Own price alerts, watchlists, Web Push subscriptions. */
  'trading:own',
  /** Acknowledge, resolve, snooze, reassign incidents. */
  'incidents:act',
  /** Silences, on-call users, schedules, escalation policies, remediation. */
  'ops:configure',
  /** Alertmanager webhook, generic alerts, OTLP telemetry. */
  'ingest',
  /** Market ticks and sentiment texts from external feeds. */
  'feed:publish',
  /** Users, API tokens, settings. */
  'admin',
] as const;
export type Permission = (typeof permissions)[number];

const viewer: readonly Permission[] = ['public', 'market:read', 'signed-in', 'ops:read'];

/** What each role holds. Machine roles (ingest, feed) are meant for API tokens. */
export const rolePermissions: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  viewer: new Set(viewer),
  // Retail users: market data and their own alerts; operations incidents are for operator roles only.
  trader: new Set(['public', 'market:read', 'signed-in', 'trading:own']),
  oncall: new Set([...viewer, 'incidents:act']),
  sre: new Set([...viewer, 'incidents:act', 'ops:configure', 'ingest']),
  admin: new Set(permissions),
  ingest: new Set(['public', 'signed-in', 'ingest']),
  feed: new Set(['public', 'market:read', 'signed-in', 'feed:publish']),
};

/** What an anonymous visitor holds: market data only when the configuration makes it public. */
export function anonymousPermissions(publicMarketData: boolean): ReadonlySet<Permission> {
  return new Set<Permission>(publicMarketData ? ['public', 'market:read'] : ['public']);
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RoutePermission {
  readonly method: Method;
  /** The express path as mounted, with `:name` segments (`*name` for the rest of the path). */
  readonly path: string;
  readonly permission: Permission;
}

const r = (method: Method, path: string, permission: Permission): RoutePermission => ({ method, path, permission });

/** The one table: every route served, its method and the permission it needs. */
export const routePermissions: readonly RoutePermission[] = [
  // Probes and pages
  r('GET', '/healthz', 'public'),
  r('GET', '/readyz', 'public'),
  r('GET', '/metrics', 'public'),
  r('GET', '/', 'public'),
  r('GET', '/index.html', 'public'),
  r('GET', '/assets/*file', 'public'),
  // The installable app: service worker, manifest, icons.
  r('GET', '/sw.js', 'public'),
  r('GET', '/manifest.webmanifest', 'public'),
  r('GET', '/icons/*file', 'public'),
  // The running build's id: a page on an older build reloads into this one.
  r('GET', '/build.json', 'public'),
  r('GET', '/runbooks/:slug.md', 'public'),
  // Notifications' incident links, redirected to the app's incident page
  r('GET', '/incidents/:id', 'public'),
  // Identity
  r('POST', '/api/identity/session', 'public'),
  r('DELETE', '/api/identity/session', 'signed-in'),
  r('GET', '/api/identity/me', 'public'),
  r('POST', '/api/identity/password', 'signed-in'),
  r('GET', '/api/identity/me/data', 'signed-in'),
  r('POST', '/api/identity/me/erase', 'signed-in'),
  r('GET', '/api/identity/users/:name/data', 'admin'),
  r('GET', '/api/identity/passkeys', 'signed-in'),
  r('DELETE', '/api/identity/passkeys/:id', 'signed-in'),
  r('POST', '/api/identity/passkeys/registration/options', 'signed-in'),
  r('POST', '/api/identity/passkeys/registration', 'signed-in'),
  // Passkey sign-in is sign-in: public, like POST /api/identity/session.
  r('POST', '/api/identity/passkeys/authentication/options', 'public'),
  r('POST', '/api/identity/passkeys/authentication', 'public'),
  r('GET', '/api/identity/oidc/start', 'public'),
  r('GET', '/api/identity/oidc/callback', 'public'),
  r('GET', '/api/identity/users', 'admin'),
  r('PUT', '/api/identity/users/:name', 'admin'),
  r('DELETE', '/api/identity/users/:name', 'admin'),
  r('GET', '/api/identity/tokens', 'admin'),
  r('POST', '/api/identity/tokens', 'admin'),
  r('DELETE', '/api/identity/tokens/:id', 'admin'),
  // Market data
  r('GET', '/api/openapi.json', 'market:read'),
  r('GET', '/api/symbols', 'market:read'),
  r('GET', '/api/quotes', 'market:read'),
  r('GET', '/api/quotes/:symbol', 'market:read'),
  r('GET', '/api/history/:symbol', 'market:read'),
  r('GET', '/api/market/feed', 'market:read'),
  r('GET', '/api/market/instruments', 'market:read'),
  r('POST', '/api/market/ticks', 'feed:publish'),
  r('POST', '/api/web/client-metrics', 'market:read'),
  // Analytics and sentiment
  ...[
    'symbols',
    'correlation',
    'correlation/rolling',
    'correlation/partial',
    'correlation/live',
    'correlation/breaks',
    'granger',
    'var',
    'var/forecast',
    'var/irf',
    'var/causality',
    'causality-graph',
    'views/price-sentiment-volume',
    'views/sectors',
    'views/regimes',
  ].map((p) => r('GET', `/api/analytics/${p}`, 'market:read')),
  r('POST', '/api/analytics/compute', 'signed-in'),
  r('GET', '/api/sentiment', 'market:read'),
  r('GET', '/api/sentiment/score', 'market:read'),
  r('GET', '/api/sentiment/:symbol', 'market:read'),
  r('POST', '/api/sentiment/texts', 'feed:publish'),
  // Detector tier
  ...[
    'series',
    'series/history',
    'detections',
    'detections/:id/band',
    'detections/:id/forecast',
    'sources',
    'predictions',
    'slos',
    'forecast',
    'slo',
    'exhaustion',
    'checks',
  ].map((p) => r('GET', `/api/detectors/${p}`, 'ops:read')),
  // Fault injection (embedded mode): anyone in ops sees the faults, the sre role injects and clears them
  r('GET', '/api/faults', 'ops:read'),
  r('POST', '/api/faults', 'ops:configure'),
  r('DELETE', '/api/faults', 'ops:configure'),
  r('DELETE', '/api/faults/:id', 'ops:configure'),
  // Alert ingestion
  r('POST', '/api/alerts/alertmanager', 'ingest'),
  r('POST', '/api/alerts', 'ingest'),
  ...['metrics', 'traces', 'logs'].map((signal) => r('POST', `/v1/${signal}`, 'ingest')),
  // Incidents
  r('GET', '/api/incidents', 'ops:read'),
  r('GET', '/api/incidents/:id', 'ops:read'),
  r('POST', '/api/incidents/:id/acknowledge', 'incidents:act'),
  r('POST', '/api/incidents/:id/resolve', 'incidents:act'),
  r('POST', '/api/incidents/:id/snooze', 'incidents:act'),
  r('POST', '/api/incidents/:id/reassign', 'incidents:act'),
  r('POST', '/api/incidents/:id/merge', 'incidents:act'),
  r('POST', '/api/incidents/:id/split', 'incidents:act'),
  r('GET', '/api/alerts/deliveries', 'ops:read'),
  // Remediation: anyone on ops reads; a decision needs ops:configure (and the engine asks for a person with sre)
  r('GET', '/api/remediations', 'ops:read'),
  r('GET', '/api/remediations/:id', 'ops:read'),
  r('POST', '/api/remediations/:id/approve', 'ops:configure'),
  r('POST', '/api/remediations/:id/reject', 'ops:configure'),
  // Silences and on-call
  r('GET', '/api/silences', 'ops:read'),
  r('GET', '/api/silences/:id', 'ops:read'),
  r('POST', '/api/silences', 'ops:configure'),
  r('PUT', '/api/silences/:id', 'ops:configure'),
  r('DELETE', '/api/silences/:id', 'ops:configure'),
  // On-call contacts carry webhook credentials: only those who configure them read them.
  r('GET', '/api/oncall/users', 'ops:configure'),
  r('PUT', '/api/oncall/users/:id', 'ops:configure'),
  r('DELETE', '/api/oncall/users/:id', 'ops:configure'),
  r('GET', '/api/oncall/schedules', 'ops:read'),
  r('PUT', '/api/oncall/schedules/:id', 'ops:configure'),
  r('DELETE', '/api/oncall/schedules/:id', 'ops:configure'),
  r('GET', '/api/oncall/schedules/:id/now', 'ops:read'),
  r('GET', '/api/oncall/policies', 'ops:read'),
  r('PUT', '/api/oncall/policies/:id', 'ops:configure'),
  r('DELETE', '/api/oncall/policies/:id', 'ops:configure'),
  // Price alerts: each trader's own
  r('GET', '/api/price-alerts', 'trading:own'),
  r('GET', '/api/price-alerts/events', 'trading:own'),
  r('GET', '/api/price-alerts/channels', 'trading:own'),
  r('GET', '/api/price-alerts/stream', 'trading:own'),
  r('POST', '/api/price-alerts', 'trading:own'),
  r('PUT', '/api/price-alerts/:id', 'trading:own'),
  r('DELETE', '/api/price-alerts/:id', 'trading:own'),
  // Portfolios and watchlists: each trader's own
  r('GET', '/api/portfolio', 'trading:own'),
  r('PUT', '/api/portfolio/positions/:symbol', 'trading:own'),
  r('DELETE', '/api/portfolio/positions/:symbol', 'trading:own'),
  r('POST', '/api/portfolio/import', 'trading:own'),
  r('GET', '/api/portfolio/export', 'trading:own'),
  r('GET', '/api/watchlist', 'trading:own'),
  r('PUT', '/api/watchlist', 'trading:own'),
  r('GET', '/api/push/vapid-public-key', 'trading:own'),
  r('POST', '/api/push/subscriptions', 'trading:own'),
];
