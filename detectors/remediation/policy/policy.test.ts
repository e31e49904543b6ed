import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Signal } from '../types.ts';
import { loadPolicies, parseFamily } from './load.ts';
import { proposalsFor } from './match.ts';

const detection = (name: string, observed: number, extra: Record<string, string> = {}): Signal => ({
  kind: 'detection',
  key: name,
  labels: { __name__: name, ...extra },
  fingerprint: `det:${name}`,
  title: `${name} off`,
  at: 0,
  score: 0.8,
  observed,
  expected: { low: 10, high: 100 },
});

describe('remediation policies', () => {
  const families = loadPolicies();

  it('ships the families as validated files, one per family', () => {
    assert.deepEqual(families.map((f) => f.family).sort(), [
      'checks',
      'deploy',
      'feed',
      'ingestion',
      'kubernetes',
      'scaling',
      'storage',
    ]);
    assert.ok(families.every((f) => f.reactive.length + f.predictive.length > 0));
  });

  it('maps a stalled feed to a restart, a flood (above) not to a restart', () => {
    const stalled = proposalsFor(families, detection('insitechart_feed_ticks_total_rate', 0));
    assert.deepEqual(
      stalled.map((p) => [p.policy, p.action.kind, p.risk]),
      [['feed-stalled-restart', 'restart', 'medium']],
    );
    assert.equal(stalled[0]?.verifyWithinMs, 30_000);
    const flood = proposalsFor(families, { ...detection('insitechart_feed_ticks_total_rate', 900), score: 0.95 });
    assert.deepEqual(
      flood.map((p) => p.action.kind),
      ['pause-producer'],
    );
  });

  it('fills parameters from the alert labels, and skips a policy whose label is missing', () => {
    const incident: Signal = {
      ...detection('x', 0),
      kind: 'incident',
      labels: { alertname: 'BadDeploy', config_key: 'feed.rate' },
    };
    const [revert] = proposalsFor(families, incident);
    assert.equal(revert?.action.kind, 'revert-config');
    assert.equal(revert.action.params.key, 'feed.rate');
    assert.deepEqual(proposalsFor(families, { ...incident, labels: { alertname: 'Other' } }), []);
  });

  it('maps the fixed checks to their cures, low risk, on the service the check names', () => {
    const check = (name: string, service: string): Signal => ({
      ...detection(`check_${name.replaceAll('-', '_')}`, 1, { service, check: name }),
      score: 1,
      expected: { low: 0, high: 0 },
    });
    const cure = (signal: Signal) =>
      proposalsFor(families, signal).map((p) => [p.action.kind, p.action.service, p.action.params, p.risk]);
    assert.deepEqual(cure(check('feed-stall', 'market-feed')), [
      ['restart', 'market-feed', { feed: 'market-feed' }, 'low'],
    ]);
    assert.deepEqual(cure(check('consumer-lag', 'analytics')), [
      ['scale', 'analytics', { pool: 'analytics-bars', replicas: 3 }, 'low'],
    ]);
    // No pool to scale for the other groups: their consumer restarts.
    assert.deepEqual(cure(check('consumer-lag', 'market-data')), [['restart', 'market-data', {}, 'low']]);
    // A failing service: revert its release if a change of it holds, else restart it (the executor decides which).
    assert.deepEqual(cure(check('error-ratio', 'quotes')), [
      ['restart', 'quotes', { unless_changed: 'release.quotes' }, 'low'],
      ['revert-config', 'quotes', { key: 'release.quotes' }, 'low'],
    ]);
    assert.deepEqual(cure(check('latency', 'quotes')), [
      ['restart', 'quotes', { unless_changed: 'release.quotes' }, 'low'],
    ]);
    assert.deepEqual(cure(check('component-memory', 'analytics')), [['restart', 'analytics', {}, 'low']]);
    // A label that is no service name is not acted on.
    assert.deepEqual(cure(check('error-ratio', 'Quotes; rm')), []);
    for (const none of ['memory-growth', 'disk-growth']) assert.deepEqual(cure(check(none, 'platform')), []);
  });

  it("grows a filling data volume on the alert about its free space, on the claim's service", () => {
    const filling = (labels: Record<string, string>): Signal => ({ ...detection('x', 0), kind: 'incident', labels });
    const grown = proposalsFor(families, filling({ alertname: 'DataVolumeFillingUp', service: 'alerts' }));
    assert.deepEqual(
      grown.map((p) => [p.policy, p.action.kind, p.action.service, p.action.params, p.risk, p.verifyWithinMs]),
      [['data-volume-filling-expand', 'expand-volume', 'alerts', { growPercent: 50 }, 'low', 600_000]],
    );
    assert.deepEqual(proposalsFor(families, filling({ alertname: 'DataVolumeFillingUp' })), [], 'no owner: none');
  });

  it("maps each Kubernetes alert to its cure on the alert's service, and nothing else to them", () => {
    const alert = (labels: Record<string, string>): Signal => ({ ...detection('x', 0), kind: 'incident', labels });
    const cure = (alertname: string, service?: string) =>
      proposalsFor(families, alert({ alertname, ...(service === undefined ? {} : { service }) })).map((p) => [
        p.policy,
        p.action.kind,
        p.action.service,
        p.action.params,
        p.risk,
        p.verifyWithinMs,
        p.restoreAfterMs,
      ]);
    assert.deepEqual(cure('DeployRegression', 'web'), [
      ['deploy-regression-rollback', 'rollback', 'web', {}, 'medium', 600_000, undefined],
    ]);
    assert.deepEqual(cure('SaturatedAtMaxReplicas', 'sentiment'), [
      ['saturated-scale-out', 'scale', 'sentiment', { step: 2 }, 'low', 600_000, 1_800_000],
    ]);
    assert.deepEqual(cure('PodStuckNotReady', 'web'), [
      ['pod-stuck-restart', 'restart', 'web', {}, 'low', 600_000, undefined],
    ]);
    assert.deepEqual(cure('ContainerMemoryLeak', 'alerts'), [
      ['memory-leak-restart', 'restart', 'alerts', {}, 'low', 900_000, undefined],
    ]);
    for (const name of ['DeployRegression', 'SaturatedAtMaxReplicas', 'PodStuckNotReady', 'ContainerMemoryLeak'])
      assert.deepEqual(cure(name), [], `${name} without a service: none`);
    assert.deepEqual(cure('HighErrorRate', 'web'), [], 'the fixed-label platform alerts are not these signals');
    // As a detection (the embedded mode's kind of signal) none of them matches.
    const asDetection = { ...detection('x', 0), labels: { alertname: 'PodStuckNotReady', service: 'web' } };
    assert.deepEqual(
      proposalsFor(families, asDetection).filter((p) => p.policy.endsWith('-restart')),
      [],
    );
  });

  it('ignores signals below the score floor or of another kind', () => {
    assert.deepEqual(proposalsFor(families, { ...detection('insitechart_feed_ticks_total_rate', 0), score: 0.2 }), []);
    assert.deepEqual(
      proposalsFor(families, { ...detection('insitechart_feed_ticks_total_rate', 0), kind: 'incident' }),
      [],
    );
  });

  it('refuses invalid files with the file and the path of the mistake', () => {
    assert.throws(
      () => parseFamily('family: x\nreactive:\n  - name: a\n    on: {signal: detection, match: "up{"}\n', 'bad.yml'),
      /bad\.yml: reactive\.0\.on\.match: .*; reactive\.0\.action: /,
    );
    assert.throws(() => parseFamily('family: x\nunknown: 1\n', 'extra.yml'), /extra\.yml: .*unknown/i);
    assert.throws(() => parseFamily('family: [', 'broken.yml'), /broken\.yml: not YAML/);
    const dir = mkdtempSync(join(tmpdir(), 'policies-'));
    try {
      const one =
        'family: a\nreactive:\n  - {name: same, on: {signal: incident, match: "{a=\\"b\\"}"}, action: {kind: restart, service: s}, risk: low, verify: {within: 10s}}\n';
      writeFileSync(join(dir, 'a.yml'), one);
      writeFileSync(join(dir, 'b.yml'), one.replace('family: a', 'family: b'));
      assert.throws(() => loadPolicies(dir), /policy same is defined twice/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
