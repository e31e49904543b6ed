import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlatformControls } from '../../../../platform/runtime/controls.ts';
import { RuntimeSettings } from '../../../../platform/runtime/runtime-settings.ts';
import type { RemediationAction } from '../../executor.ts';
import { LocalExecutor } from './local-executor.ts';

const restart = (service: string, params: RemediationAction['params'] = {}): RemediationAction => ({
  id: `r-${service}`,
  kind: 'restart',
  service,
  params,
});

describe('local executor: restarting a component', () => {
  it("releases what the component's process scope holds, only on a live run", async () => {
    const controls = new PlatformControls(new RuntimeSettings());
    const executor = new LocalExecutor(controls);
    let released = 0;
    controls.components.hold('sentiment', { release: () => (released += 1) });
    const dry = await executor.execute(restart('sentiment'), { dryRun: true });
    assert.equal(dry.ok, true);
    assert.equal(released, 0, 'a dry run releases nothing');
    const live = await executor.execute(restart('sentiment'), { dryRun: false });
    assert.equal(live.ok, true);
    assert.equal(released, 1);
    assert.equal(live.undo, undefined, 'a restart has no inverse');
    assert.equal(executor.replicas(restart('sentiment')), 1);
  });

  it('refuses a restart while a change of the named release setting holds, allows it once that change is undone', async () => {
    const settings = new RuntimeSettings();
    const controls = new PlatformControls(settings);
    const executor = new LocalExecutor(controls);
    const guarded = restart('analytics', { unless_changed: 'release.analytics' });
    assert.equal((await executor.execute(guarded, { dryRun: false })).ok, true, 'no change at all');
    settings.set('release.analytics', 'v2-broken');
    const refused = await executor.execute(guarded, { dryRun: false });
    assert.equal(refused.ok, false);
    assert.match(refused.detail, /release\.analytics holds: revert it/);
    const revert = await executor.execute(
      { id: 'v', kind: 'revert-config', service: 'analytics', params: { key: 'release.analytics' } },
      { dryRun: false },
    );
    assert.equal(revert.ok, true);
    assert.equal(settings.get('release.analytics'), undefined);
    assert.equal((await executor.execute(guarded, { dryRun: false })).ok, true, 'the change was undone');
    settings.set('release.analytics', 'v3');
    assert.equal((await executor.execute(guarded, { dryRun: false })).ok, false, 'a new change holds again');
  });

  it('does not revert a change that undid the one before (that would put the bad value back)', async () => {
    const settings = new RuntimeSettings();
    const executor = new LocalExecutor(new PlatformControls(settings));
    const revert: RemediationAction = {
      id: 'v',
      kind: 'revert-config',
      service: 'analytics',
      params: { key: 'release.analytics' },
    };
    settings.set('release.analytics', 'v1');
    settings.set('release.analytics', 'v2-broken');
    settings.set('release.analytics', 'v1');
    const refused = await executor.execute(revert, { dryRun: false });
    assert.equal(refused.ok, false);
    assert.match(refused.detail, /release\.analytics is back at its earlier value .*nothing to revert/);
    assert.equal(settings.get('release.analytics'), 'v1', 'the broken value is not put back');
    const rollback = await executor.execute({ ...revert, kind: 'rollback', params: {} }, { dryRun: false });
    assert.equal(rollback.ok, false, 'nor by a rollback of the last change');
    settings.set('release.analytics', 'v3-broken');
    assert.equal((await executor.execute(revert, { dryRun: false })).ok, true, 'a new change can be reverted');
    assert.equal(settings.get('release.analytics'), 'v1');
  });

  it('refuses to shed load that is already shed or not there, and still restores it to normal', async () => {
    const controls = new PlatformControls(new RuntimeSettings());
    let limit = 8;
    let waiting = 5;
    controls.admission.set('analytics-compute', {
      normal: 8,
      limit: () => limit,
      setLimit: (n) => (limit = n),
      waiting: () => waiting,
    });
    const executor = new LocalExecutor(controls);
    const shed = (to: number | string): RemediationAction => ({
      id: `t-${String(to)}`,
      kind: 'throttle-source',
      service: 'analytics',
      params: { admission: 'analytics-compute', limit: to },
    });
    const first = await executor.execute(shed(2), { dryRun: false });
    assert.equal(first.ok, true);
    assert.equal(limit, 2);
    const again = await executor.execute(shed(2), { dryRun: false });
    assert.equal(again.ok, false);
    assert.match(again.detail, /already admits 2 waiting/);
    assert.equal(limit, 2, 'nothing changed');
    waiting = 1;
    const idle = await executor.execute(shed(1), { dryRun: false });
    assert.equal(idle.ok, false, 'a shed that would turn nobody away is refused');
    assert.match(idle.detail, /1 waiting, within 1/);
    assert.equal(limit, 2);
    waiting = 2;
    const stricter = await executor.execute(shed(1), { dryRun: false });
    assert.equal(stricter.ok, true, 'a stricter shed still acts');
    assert.deepEqual(stricter.undo?.params, { admission: 'analytics-compute', limit: 2 });
    assert.equal(
      (await executor.execute(stricter.undo ?? shed(2), { dryRun: false })).ok,
      true,
      'its undo is not refused',
    );
    assert.equal(limit, 2);
    assert.equal((await executor.execute(shed('normal'), { dryRun: false })).ok, true);
    assert.equal(limit, 8);
  });
});

describe('local executor: actions that would change nothing are refused', () => {
  const act = (kind: RemediationAction['kind'], params: RemediationAction['params']): RemediationAction => ({
    id: `${kind}-1`,
    kind,
    service: 'market-feed',
    params,
  });

  it('scaling a pool to the size it has (or past its bound, where it already is)', async () => {
    const controls = new PlatformControls(new RuntimeSettings());
    let size = 1;
    controls.pools.set('analytics-bars', {
      min: 1,
      max: 4,
      size: () => size,
      resize: (n) => Promise.resolve(void (size = n)),
    });
    const executor = new LocalExecutor(controls);
    const scale = (replicas: number) => act('scale', { pool: 'analytics-bars', replicas });
    const grown = await executor.execute(scale(4), { dryRun: false });
    assert.equal(grown.ok, true);
    assert.equal(size, 4);
    const same = await executor.execute(scale(4), { dryRun: false });
    assert.equal(same.ok, false);
    assert.match(same.detail, /has 4 members: nothing to scale/);
    assert.equal((await executor.execute(scale(9), { dryRun: true })).ok, false, 'clamped to 4: no change either');
    assert.equal((await executor.execute(grown.undo ?? scale(1), { dryRun: false })).ok, true, 'the undo acts');
    assert.equal(size, 1);
  });

  it('pausing a paused feed, resuming a running one, failing over to the side it is on', async () => {
    const controls = new PlatformControls(new RuntimeSettings());
    const state = { feed: 'market-feed', running: true, paused: false, onFallback: false };
    controls.feeds.set('market-feed', {
      state: () => ({ ...state }),
      restart: () => Promise.resolve(),
      pause: () => Promise.resolve(void (state.paused = true)),
      resume: () => Promise.resolve(void (state.paused = false)),
      useFallback: (on) => Promise.resolve(void (state.onFallback = on)),
    });
    const executor = new LocalExecutor(controls);
    const live = { dryRun: false };
    assert.equal((await executor.execute(act('pause-producer', { resume: true }), live)).ok, false, 'running');
    const pause = await executor.execute(act('pause-producer', {}), live);
    assert.equal(pause.ok, true);
    const again = await executor.execute(act('pause-producer', {}), live);
    assert.deepEqual([again.ok, again.detail], [false, 'market-feed is already paused']);
    assert.equal((await executor.execute(pause.undo ?? act('pause-producer', {}), live)).ok, true, 'resumes');
    assert.equal(state.paused, false);
    assert.equal((await executor.execute(act('failover-feed', { fallback: false }), live)).ok, false, 'primary');
    assert.equal((await executor.execute(act('failover-feed', {}), live)).ok, true);
    assert.equal(state.onFallback, true);
    assert.equal((await executor.execute(act('failover-feed', {}), live)).ok, false, 'already on the fallback');
  });

  it('does not grow volumes: that is Kubernetes (the Pulumi executor)', async () => {
    const executor = new LocalExecutor(new PlatformControls(new RuntimeSettings()));
    assert.equal(executor.supports('expand-volume'), false);
    const r = await executor.execute(act('expand-volume', { growPercent: 50 }), { dryRun: false });
    assert.equal(r.ok, false);
    assert.match(r.detail, /DATA_DIR is a host directory/);
  });
});
