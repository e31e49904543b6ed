import type { Request, Response } from 'express';
import type { Service, ServiceContext } from '../runtime/service.ts';
import type { Asset } from './build.ts';
import { cachedBuildClient } from './build-cache.ts';
import { webMetrics } from './client-metrics.ts';
import { mountDeepLinks } from './deep-links.ts';

/** The InsiteChart web app: built in-process at start (or read from the build cache) and served from memory at `/`. */
export function webAppService(): Service {
  return {
    name: 'web',
    async start(ctx: ServiceContext) {
      const started = performance.now();
      const { app: built, cached } = await cachedBuildClient(ctx.config.webBuildCacheDir);
      const ms = Math.round(performance.now() - started);
      ctx.logger.info(
        { buildMs: built.buildMs, ms, cached, bytes: built.bytes, files: built.assets.size - 1 },
        cached ? 'web app built (from the cache)' : 'web app built',
      );
      const metrics = webMetrics(ctx.metrics);
      // The gauge is this start's cost: a read when cached.
      metrics.built({ ...built, buildMs: ms });
      metrics.mount(ctx.api);
      ctx.site.get(
        ['/', '/index.html', '/build.json', '/assets/*file', '/sw.js', '/manifest.webmanifest', '/icons/*file'],
        (req, res, next) => {
          const found = built.assets.get(req.path);
          if (found === undefined) {
            next();
            return;
          }
          send(req, res, found);
        },
      );
      mountDeepLinks(ctx.site);
    },
    // Nothing to drain: assets live in memory and requests finish with the HTTP server.
    stop() {
      return Promise.resolve();
    },
  };
}

/** Security headers (CSP, nosniff, referrer policy) come from platform/http on every response. */
function send(req: Request, res: Response, asset: Asset): void {
  res.setHeader('Content-Type', asset.contentType);
  res.setHeader('ETag', asset.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (req.headers['if-none-match'] === asset.etag) {
    res.status(304).end();
    return;
  }
  const accepted = req.headers['accept-encoding'] ?? '';
  const [encoding, body] = /\bbr\b/.test(accepted)
    ? ['br', asset.brotli]
    : /\bgzip\b/.test(accepted)
      ? ['gzip', asset.gzip]
      : [undefined, asset.body];
  if (encoding !== undefined) res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', body.length);
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}
