import type { RequestHandler } from 'express';
import type { FaultRegistry } from './registry.ts';
import { serviceOfPath } from './registry.ts';

/**
 * The request fault point, mounted on /api ahead of every service's routes: a request to a service under a
 * latency fault waits, one under an error-rate fault or a bad deploy fails with a 503 or 500 (the platform's
 * RED metrics and traces see both, as they would a slow or broken dependency). `random` is injectable for tests.
 */
export function requestFaults(registry: FaultRegistry, random: () => number = Math.random): RequestHandler {
  return (req, res, next) => {
    const service = serviceOfPath(req.path);
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
      if (fail) res.status(fault.reason.startsWith('configuration') ? 500 : 503).json({ error: fault.reason });
      else next();
    };
    if (fault.delayMs > 0) setTimeout(go, fault.delayMs);
    else go();
  };
}
