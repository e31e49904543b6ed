import type { Request, RequestHandler } from 'express';
import helmet from 'helmet';
import ipaddr from 'ipaddr.js';
import type { HttpSecurityConfig } from './security-config.ts';

/** The request's Host name in lower case without port or IPv6 brackets; undefined when absent or malformed. */
function hostName(host: string | undefined): string | undefined {
  if (host === undefined || host === '') return undefined;
  try {
    const url = new URL(`http://${host}`);
    if (url.host.toLowerCase() !== host.toLowerCase()) return undefined;
    return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Whether the platform answers to this Host. DNS rebinding needs a name in public DNS that the attacker controls, so
 * IP literals, localhost and single-label names (a container's or a Kubernetes service's short name) are safe; other
 * names must be allow-listed (ALLOWED_HOSTS, PUBLIC_URL's host).
 */
export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  const name = hostName(host);
  if (name === undefined) return false;
  if (ipaddr.isValid(name) || !name.includes('.') || name.endsWith('.localhost')) return true;
  return allowed.some((a) => (a.startsWith('*.') ? name === a.slice(2) || name.endsWith(a.slice(1)) : name === a));
}

/** Rejects requests whose Host is not one the platform serves (421, a JSON message). */
export function hostAllowList(config: HttpSecurityConfig): RequestHandler {
  return (req, res, next) => {
    if (hostAllowed(req.headers.host, config.allowedHosts)) {
      next();
      return;
    }
    res.status(421).json({ error: 'this server does not answer to that Host' });
  };
}

function sameOrigin(req: Request, origin: string): boolean {
  try {
    return new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}

/**
 * CORS: same-origin only unless CORS_ORIGINS lists the caller. A request carrying a foreign Origin (a page on another
 * site) is refused with 403, so cross-site form posts change nothing; callers without Origin (Alertmanager, OTLP
 * exporters, curl) are not browsers and pass.
 */
export function corsPolicy(config: HttpSecurityConfig): RequestHandler {
  const allowed = new Set(config.corsOrigins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined || sameOrigin(req, origin)) {
      next();
      return;
    }
    res.vary('Origin');
    if (!allowed.has(origin)) {
      res.status(403).json({ error: 'cross-origin requests from this origin are not allowed' });
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE');
      res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/**
 * Security headers on every response. The CSP lets the page connect only to its own origin, in its http(s) and
 * ws(s) forms (the Host was checked by hostAllowList before this runs).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        connectSrc: ["'self'", (req) => `ws://${req.headers.host ?? ''}`, (req) => `wss://${req.headers.host ?? ''}`],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
