import express, { type Express, type RequestHandler, type Router } from 'express';
import type { PlatformMetrics } from '../telemetry/metrics.ts';
import type { Logger } from '../telemetry/logger.ts';
import { errorHandler, notFound } from './errors.ts';
import type { Health } from './health.ts';
import { listRoutes, openApi } from './openapi.ts';
import { corsPolicy, hostAllowList, securityHeaders } from './security.ts';
import { loadHttpSecurityConfig, type HttpSecurityConfig } from './security-config.ts';

export interface HttpApp {
  readonly app: Express;
  /** Services mount their routes here; it is served under /api. */
  readonly api: Router;
  /** Pages and static assets (the web app), served from the root after the probes and the API. */
  readonly site: Router;
  /** The Host allow-list and CORS settings in force (WebSocket upgrades apply the same Host allow-list). */
  readonly security: HttpSecurityConfig;
}

/**
 * The platform's HTTP surface: probes, /metrics, the services' API, RED metrics on every route, security headers on
 * every response; past the probes, a Host allow-list (DNS rebinding) and the CORS policy. `access` decides every
 * request before any route sees it (platform/http/access.ts).
 */
export function createHttpApp(options: {
  metrics: PlatformMetrics;
  health: Health;
  logger: Logger;
  access: RequestHandler;
  /** Absent: read from the environment (ALLOWED_HOSTS, CORS_ORIGINS, PUBLIC_URL). */
  security?: HttpSecurityConfig;
}): HttpApp {
  const { metrics, health, logger } = options;
  const security = options.security ?? loadHttpSecurityConfig();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use((req, res, next) => {
    const end = metrics.httpRequestDuration.startTimer();
    res.on('finish', () => {
      // The matched route pattern, never the raw path, keeps label cardinality bounded.
      const route = (req.route as { path?: unknown } | undefined)?.path;
      end({
        method: req.method,
        route: typeof route === 'string' ? req.baseUrl + route : 'unmatched',
        status_code: String(res.statusCode),
      });
    });
    next();
  });
  app.use(securityHeaders());
  app.use(options.access);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const readiness = await health.readiness();
    res.status(readiness.ready ? 200 : 503).json(readiness);
  });
  // Probes above answer any Host (orchestrators address pods by any name; they reveal nothing). /metrics does not:
  // a DNS-rebinding page could read it. Scrapers address pods by IP or service name, which the allow-list passes.
  const allowedHost = hostAllowList(security);
  app.get('/metrics', allowedHost, async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(allowedHost, corsPolicy(security));

  const api = express.Router();
  // Building the document (zod to JSON Schema for every operation) takes long enough to stall the event loop:
  // built once per set of routes and operations, then served from memory.
  let cached: { key: string; body: string } | undefined;
  api.get('/openapi.json', (_req, res) => {
    const routes = listRoutes(api);
    const key = `${String(openApi.version)}:${String(routes.length)}`;
    if (cached?.key !== key) {
      const document = openApi.document(
        {
          title: 'InsiteChart API',
          version: '1.0.0',
          description:
            'REST API of the InsiteChart platform; live data over WebSocket at /ws (see platform/market-data/PROTOCOL.md).',
        },
        routes,
      );
      cached = { key, body: JSON.stringify(document) };
    }
    res.type('application/json').send(cached.body);
  });
  app.use('/api', express.json({ limit: '1mb' }), api);
  const site = express.Router();
  app.use(site);
  // Without a web app (a service process alone), the root lists what the platform offers.
  app.get('/', (_req, res) => {
    res.json({
      name: 'InsiteChart',
      links: { quotes: '/api/quotes', health: '/healthz', readiness: '/readyz', metrics: '/metrics' },
    });
  });
  app.use(notFound);
  app.use(errorHandler(logger));
  return { app, api, site, security };
}
