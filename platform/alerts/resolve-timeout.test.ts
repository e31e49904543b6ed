import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config/config.ts';
import { ResolveTimeout } from './resolve-timeout.ts';
import { alert, hook, testPipeline } from './test-support.ts';

const MINUTE = 60_000;
const TIMEOUT = 30 * MINUTE;

const setup = () => {
  const t = testPipeline({
    route: { receiver: 'team', group_by: ['alertname'], group_wait: '30s', group_interval: '5m' },
    receivers: [{ name: 'team', targets: [hook('team')] }],
    correlation: { strategy: 'topology', labels: ['alertname'], similarity: 0.5 },
  });
  const errors: unknown[] = [];
  const timeout = new ResolveTimeout({
    target: t.pipeline,
    clock: t.clock,
    timeoutMs: TIMEOUT,
    onError: (e) => errors.push(e),
  });
  return { ...t, timeout, errors };
};

describe('resolve timeout (Alertmanager resolve_timeout)', () => {
  it('keeps an alert that is sent again, resolves one that is not, closes its incident and notifies the resolution', () => {
    const { pipeline, clock, sent, timeout, errors } = setup();
    timeout.start();
    const kept = alert({ alertname: 'DiskFull', instance: 'a' }, clock.now());
    const gone = alert({ alertname: 'FeedStale', instance: 'b' }, clock.now());
    const keptId = pipeline.process(kept).incidentId;
    const goneId = pipeline.process(gone).incidentId;
    assert.ok(keptId !== undefined && goneId !== undefined && keptId !== goneId);
    // The source of `kept` re-sends it every 10 minutes (deduplicated: only its last sighting moves).
    for (let i = 0; i < 5; i++) {
      clock.advance(10 * MINUTE);
      assert.equal(pipeline.process(kept).outcome, 'deduplicated');
    }
    assert.equal(pipeline.incident(keptId)?.status, 'triggered', 'still firing after 50 minutes of re-sends');
    assert.equal(pipeline.incident(goneId), undefined, 'the silent one was resolved and left memory');
    assert.deepEqual(
      pipeline.firingAlerts().map((a) => a.alert.fingerprint),
      [kept.fingerprint],
    );
    const resolved = sent.filter((s) => s.message.kind === 'resolved');
    assert.equal(resolved.length, 1, 'the resolution was notified once');
    assert.equal(resolved[0]?.message.incidentId, goneId);
    assert.deepEqual(errors, []);

    clock.advance(TIMEOUT + 2 * MINUTE);
    assert.equal(pipeline.incident(keptId), undefined, 'resolved too once its re-sends stopped');
    assert.equal(pipeline.openIncidents, 0);
    timeout.stop();
  });

  it('resolves at most one check interval after the timeout, and never before it', () => {
    const { pipeline, clock, timeout } = setup();
    const a = alert({ alertname: 'Lagging', instance: 'x' }, clock.now());
    pipeline.process(a);
    assert.equal(timeout.sweep(clock.now() + TIMEOUT - 1), 0, 'a millisecond early: still firing');
    assert.equal(timeout.sweep(clock.now() + TIMEOUT), 1);
    assert.equal(pipeline.firingAlerts().length, 0);
    assert.equal(timeout.sweep(clock.now() + 2 * TIMEOUT), 0, 'nothing is resolved twice');
  });

  it('gives every firing alert the whole timeout again after a restart (repeats are not stored)', () => {
    const { pipeline, clock } = setup();
    const a = alert({ alertname: 'OldButAlive', instance: 'y' }, clock.now());
    pipeline.process(a);
    clock.advance(TIMEOUT * 3); // the process was down, or the repeats only reached memory
    const afterRestart = new ResolveTimeout({ target: pipeline, clock, timeoutMs: TIMEOUT, onError: () => undefined });
    assert.equal(afterRestart.sweep(), 0, 'not resolved at once');
    assert.equal(afterRestart.sweep(clock.now() + TIMEOUT), 1, 'resolved one timeout after the restart');
  });

  it('opens a new incident when a timed-out alert fires again', () => {
    const { pipeline, clock, timeout } = setup();
    const a = alert({ alertname: 'Flapping', instance: 'z' }, clock.now());
    const first = pipeline.process(a).incidentId;
    clock.advance(TIMEOUT);
    assert.equal(timeout.sweep(), 1);
    const again = pipeline.process({ ...a, startsAt: clock.now() });
    assert.equal(again.outcome, 'opened');
    assert.notEqual(again.incidentId, first);
  });

  it('bounds memory: a thousand alerts fired once and never again all leave memory', () => {
    const { pipeline, clock, timeout } = setup();
    timeout.start();
    for (let i = 0; i < 1_000; i++)
      pipeline.process(alert({ alertname: `Once${String(i)}`, n: String(i) }, clock.now()));
    assert.equal(pipeline.openIncidents, 1_000);
    clock.advance(TIMEOUT + MINUTE);
    assert.equal(pipeline.openIncidents, 0);
    assert.equal(pipeline.firingAlerts().length, 0);
    timeout.stop();
  });

  it('reports a failed resolve and retries it at the next check', () => {
    const { pipeline, clock } = setup();
    pipeline.process(alert({ alertname: 'Stuck', instance: 'w' }, clock.now()));
    const errors: unknown[] = [];
    let fail = true;
    const timeout = new ResolveTimeout({
      target: {
        firingAlerts: () => pipeline.firingAlerts(),
        process: (a) => {
          if (fail) throw new Error('disk I/O error');
          return pipeline.process(a);
        },
      },
      clock,
      timeoutMs: TIMEOUT,
      onError: (e) => errors.push(e),
    });
    clock.advance(TIMEOUT);
    assert.equal(timeout.sweep(), 0);
    assert.equal(errors.length, 1);
    fail = false;
    assert.equal(timeout.sweep(), 1);
    assert.equal(pipeline.openIncidents, 0);
  });

  it('reads ALERTS_RESOLVE_TIMEOUT_MS (default a day) and refuses a value under a minute, naming it', () => {
    assert.equal(loadConfig({}).alerts.resolveTimeoutMs, 86_400_000);
    assert.equal(loadConfig({ ALERTS_RESOLVE_TIMEOUT_MS: '300000' }).alerts.resolveTimeoutMs, 300_000);
    for (const bad of ['5', 'soon', '-1'])
      assert.throws(
        () => loadConfig({ ALERTS_RESOLVE_TIMEOUT_MS: bad }),
        (e: unknown) => e instanceof ConfigError && e.message.includes('ALERTS_RESOLVE_TIMEOUT_MS'),
      );
  });
});
