import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RemediationAction } from '../../executor.ts';
import { PulumiExecutor } from './executor.ts';
import { FakeStack } from './fake-stack.ts';
import type { RunOptions } from './stack-port.ts';

const services = ['web', 'sentiment', 'market-data'];
/** Whether the stack saw a call (a function, so an earlier assertion on calls does not narrow its type). */
const ran = (stack: FakeStack, call: string): boolean => stack.calls.includes(call);
const clock = () => new Date('2026-12-07T04:00:00.000Z');
const setup = (options: { refreshFirst?: boolean; maxQueued?: number } = {}) => {
  const stack = new FakeStack();
  return { stack, executor: new PulumiExecutor({ stack, services, now: clock, ...options }) };
};
const action = (
  kind: RemediationAction['kind'],
  params: RemediationAction['params'],
  service = 'web',
): RemediationAction => ({
  id: 'a1',
  kind,
  service,
  params,
});
const live = { dryRun: false };
const replicas = 'services["web"].replicas';

describe('Pulumi executor: configuration per action kind', () => {
  it('scale sets the service replicas, runs an update, and returns the undo to the previous count', async () => {
    const { stack, executor } = setup();
    stack.config.set(replicas, '3');
    const r = await executor.execute(action('scale', { replicas: 6 }), live);
    assert.equal(r.ok, true, r.detail);
    assert.deepEqual(stack.calls, [`get ${replicas}`, `set ${replicas}=6`, 'up']);
    assert.equal(stack.seenByEngine?.get(replicas), '6');
    assert.equal(r.detail, 'scale: services["web"].replicas 3 -> 6 on acme/insitechart/prod');
    assert.deepEqual(r.undo, { id: 'a1:undo', kind: 'scale', service: 'web', params: { replicas: 3 } });
    const back = await executor.execute(r.undo, live);
    assert.equal(back.ok, true);
    assert.equal(stack.config.get(replicas), '3');
  });

  it('undoes a change of a key that was unset by removing it again (the stack default applies)', async () => {
    const { stack, executor } = setup();
    const r = await executor.execute(action('canary-weight', { weight: 0 }, 'sentiment'), live);
    assert.equal(stack.seenByEngine?.get('services["sentiment"].canaryWeight'), '0');
    assert.deepEqual(r.undo?.params, { reset: true });
    await executor.execute(r.undo, live);
    assert.equal(stack.config.has('services["sentiment"].canaryWeight'), false);
    assert.deepEqual(stack.calls.slice(-2), ['rm services["sentiment"].canaryWeight', 'up']);
  });

  it('rollback sets the image tag given, or the recorded previous tag', async () => {
    const { stack, executor } = setup();
    stack.config.set('services["web"].imageTag', 'v2');
    const given = await executor.execute(action('rollback', { imageTag: 'v1' }), live);
    assert.equal(stack.seenByEngine?.get('services["web"].imageTag'), 'v1');
    assert.deepEqual(given.undo?.params, { imageTag: 'v2' });
    stack.config.set('services["web"].previousImageTag', 'v0');
    const recorded = await executor.execute(action('rollback', {}), live);
    assert.equal(recorded.ok, true, recorded.detail);
    assert.equal(stack.config.get('services["web"].imageTag'), 'v0');
  });

  it('refuses a rollback with nowhere to go, before any change', async () => {
    const { stack, executor } = setup();
    const r = await executor.execute(action('rollback', {}), live);
    assert.deepEqual(r, {
      ok: false,
      detail: 'rollback of web: no imageTag given and no previousImageTag recorded (a person decides)',
    });
    // The service's own record, then the stack's (the deploy workflow's); nothing set, nothing run.
    assert.deepEqual(stack.calls, ['get services["web"].previousImageTag', 'get insitechart:previousImageTag']);
  });

  it('restart stamps the pod template (no undo: the pods are new either way)', async () => {
    const { stack, executor } = setup();
    const r = await executor.execute(action('restart', {}, 'market-data'), live);
    assert.equal(stack.seenByEngine?.get('services["market-data"].restartedAt'), '2026-12-07T04:00:00.000Z');
    assert.equal(r.ok, true);
    assert.equal(r.undo, undefined);
  });

  it('handles only what the stack can change, on its own services, with valid params', async () => {
    const { stack, executor } = setup();
    assert.deepEqual(
      (
        ['scale', 'restart', 'rollback', 'canary-weight', 'expand-volume', 'throttle-source', 'pause-producer'] as const
      ).map((k) => executor.supports(k)),
      [true, true, true, true, true, false, false],
    );
    const refused = await Promise.all([
      executor.execute(action('throttle-source', {}), live),
      executor.execute(action('scale', { replicas: 3 }, 'kafka'), live),
      executor.execute(action('scale', { replicas: 0 }), live),
      executor.execute(action('scale', { replicas: '3' }), live),
      executor.execute(action('rollback', { imageTag: '../etc' }), live),
      executor.execute(action('canary-weight', { weight: 30, extra: true }), live),
    ]);
    assert.deepEqual(
      refused.map((r) => r.ok),
      [false, false, false, false, false, false],
    );
    assert.equal(refused[0].detail, 'the pulumi executor does not handle throttle-source');
    assert.equal(refused[1].detail, 'unknown service kafka (stack acme/insitechart/prod)');
    assert.match(refused[2].detail, /^scale: bad params/);
    assert.deepEqual(stack.calls, []);
  });
});

describe('Pulumi executor: the deployed configuration', () => {
  it('takes the image tag and strategy of the last update before changing anything', async () => {
    const { stack, executor } = setup();
    stack.config.set('insitechart:imageTag', 'latest');
    stack.deployed = { 'insitechart:imageTag': '0123abc', 'insitechart:strategy': 'canary', 'insitechart:other': 'x' };
    const r = await executor.execute(action('scale', { replicas: 4 }), live);
    assert.equal(r.ok, true);
    assert.equal(stack.seenByEngine?.get('insitechart:imageTag'), '0123abc');
    assert.equal(stack.seenByEngine.get('insitechart:strategy'), 'canary');
    assert.equal(stack.seenByEngine.has('insitechart:other'), false);
    assert.equal(stack.seenByEngine.get(replicas), '4');
  });
});

describe('Pulumi executor: dry run, failures, abort', () => {
  it('a dry run previews with the change in place, never updates, and leaves the configuration as it was', async () => {
    const { stack, executor } = setup();
    stack.config.set(replicas, '3');
    const r = await executor.execute(action('scale', { replicas: 5 }), { dryRun: true });
    assert.equal(r.ok, true);
    assert.equal(stack.seenByEngine?.get(replicas), '5');
    assert.ok(!stack.calls.includes('up'));
    assert.equal(stack.config.get(replicas), '3');
    assert.equal(r.undo, undefined);
    assert.match(r.detail, /^dry run: .* 3 -> 5 .*; preview: update 1; configuration restored/);
  });

  it('a failed update is ok:false with the engine output and the configuration restored', async () => {
    const { stack, executor } = setup();
    stack.config.set(replicas, '3');
    stack.upResult = () => Promise.reject(new Error('resource web was not ready: 0/6 pods available'));
    const r = await executor.execute(action('scale', { replicas: 6 }), live);
    assert.equal(r.ok, false);
    assert.equal(r.undo, undefined);
    assert.match(r.detail, /^update failed: resource web was not ready/);
    assert.ok(r.detail.includes('line 30') && !r.detail.includes('line 10\n'), 'keeps the last 20 lines only');
    assert.match(r.detail, /configuration restored \(services\["web"\]\.replicas = 3\)$/);
    assert.equal(stack.config.get(replicas), '3');
  });

  it('an update the engine reports as failed is a failure too', async () => {
    const { stack, executor } = setup();
    stack.upResult = () => Promise.resolve('failed');
    const r = await executor.execute(action('canary-weight', { weight: 50 }), live);
    assert.equal(r.ok, false);
    assert.match(r.detail, /^update failed: update failed/);
    assert.equal(stack.config.has('services["web"].canaryWeight'), false);
  });

  it('after a failed update refuses live updates for the backoff (dry runs still preview), then tries again', async () => {
    const stack = new FakeStack();
    let now = Date.parse('2026-12-07T04:00:00.000Z');
    const executor = new PulumiExecutor({ stack, services, now: () => new Date(now), failureBackoffMs: 60_000 });
    stack.upResult = () => Promise.reject(new Error('PersistentVolumeClaim alerts-data: forbidden\nmore'));
    assert.equal((await executor.execute(action('scale', { replicas: 4 }), live)).ok, false);
    stack.upResult = () => Promise.resolve('succeeded');
    stack.calls.length = 0;
    now += 59_000;
    const refused = await executor.execute(action('scale', { replicas: 4 }), live);
    assert.deepEqual(refused, {
      ok: false,
      detail:
        'the last update of acme/insitechart/prod failed; no update before 2026-12-07T04:01:00.000Z: ' +
        'PersistentVolumeClaim alerts-data: forbidden',
    });
    assert.deepEqual(stack.calls, [], 'nothing read, set or run');
    assert.equal((await executor.execute(action('scale', { replicas: 4 }), { dryRun: true })).ok, true, 'preview');
    now += 1_000;
    assert.equal((await executor.execute(action('scale', { replicas: 4 }), live)).ok, true, 'after the backoff');
  });

  it('an abort before the start changes nothing; during the update it stops and restores', async () => {
    const { stack, executor } = setup();
    const early = new AbortController();
    early.abort();
    const before = await executor.execute(action('scale', { replicas: 4 }), { dryRun: false, signal: early.signal });
    assert.deepEqual(before, { ok: false, detail: 'aborted before any change' });
    assert.deepEqual(stack.calls, []);

    const during = new AbortController();
    let passed: AbortSignal | undefined;
    stack.up = (o: RunOptions) => {
      passed = o.signal;
      stack.calls.push('up');
      return new Promise<string>((_, reject) => {
        o.signal?.addEventListener('abort', () => {
          reject(new Error('update canceled'));
        });
      });
    };
    const pending = executor.execute(action('scale', { replicas: 4 }), { dryRun: false, signal: during.signal });
    while (!ran(stack, 'up')) await new Promise((r) => setImmediate(r));
    during.abort();
    const r = await pending;
    assert.equal(passed, during.signal);
    assert.equal(r.ok, false);
    assert.match(r.detail, /^aborted: update canceled/);
    assert.equal(stack.config.has(replicas), false);
  });

  it('refreshes before a live update when asked, never in a dry run', async () => {
    const { stack, executor } = setup({ refreshFirst: true });
    await executor.execute(action('scale', { replicas: 2 }), live);
    assert.equal(stack.calls[0], 'refresh');
    stack.calls.length = 0;
    await executor.execute(action('scale', { replicas: 3 }), { dryRun: true });
    assert.ok(!stack.calls.includes('refresh'));
  });

  it('runs one action at a time on the stack and refuses beyond its queue bound', async () => {
    const { stack, executor } = setup({ maxQueued: 2 });
    let release: (v: string) => void = () => undefined;
    stack.upResult = () =>
      new Promise<string>((resolve) => {
        release = resolve;
      });
    const first = executor.execute(action('scale', { replicas: 2 }), live);
    const second = executor.execute(action('canary-weight', { weight: 10 }), live);
    const third = await executor.execute(action('restart', {}), live);
    assert.equal(third.ok, false);
    assert.match(third.detail, /busy: 2 actions waiting/);
    while (!ran(stack, 'up')) await new Promise((r) => setImmediate(r));
    assert.ok(!stack.calls.some((c) => c.includes('canaryWeight')), 'the second waits for the first update');
    release('succeeded');
    assert.equal((await first).ok, true);
    while (stack.calls.filter((c) => c === 'up').length < 2) await new Promise((r) => setImmediate(r));
    release('succeeded');
    assert.equal((await second).ok, true);
  });
});

describe('Pulumi executor: growing a data volume', () => {
  const volumes = (expandable: boolean, sizeGi = 10, maxGi = 40) => ({
    dataVolumes: {
      alerts: { claim: 'alerts-data', sizeGi, maxGi, storageClass: 'fast-ssd', expandable },
      'market-data': { claim: 'market-data-data', sizeGi: 10, maxGi: 50, storageClass: 'fast-ssd', expandable },
    },
  });
  const grow = (service = 'alerts', growPercent: unknown = 50) =>
    action('expand-volume', { growPercent } as RemediationAction['params'], service);
  const storage = 'services["alerts"].storageGi';
  const setupVolumes = () => {
    const stack = new FakeStack();
    return { stack, executor: new PulumiExecutor({ stack, services: [...services, 'alerts'], now: clock }) };
  };

  it('grows the deployed size by the share asked, within the maximum, with no undo (a claim cannot shrink)', async () => {
    const { stack, executor } = setupVolumes();
    stack.stackOutputs = volumes(true);
    const r = await executor.execute(grow(), live);
    assert.equal(r.ok, true, r.detail);
    assert.deepEqual(stack.calls, ['outputs', `get ${storage}`, `set ${storage}=15`, 'up']);
    assert.equal(stack.seenByEngine?.get(storage), '15');
    assert.equal(r.undo, undefined);
    assert.match(r.detail, /alerts-data 10 -> 15 Gi \(at most 40\); a claim cannot shrink: no undo/);
    stack.stackOutputs = volumes(true, 30);
    assert.equal((await executor.execute(grow('alerts', 100), live)).ok, true);
    assert.equal(stack.config.get(storage), '40', 'cut to the maximum');
  });

  it('refuses before any change: a class without expansion, at the maximum, no volume, no outputs, bad params', async () => {
    const { stack, executor } = setupVolumes();
    const cases: [Record<string, unknown> | undefined, RemediationAction, RegExp][] = [
      [volumes(false), grow(), /alerts-data: fast-ssd does not allow volume expansion/],
      [volumes(true, 40), grow(), /alerts-data is at its maximum of 40 Gi/],
      [volumes(true), grow('web'), /web has no data volume/],
      [undefined, grow(), /the stack exports no valid dataVolumes/],
      [{ dataVolumes: { alerts: { claim: 'alerts-data', sizeGi: '10' } } }, grow(), /no valid dataVolumes/],
      [volumes(true), grow('alerts', 500), /^expand-volume: bad params/],
    ];
    for (const [outputs, a, why] of cases) {
      stack.stackOutputs = outputs;
      const r = await executor.execute(a, live);
      assert.equal(r.ok, false, why.source);
      assert.match(r.detail, why);
    }
    assert.ok(!stack.calls.some((c) => c.startsWith('set') || c === 'up' || c === 'preview'), stack.calls.join());
  });

  it('previews a growth in a dry run and leaves the size as it was', async () => {
    const { stack, executor } = setupVolumes();
    stack.stackOutputs = volumes(true);
    const r = await executor.execute(grow(), { dryRun: true });
    assert.equal(r.ok, true, r.detail);
    assert.equal(stack.seenByEngine?.get(storage), '15', 'the preview saw the bigger claim');
    assert.equal(stack.config.has(storage), false);
    assert.ok(!ran(stack, 'up'));
  });
});

describe('Pulumi executor: a change to what is already set', () => {
  it('is refused without an update (it would change nothing)', async () => {
    const { stack, executor } = setup();
    stack.config.set(replicas, '4');
    const r = await executor.execute(action('scale', { replicas: 4 }), live);
    assert.deepEqual(r, { ok: false, detail: 'services["web"].replicas is already 4' });
    assert.equal((await executor.execute(action('canary-weight', { reset: true }), live)).ok, false, 'unset already');
    assert.ok(!ran(stack, 'up'));
    assert.equal((await executor.execute(action('restart', {}), live)).ok, true, 'a restart always stamps anew');
  });
});
