import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { marketFeedService } from '../../collectors/market/feed-service.ts';
import type { TopicData } from '../../platform/backbone/topics.ts';
import { alertsService } from '../../platform/alerts/service.ts';
import { analyticsService } from '../../platform/analytics/service.ts';
import { PlatformControls } from '../../platform/runtime/controls.ts';
import { RuntimeSettings } from '../../platform/runtime/runtime-settings.ts';
import { apiFetch } from '../../platform/testing/api-client.ts';
import { NO_HISTORY, startTestPlatform, type TestPlatform } from '../../platform/testing/platform.ts';
import { defaultPolicyDir } from './policy/load.ts';
import type { RemediationRecord } from './records.ts';
import { remediationService } from './service.ts';
import { createPerson, publishDetection, stalledFeedDetection, type PersonSession } from './testing.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'remediation-'));
// The shipped feed family, and a scaling policy with a deadline short enough for a test.
const policies = join(dataDir, 'policies');
mkdirSync(policies);
copyFileSync(join(defaultPolicyDir, 'feed.yml'), join(policies, 'feed.yml'));
writeFileSync(
  join(policies, 'scale.yml'),
  `family: scale
reactive:
  - name: event-loop-lag-scale-analytics
    on: { signal: detection, match: 'nodejs_eventloop_lag_p99_seconds', direction: above }
    action: { kind: scale, service: analytics, params: { pool: analytics-bars, replicas: 2 } }
    risk: low
    verify: { within: 1500ms }
`,
);
Object.assign(process.env, {
  REMEDIATION_VERIFY_INTERVAL_MS: '200',
  REMEDIATION_COOLDOWN_MS: '1000',
  REMEDIATION_WARMUP_MS: '0',
  REMEDIATION_POLICIES_DIR: policies,
});
const controls = new PlatformControls(new RuntimeSettings());
let platform: TestPlatform;
let sam: PersonSession;
const events: { data: TopicData<'remediations'>; actor: string | undefined }[] = [];
const audits: TopicData<'audit'>[] = [];

before(async () => {
  platform = await startTestPlatform(
    dataDir,
    [
      marketFeedService({ controls }),
      alertsService(),
      analyticsService({ controls }),
      remediationService({ controls }),
    ],
    {},
    0,
    NO_HISTORY,
  );
  await platform.bus.subscribe({
    group: 'test-remediations',
    topic: 'remediations',
    handler: ({ envelope }) => void events.push({ data: envelope.data, actor: envelope.actor }),
  });
  await platform.bus.subscribe({
    group: 'test-audit',
    topic: 'audit',
    handler: ({ envelope }) => void audits.push(envelope.data),
  });
  sam = await createPerson(platform, 'sam', 'sre', 'sam-the-sre-password');
});
after(async () => {
  await platform.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const get = async (path: string): Promise<unknown> => (await apiFetch(platform, path)).json();
const byPolicy = (policy: string) => async () => {
  const { remediations } = (await get('/api/remediations')) as { remediations: RemediationRecord[] };
  return remediations.find((r) => r.policy === policy);
};

describe('remediation service on the embedded platform', () => {
  it('a stalled feed: restart proposed, waits for an sre, approved by a person, applied, verified by the tick rate', async () => {
    const feed = controls.feeds.get('market-feed');
    assert.ok(feed);
    await feed.pause();
    await publishDetection(platform.bus, stalledFeedDetection());
    const pending = await until('a pending restart', async () => {
      const r = await byPolicy('feed-stalled-restart')();
      return r?.status === 'pending_approval' ? r : undefined;
    });
    assert.equal(pending.kind, 'restart');
    assert.equal(feed.state().paused, true, 'nothing done before approval');

    const path = `/api/remediations/${pending.id}/approve`;
    const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"note":"go"}' };
    assert.equal(
      (await apiFetch(platform, path, { ...post, as: 'oncall' })).status,
      403,
      'oncall lacks the permission',
    );
    const token = await apiFetch(platform, path, { ...post, as: 'sre' });
    assert.equal(token.status, 403, 'an sre token is not a person');
    assert.match(((await token.json()) as { error: string }).error, /person/);
    const approved = await apiFetch(platform, path, {
      ...post,
      as: 'anonymous',
      headers: { ...post.headers, cookie: sam.cookie, 'x-csrf-token': sam.csrf },
    });
    assert.equal(approved.status, 200, await approved.clone().text());
    const verified = await until('verification', async () => {
      const r = (await get(`/api/remediations/${pending.id}`)) as RemediationRecord;
      return r.status === 'verified' || r.status === 'failed' || r.status === 'rolled_back' ? r : undefined;
    });
    assert.deepEqual(
      verified.steps.map((s) => s.status),
      ['planned', 'pending_approval', 'approved', 'applied', 'verified'],
    );
    assert.equal(feed.state().paused, false, 'the feed runs again');
    const mine = events.filter((e) => e.data.remediationId === pending.id);
    assert.deepEqual(
      mine.map((e) => [e.data.status, e.actor]),
      [
        ['planned', 'system:remediation'],
        ['pending_approval', 'system:remediation'],
        ['approved', 'user:sam'],
        ['applied', 'system:remediation'],
        ['verified', 'system:remediation'],
      ],
    );
    assert.ok(audits.some((a) => a.action === 'remediation.approved' && a.actor === 'user:sam'));
    // The incident the detection became lists its remediations through its alert fingerprint.
    const fingerprint = pending.signal.fingerprint;
    const listed = (await get(`/api/remediations?fingerprints=${encodeURIComponent(fingerprint)}`)) as {
      remediations: RemediationRecord[];
    };
    assert.deepEqual(
      listed.remediations.map((r) => r.id),
      [pending.id],
    );
  });

  it('a low-risk action runs at once and is undone when its signal does not recover', async () => {
    const pool = controls.pools.get('analytics-bars');
    assert.ok(pool);
    const before = pool.size();
    await publishDetection(platform.bus, {
      detector: 'level',
      // A gauge the test owns, so that it stays "bad" whatever the action does.
      series: { __name__: 'nodejs_eventloop_lag_p99_seconds', service: 'insitechart' },
      score: 0.9,
      observed: 5,
      expected: { low: -1, high: -0.5 },
      ts: Date.now(),
      explanation: 'lag',
    });
    const record = await until(
      'the undo',
      async () => {
        const r = await byPolicy('event-loop-lag-scale-analytics')();
        return r?.status === 'rolled_back' || r?.status === 'failed' ? r : undefined;
      },
      90_000,
    );
    assert.deepEqual(
      record.steps.map((s) => s.status),
      ['planned', 'applied', 'verification_failed', 'rolled_back'],
    );
    assert.equal(pool.size(), before, 'the pool is back at its size');
  });

  it('refuses hostile input with a 4xx and changes nothing', async () => {
    assert.equal((await apiFetch(platform, '/api/remediations?status=nope')).status, 400);
    assert.equal((await apiFetch(platform, '/api/remediations?limit=100000')).status, 400);
    assert.equal((await apiFetch(platform, '/api/remediations/%3Cscript%3E')).status, 400);
    assert.equal((await apiFetch(platform, '/api/remediations/abc')).status, 404);
    const cookie = { cookie: sam.cookie, 'x-csrf-token': sam.csrf, 'content-type': 'application/json' };
    const extra = await apiFetch(platform, '/api/remediations/abc/approve', {
      as: 'anonymous',
      method: 'POST',
      headers: cookie,
      body: '{"note":"x","extra":1}',
    });
    assert.equal(extra.status, 400);
    assert.equal((await apiFetch(platform, '/api/remediations', { as: 'anonymous' })).status, 401);
  });
});
