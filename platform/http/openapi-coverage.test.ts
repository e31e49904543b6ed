/**
 * Every route the whole platform serves under /api has its schemas in the OpenAPI document: a route a service did
 * not describe appears as "(schema not described)" and fails here, unless it is on the list of routes still to
 * describe below (each with its owner). The list only shrinks: a listed route that is described fails too.
 * Declared response schemas are checked against the platform's real answers, so they cannot drift silently.
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
import { portfolioResponses } from '../portfolio/openapi.ts';
import { sentimentResponses } from '../sentiment/openapi.ts';
import { apiFetch } from '../testing/api-client.ts';
import { everyService } from '../testing/every-service.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';

/** Routes not described yet, by owner module. Describe them next to their route module and delete them here. */
const NOT_YET_DESCRIBED: Readonly<Record<string, readonly string[]>> = {
  'identity (platform/identity)': [
    'get /api/identity/me',
    'get /api/identity/me/data',
    'post /api/identity/me/erase',
    'get /api/identity/oidc/callback',
    'get /api/identity/oidc/start',
    'get /api/identity/passkeys',
    'delete /api/identity/passkeys/{id}',
    'post /api/identity/passkeys/authentication',
    'post /api/identity/passkeys/authentication/options',
    'post /api/identity/passkeys/registration',
    'post /api/identity/passkeys/registration/options',
    'post /api/identity/password',
    'post /api/identity/session',
    'delete /api/identity/session',
    'get /api/identity/tokens',
    'post /api/identity/tokens',
    'delete /api/identity/tokens/{id}',
    'get /api/identity/users',
    'put /api/identity/users/{name}',
    'delete /api/identity/users/{name}',
    'get /api/identity/users/{name}/data',
  ],
  'http (platform/http)': ['get /api/openapi.json'],
};

interface Operation {
  readonly summary: string;
  readonly responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const dir = mkdtempSync(join(tmpdir(), 'openapi-coverage-'));
let platform: TestPlatform;
let operations: { key: string; op: Operation }[] = [];

before(async () => {
  platform = await startTestPlatform(dir, everyService());
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
  it('describes every route, but for the listed ones still to do', () => {
    const listed = new Set(Object.values(NOT_YET_DESCRIBED).flat());
    const undescribed = operations.filter((o) => o.op.summary.includes('(schema not described)')).map((o) => o.key);
    assert.deepEqual(
      undescribed.filter((k) => !listed.has(k)),
      [],
      'routes without schemas: describe them next to their route module (see detectors/service/openapi.ts)',
    );
    assert.deepEqual(
      [...listed].filter((k) => !undescribed.includes(k)),
      [],
      'described (or gone) now: delete them from NOT_YET_DESCRIBED',
    );
    assert.ok(operations.length - undescribed.length >= 40, 'detector, alert and market-data routes described');
  });

  it('gives every described operation a success response with a schema (204: none)', () => {
    const listed = new Set(Object.values(NOT_YET_DESCRIBED).flat());
    const missing = operations
      .filter((o) => !listed.has(o.key))
      .filter(({ op }) => {
        const success = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
        if (success.length === 0) return true;
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
