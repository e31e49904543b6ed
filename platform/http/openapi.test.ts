import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import { z } from 'zod';
import { listRoutes, OpenApiRegistry } from './openapi.ts';

describe('OpenAPI document', () => {
  it('lists every route served, nested routers included, and describes the registered ones from their zod schemas', () => {
    const api = express.Router();
    api.get('/quotes/:symbol', (_req, res) => {
      res.end();
    });
    const alerts = express.Router();
    alerts.post('/incidents/:id/acknowledge', (_req, res) => {
      res.end();
    });
    alerts
      .route('/silences')
      .get((_req, res) => {
        res.end();
      })
      .post((_req, res) => {
        res.end();
      });
    api.use('/ops', alerts);
    const routes = listRoutes(api);
    assert.deepEqual(routes, [
      { method: 'get', path: '/quotes/{symbol}' },
      { method: 'post', path: '/ops/incidents/{id}/acknowledge' },
      { method: 'get', path: '/ops/silences' },
      { method: 'post', path: '/ops/silences' },
    ]);

    const registry = new OpenApiRegistry();
    registry.add({
      method: 'get',
      path: '/quotes/{symbol}',
      summary: 'one quote',
      params: z.object({ symbol: z.string() }),
      responses: { 200: { description: 'the quote', schema: z.object({ price: z.number() }) } },
    });
    const doc = registry.document({ title: 't', version: '1' }, routes) as {
      paths: Record<
        string,
        Partial<
          Record<
            string,
            {
              summary: string;
              parameters?: { name: string; in: string }[];
              responses: Partial<Record<string, { content?: unknown }>>;
            }
          >
        >
      >;
    };
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/api/ops/incidents/{id}/acknowledge',
      '/api/ops/silences',
      '/api/quotes/{symbol}',
    ]);
    const quote = doc.paths['/api/quotes/{symbol}']!.get!;
    assert.equal(quote.summary, 'one quote');
    assert.ok(quote.responses['200']?.content, 'a described response has its schema');
    const ack = doc.paths['/api/ops/incidents/{id}/acknowledge']?.post;
    assert.match(ack?.summary ?? '', /not described/);
    assert.deepEqual(
      ack?.parameters?.map((p) => [p.name, p.in]),
      [['id', 'path']],
    );
    assert.deepEqual(Object.keys(doc.paths['/api/ops/silences'] ?? {}).sort(), ['get', 'post']);
  });
});
