/**
 * User-supplied patterns run on RE2: `(a+)+` against 40 a's and a '!' (decades on a backtracking engine) neither in a
 * silence nor in `/api/detectors/series?match=` blocks the event loop; over-long and non-RE2 patterns get a 400.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Gauge } from 'prom-client';
import { detectorService } from '../../detectors/service.ts';
import { loadDetectorConfig } from '../../detectors/service/config.ts';
import { alertsService } from '../alerts/service.ts';
import type { RunningPlatform } from '../runtime/platform.ts';
import type { Service } from '../runtime/service.ts';
import { apiFetch } from '../testing/api-client.ts';
import { startTestPlatform } from '../testing/platform.ts';
import { compileAnchored, MAX_PATTERN_LENGTH } from './linear-regex.ts';

const evil = `${'a'.repeat(40)}!`;

/** A gauge whose label value makes `(a+)+` backtrack exponentially. */
function evilSeries(): Service {
  return {
    name: 'evil-series',
    start(ctx) {
      new Gauge({ name: 'insitechart_test_probe', help: 'test', labelNames: ['probe'], registers: [ctx.metrics] })
        .labels(evil)
        .set(1);
      return Promise.resolve();
    },
    stop: () => Promise.resolve(),
  };
}

async function healthzMs(platform: RunningPlatform): Promise<number> {
  const t0 = performance.now();
  assert.equal((await fetch(`${platform.url}/healthz`, { signal: AbortSignal.timeout(5_000) })).status, 200);
  return performance.now() - t0;
}

describe('linear-time user patterns', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patterns-'));
  let platform: RunningPlatform;
  before(async () => {
    platform = await startTestPlatform(dir, [
      evilSeries(),
      alertsService({
        config: {
          route: { receiver: 'ops', group_wait: '0s' },
          receivers: [{ name: 'ops' }],
        },
      }),
      detectorService({
        config: loadDetectorConfig({
          DETECTOR_SOURCES: 'in-process',
          DETECTOR_SAMPLE_INTERVAL_MS: '100',
          DETECTOR_POLL_INTERVAL_MS: '100',
          DETECTOR_WATCH: '{__name__="insitechart_test_probe"}',
        }),
      }),
    ]);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const json = { 'content-type': 'application/json' };

  it('a silence with probe=~"(a+)+" and an alert with 40 a\'s and "!" do not block the loop', async () => {
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const silence = await apiFetch(platform, '/api/silences', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ matchers: ['probe=~"(a+)+"'], endsAt, createdBy: 'test', comment: 'redos' }),
    });
    assert.equal(silence.status, 201);
    const posted = await apiFetch(platform, '/api/alerts', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ source: 'test', alerts: [{ labels: { alertname: 'Probe', probe: evil } }] }),
    });
    assert.equal(posted.status, 202);
    const incidents = async (): Promise<unknown[]> =>
      ((await (await apiFetch(platform, '/api/incidents')).json()) as { incidents: unknown[] }).incidents;
    for (let i = 0; i < 100 && (await incidents()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await incidents()).length, 1, 'the unsilenced alert became an incident');
    assert.ok((await healthzMs(platform)) < 1_000);
  });

  it('the same pattern in /api/detectors/series?match= answers at once', async () => {
    const t0 = performance.now();
    const res = await apiFetch(platform, `/api/detectors/series?match=${encodeURIComponent('{probe=~"(a+)+"}')}`);
    assert.equal(res.status, 200);
    assert.ok(performance.now() - t0 < 1_000, 'no backtracking');
    const listed = async (): Promise<number> => {
      const r = await apiFetch(platform, `/api/detectors/series?match=${encodeURIComponent('{probe=~"a+!"}')}`);
      return ((await r.json()) as { series: unknown[] }).series.length;
    };
    for (let i = 0; i < 100 && (await listed()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await listed(), 1, 'the probe series is listed, so the pattern really was matched');
  });

  it('refuses over-long patterns and syntax RE2 does not have with 400', async () => {
    const long = `probe=~"${'a'.repeat(MAX_PATTERN_LENGTH + 1)}"`;
    for (const matcher of [long, 'probe=~"(?=a)a"', 'probe=~"(a)\\\\1"']) {
      const res = await apiFetch(platform, '/api/silences', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          matchers: [matcher],
          endsAt: new Date(Date.now() + 60_000).toISOString(),
          createdBy: 't',
          comment: 'x',
        }),
      });
      assert.equal(res.status, 400, matcher.slice(0, 40));
    }
    const series = await apiFetch(
      platform,
      `/api/detectors/series?match=${encodeURIComponent(`{probe=~"${'a'.repeat(2_000)}"}`)}`,
    );
    assert.equal(series.status, 400);
  });
});

describe('compileAnchored', () => {
  it('matches whole strings only, with RE2 syntax', () => {
    const p = compileAnchored('api|web');
    assert.ok(p.test('api'));
    assert.ok(!p.test('apix'));
    assert.ok(!p.test('xweb'));
    assert.ok(compileAnchored('Build.*').test('BuildBroken'));
    assert.ok(compileAnchored('').test(''));
  });
});
