import type { Request, RequestHandler, Router } from 'express';
import { serviceOfApiPath } from '../http/api-services.ts';
import type { FaultRegistry } from './registry.ts';

interface RouteLayer {
  readonly route?: { readonly path: unknown; readonly methods: Readonly<Record<string, boolean>> };
  readonly handle?: { readonly stack?: readonly RouteLayer[] };
  /** After a successful match: the part of the path the layer matched (a mount point). */
  readonly path?: unknown;
  match(path: string): boolean;
}

function findRoute(stack: readonly RouteLayer[], path: string, method: string): { path: string } | undefined {
  for (const layer of stack) {
    if (layer.route !== undefined) {
      if (layer.route.methods[method] === true && typeof layer.route.path === 'string' && layer.match(path))
        return { path: layer.route.path };
    } else if (layer.handle?.stack !== undefined && layer.match(path)) {
      const mount = typeof layer.path === 'string' ? layer.path : '';
      const found = findRoute(layer.handle.stack, path.slice(mount.length) || '/', method);
      if (found !== undefined) return { path: mount + found.path };
    }
  }
  return undefined;
}

/**
 * The route a request would have reached (through mounted routers too), set on the request before the fault answers
 * in its place, so that the RED metrics label the failure with the route (as a failure of the service itself would
 * be), not `unmatched`. Reads express's router stack, which has no public API for this (as http/openapi.ts does).
 */
function claimRoute(api: Router, req: Request): void {
  const route = findRoute(api.stack as unknown as readonly RouteLayer[], req.path, req.method.toLowerCase());
  if (route !== undefined) (req as { route?: unknown }).route = route;
}

/**
 * The request fault point, mounted on /api ahead of every service's routes: a request to a service under a
 * latency fault waits, one under an error-rate fault or a bad deploy fails with a 503 or 500 (the platform's
 * RED metrics and traces see both, as they would a slow or broken dependency). `random` is injectable for tests.
 */
export function requestFaults(
  registry: FaultRegistry,
  api: Router,
  random: () => number = Math.random,
): RequestHandler {
  return (req, res, next) => {
    const service = serviceOfApiPath(req.path);
    if (service === undefined) {
      next();
      return;
    }
    const fault = registry.request(service);
    if (fault.delayMs === 0 && fault.failShare === 0) {
      next();
      return;
    }
    const fail = random() < fault.failShare;
    const go = (): void => {
      if (!fail) {
        next();
        return;
      }
      claimRoute(api, req);
      res.status(fault.reason.startsWith('configuration') ? 500 : 503).json({ error: fault.reason });
    };
    if (fault.delayMs > 0) setTimeout(go, fault.delayMs);
    else go();
  };
}
