/**
 * Every route the whole platform serves under /api has its schemas in the OpenAPI document: a route a service did
 * not describe appears as "(schema not described)" and fails here. Describe a new route next to its route module
 * (see detectors/service/openapi.ts). Declared response schemas are checked against the platform's real answers,
 * so they cannot drift silently.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { remediationResponses } from '../../detectors/remediation/api/openapi.ts';
import { detectorResponses } from '../../detectors/service/openapi.ts';
import { incidentSchema, silenceSchema } from '../alerts/api/openapi.ts';
import { priceAlertResponses } from '../alerts/price/openapi.ts';
import { analyticsResponses } from '../analytics/openapi.ts';
import { faultResponses } from '../faults/openapi.ts';
import { openApiDocument } from './openapi.ts';
import { identityResponses } from '../identity/openapi.ts';
import { portfolioResponses } from '../portfolio/openapi.ts';
import { sentimentResponses } from '../sentiment/openapi.ts';
import { apiFetch } from '../testing/api-client.ts';
import { everyService } from '../testing/every-service.ts';
import { NO_HISTORY, startTestPlatform, type TestPlatform } from '../testing/platform.ts';

interface Operation {
  readonly summary: string;
  readonly responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const dir = mkdtempSync(join(tmpdir(), 'openapi-coverage-'));
let platform: TestPlatform;
let operations: { key: string; op: Operation }[] = [];

before(async () => {
  platform = await startTestPlatform(dir, everyService(), {}, 0, NO_HISTORY);
  const doc = (await (await apiFetch(platform, '/api/openapi.json')).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ key: `${method} ${path}`, op })),
  );
});
after(async () => {
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('OpenAPI coverage of the whole platform', () => {
  it('describes every route', () => {
    const undescribed = operations.filter((o) => o.op.summary.includes('(schema not described)')).map((o) => o.key);
    assert.deepEqual(
      undescribed,
      [],
      'routes without schemas: describe them next to their route module (see detectors/service/openapi.ts)',
    );
    assert.ok(operations.length >= 100, `the whole platform's routes are listed (${String(operations.length)})`);
  });

  it('gives every described operation a success response with a schema (204 and 302 redirects: none)', () => {
    const missing = operations
      .filter(({ op }) => {
        const success = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
        if (success.length === 0) return !('302' in op.responses);
        return success.some(
          ([status, r]) => status !== '204' && Object.values(r.content ?? {}).every((c) => c.schema === undefined),
        );
      })
      .map((o) => o.key);
    assert.deepEqual(missing, []);
  });

  it("matches the declared response schemas with the platform's answers", async () => {
    const text = {
      id: 'openapi-1',
      kind: 'news',
      source: 'test',
      text: 'AAPL beats estimates',
      symbols: ['AAPL'],
      ts: 1,
    };
    const posted = await apiFetch(platform, '/api/sentiment/texts', {
      method: 'POST',
      as: 'admin',
      body: JSON.stringify(text),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(posted.status, 202);
    const scored = sentimentResponses.texts.safeParse(await posted.json());
    assert.ok(scored.success, scored.error?.message);
    const answers: [string, z.ZodType][] = [
      ['/api/detectors/series?limit=20', detectorResponses.series],
      ['/api/detectors/detections', detectorResponses.detections],
      ['/api/detectors/sources', detectorResponses.sources],
      ['/api/detectors/predictions', detectorResponses.predictions],
      ['/api/detectors/slos', detectorResponses.slos],
      ['/api/detectors/checks', detectorResponses.checks],
      ['/api/incidents', z.object({ incidents: z.array(incidentSchema) })],
      ['/api/silences', z.object({ silences: z.array(silenceSchema) })],
      ['/api/faults', faultResponses.list],
      ['/api/remediations', remediationResponses.list],
      ['/api/price-alerts', priceAlertResponses.list],
      ['/api/price-alerts/channels', priceAlertResponses.channels],
      ['/api/price-alerts/events', priceAlertResponses.events],
      ['/api/push/vapid-public-key', priceAlertResponses.vapidKey],
      ['/api/portfolio', portfolioResponses.portfolio],
      ['/api/watchlist', portfolioResponses.watchlist],
      ['/api/sentiment', sentimentResponses.all],
      ['/api/sentiment/score?text=shares%20surge%20on%20record%20profit', sentimentResponses.score],
      ['/api/sentiment/AAPL', sentimentResponses.symbol],
      ['/api/analytics/symbols', analyticsResponses.symbols],
      ['/api/analytics/correlation/live', analyticsResponses.live],
      ['/api/analytics/correlation/breaks', analyticsResponses.breaks],
      ['/api/identity/me', identityResponses.me],
      ['/api/identity/users', identityResponses.users],
      ['/api/identity/tokens', identityResponses.tokens],
      ['/api/openapi.json', openApiDocument],
    ];
    for (const [path, schema] of answers) {
      const res = await apiFetch(platform, path, { as: 'admin' });
      assert.equal(res.status, 200, path);
      const parsed = schema.safeParse(await res.json());
      assert.ok(parsed.success, `${path}: ${parsed.success ? '' : parsed.error.message}`);
    }
    // The check can fail: an answer missing a declared field is rejected.
    assert.equal(detectorResponses.slos.safeParse({ slos: [{ name: 'x' }] }).success, false);
  });
});
