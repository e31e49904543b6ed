import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../backbone/conformance/bus-conformance.ts';
import type { TopicData } from '../../backbone/topics.ts';
import { alertsService } from '../service.ts';
import { apiFetch, type ApiRequestInit } from '../../testing/api-client.ts';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.ts';

describe('alerts API', () => {
  let dir: string;
  let platform: TestPlatform;
  const audit: TopicData<'audit'>[] = [];
  const auditActors: (string | undefined)[] = [];
  const userAlerts: TopicData<'alerts.user'>[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alerts-api-'));
    platform = await startTestPlatform(dir, [
      alertsService({
        config: {
          route: { receiver: 'ops', group_wait: '0s' },
          receivers: [{ name: 'ops', escalation_policy: 'p' }],
          users: [
            { id: 'alice', name: 'Alice' },
            { id: 'bob', name: 'Bob' },
          ],
          escalation_policies: [{ id: 'p', name: 'P', steps: [{ timeout: '10m', targets: [{ user: 'alice' }] }] }],
        },
      }),
    ]);
    await platform.bus.subscribe({
      group: 'test-audit',
      topic: 'audit',
      handler: ({ envelope }) => {
        audit.push(envelope.data);
        auditActors.push(envelope.actor);
      },
    });
    await platform.bus.subscribe({
      group: 'test-user',
      topic: 'alerts.user',
      handler: ({ envelope }) => {
        userAlerts.push(envelope.data);
      },
    });
  });
  after(async () => {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    as: ApiRequestInit['as'] = 'sre',
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const r = await apiFetch(platform, `/api${path}`, {
      as,
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  };
  const incidents = async (): Promise<
    { id: string; status: string; assignee: string | null; alerts: { labels: Record<string, string> }[] }[]
  > => (await call('GET', '/incidents')).json.incidents as never;

  it('rejects invalid alerts with a 400 naming the problem', async () => {
    const r = await call('POST', '/alerts', { labels: { service: 'x' } });
    assert.equal(r.status, 400);
    assert.match(JSON.stringify(r.json), /alertname is required/);
    assert.equal((await call('POST', '/alerts/alertmanager', { version: '3', alerts: [] })).status, 400);
  });

  it('takes generic alerts into incidents; acknowledge, snooze, reassign and resolve them, audited', async () => {
    const r = await call('POST', '/alerts', {
      source: 'ci',
      alerts: [
        {
          labels: { alertname: 'BuildBroken', service: 'ci', severity: 'error' },
          annotations: { summary: 'main is red' },
        },
      ],
    });
    assert.equal(r.status, 202);
    for (let i = 0; i < 100 && (await incidents()).length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    const [incident] = await incidents();
    assert.ok(incident);
    assert.equal(incident.alerts[0]?.labels.alertname, 'BuildBroken');
    for (let i = 0; i < 100 && (await incidents())[0]?.assignee !== 'alice'; i++)
      await new Promise((res) => setTimeout(res, 20));
    assert.equal((await incidents())[0]?.assignee, 'alice');

    assert.equal((await call('POST', `/incidents/${incident.id}/acknowledge`)).json.status, 'acknowledged');
    const snoozed = await call('POST', `/incidents/${incident.id}/snooze`, { minutes: 30 });
    assert.equal(snoozed.json.status, 'snoozed');
    assert.equal((await call('POST', `/incidents/${incident.id}/snooze`, { minutes: 0 })).status, 400);
    assert.equal((await call('POST', `/incidents/${incident.id}/reassign`, { user: 'nobody' })).status, 400);
    const reassigned = await call('POST', `/incidents/${incident.id}/reassign`, { user: 'bob' });
    assert.deepEqual([reassigned.json.status, reassigned.json.assignee], ['triggered', 'bob']);
    assert.equal((await call('POST', `/incidents/${incident.id}/resolve`)).json.status, 'resolved');
    assert.equal((await call('POST', `/incidents/${incident.id}/resolve`)).status, 409);
    assert.equal((await call('GET', '/incidents/inc-nope')).status, 404);
    const detail = await call('GET', `/incidents/${incident.id}`);
    assert.ok(Array.isArray(detail.json.deliveries));
    await waitFor(
      () => audit.filter((a) => a.resource === `incident/${incident.id}`).length === 4,
      5_000,
      'four audited actions',
    );
    assert.deepEqual(
      audit.filter((a) => a.resource === `incident/${incident.id}`).map((a) => [a.actor, a.action]),
      [
        ['token:test-sre', 'incident.acknowledge'],
        ['token:test-sre', 'incident.snooze'],
        ['token:test-sre', 'incident.reassign'],
        ['token:test-sre', 'incident.resolve'],
      ],
    );
    assert.ok(auditActors.includes('token:test-sre'), 'the audit events carry the authenticated actor');
  });

  it('silences: create, read, update, expire', async () => {
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    assert.equal(
      (await call('POST', '/silences', { matchers: [], endsAt, createdBy: 'bob', comment: 'x' })).status,
      400,
    );
    const created = await call('POST', '/silences', {
      matchers: ['service="ci"', 'alertname=~"Build.*"'],
      endsAt,
      createdBy: 'bob',
      comment: 'CI migration',
    });
    assert.equal(created.status, 201);
    assert.equal(created.json.state, 'active');
    assert.equal(created.json.createdBy, 'token:test-sre', 'the author is the authenticated identity, not the claim');
    const id = String(created.json.id);
    assert.deepEqual((await call('GET', `/silences/${id}`)).json.matchers, ['service="ci"', 'alertname=~"Build.*"']);
    assert.equal(
      (
        await call('PUT', `/silences/${id}`, {
          matchers: ['service="ci"'],
          endsAt,
          createdBy: 'bob',
          comment: 'narrower',
        })
      ).json.comment,
      'narrower',
    );
    assert.equal((await call('DELETE', `/silences/${id}`)).json.state, 'expired');
    assert.equal(((await call('GET', '/silences')).json.silences as unknown[]).length, 1);
  });

  it('schedules and policies through the API, with who is on call now', async () => {
    const put = await call('PUT', '/oncall/schedules/day', {
      name: 'Day',
      time_zone: 'Europe/Berlin',
      layers: [{ users: ['alice'], rotation: { length: 1, unit: 'days' }, start: '2026-01-01T09:00' }],
    });
    assert.equal(put.status, 200);
    assert.equal((await call('GET', '/oncall/schedules/day/now')).json.user, 'alice');
    assert.equal(
      (
        await call('PUT', '/oncall/schedules/bad', {
          name: 'Bad',
          time_zone: 'Mars/Base',
          layers: [{ users: ['alice'], rotation: {}, start: '2026-01-01T09:00' }],
        })
      ).status,
      400,
    );
    assert.equal(
      (await call('PUT', '/oncall/policies/x', { name: 'X', steps: [{ targets: [{ schedule: 'missing' }] }] })).status,
      400,
    );
  });

  it('users manage their own price alerts, which fire on market ticks', async () => {
    // The feed's announcement of its instruments: price alerts are taken on these only.
    await platform.bus.publish('market.universe', {
      key: 'test',
      data: { feed: 'test', simulated: true, timeZone: 'America/New_York', symbols: ['ACME'], ts: Date.now() },
    });
    await new Promise((r) => setTimeout(r, 50));
    const carol = { token: platform.identity.tokens.create('carol', 'trader').secret };
    const dave = { token: platform.identity.tokens.create('dave', 'trader').secret };
    assert.equal((await call('GET', '/price-alerts', undefined, 'anonymous')).status, 401);
    assert.equal((await call('GET', '/price-alerts', undefined, 'oncall')).status, 403);
    const created = await call('POST', '/price-alerts', { kind: 'price_above', symbol: 'acme', threshold: 100 }, carol);
    assert.equal(created.status, 201);
    assert.equal(created.json.symbol, 'ACME');
    assert.equal(
      ((await call('GET', '/price-alerts', undefined, dave)).json.alerts as unknown[]).length,
      0,
      'not visible to others',
    );
    assert.equal((await call('DELETE', `/price-alerts/${String(created.json.id)}`, undefined, dave)).status, 404);
    await new Promise((r) => setTimeout(r, 100));
    for (const price of [99, 101])
      await platform.bus.publish('market.ticks', {
        key: 'ACME',
        data: { symbol: 'ACME', price, size: 1, ts: Date.now() },
      });
    await waitFor(() => userAlerts.length === 1, 5_000, 'the price alert');
    assert.deepEqual(
      [userAlerts[0]?.userId, userAlerts[0]?.kind, userAlerts[0]?.observed],
      ['token:carol', 'price_above', 101],
    );
    for (
      let i = 0;
      i < 100 && ((await call('GET', '/price-alerts/events', undefined, carol)).json.events as unknown[]).length === 0;
      i++
    )
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(((await call('GET', '/price-alerts/events', undefined, carol)).json.events as unknown[]).length, 1);
    assert.equal((await call('DELETE', `/price-alerts/${String(created.json.id)}`, undefined, carol)).status, 204);
  });

  it('turns detections into incidents enriched with the runbook and recent remediations', async () => {
    await platform.bus.publish('remediations', {
      key: 'quotes',
      data: { action: 'scale-out', target: { service: 'quotes' }, reason: 'latency', status: 'applied' },
    });
    await new Promise((r) => setTimeout(r, 100));
    await platform.bus.publish('detections', {
      key: 'quotes',
      data: {
        detector: 'latency-ewma',
        series: { service: 'quotes', metric: 'p99' },
        score: 0.95,
        observed: 2.5,
        expected: { low: 0.1, high: 0.4 },
        ts: Date.now(),
        explanation: 'p99 latency far above its band',
      },
    });
    type Listed = {
      title: string;
      severity: string;
      alerts: { labels: Record<string, string>; runbookUrl: string | null; remediations: { action: string }[] }[];
    };
    let found: Listed | undefined;
    for (let i = 0; i < 100 && found === undefined; i++) {
      found = ((await call('GET', '/incidents')).json.incidents as Listed[]).find((x) =>
        x.alerts.some((a) => a.labels.detector === 'latency-ewma'),
      );
      if (found === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(found, 'an incident from the detection');
    const a = found.alerts[0]!;
    assert.deepEqual(
      [a.labels.alertname, a.labels.severity, found.title],
      ['AnomalyDetected', 'critical', 'p99 latency far above its band'],
    );
    assert.match(a.runbookUrl ?? '', /\/runbooks\/anomaly-detected\.md$/);
    assert.deepEqual(
      a.remediations.map((r) => r.action),
      ['scale-out'],
    );
    assert.equal((await fetch(`${platform.url}/runbooks/anomaly-detected.md`)).status, 200);
  });
});
