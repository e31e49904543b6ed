import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it, mock } from 'node:test';
import { injectRequest, limits, type InjectRequest } from './kinds.ts';
import { serviceOfApiPath } from '../http/api-services.ts';
import { FaultRegistry } from './registry.ts';
import { ProcessScopes } from '../runtime/process-scopes.ts';
import { RuntimeSettings } from '../runtime/runtime-settings.ts';

const dir = mkdtempSync(join(tmpdir(), 'faults-registry-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const req = (input: Record<string, unknown>): InjectRequest => injectRequest.parse(input);

describe('fault registry: each kind has its effect and clearing removes it', () => {
  // Expiry and disk growth run on the registry's own timers: the tests that wait for them move a mocked clock.
  afterEach(() => {
    mock.timers.reset();
  });

  it('latency delays the target service only, and clears', () => {
    const registry = new FaultRegistry(dir);
    const fault = registry.inject(req({ kind: 'latency', service: 'analytics', intensity: 300 }));
    assert.equal(registry.request('analytics').delayMs, 300);
    assert.equal(registry.request('market-data').delayMs, 0);
    assert.ok(registry.clear(fault.id));
    assert.equal(registry.request('analytics').delayMs, 0);
    assert.equal(registry.clear(fault.id), false, 'a cleared fault is gone');
  });

  it('error rate and bad deploy fail a share of requests; a bad deploy bumps the configuration and reverts', () => {
    const scopes = new ProcessScopes();
    const registry = new FaultRegistry(dir, undefined, undefined, scopes);
    registry.inject(req({ kind: 'error-rate', service: 'sentiment', intensity: 0.25 }));
    assert.equal(registry.request('sentiment').failShare, 0.25);
    registry.inject(req({ kind: 'bad-deploy', service: 'market-data' }));
    assert.deepEqual(registry.configVersions(), { 'market-data': 2 });
    assert.match(registry.request('market-data').reason, /configuration v2 of market-data/);
    assert.equal(scopes.restart('market-data'), 0, 'a restart does not cure a bad configuration');
    assert.equal(registry.request('market-data').failShare, 1);
    assert.equal(registry.revertConfig('market-data'), 1);
    assert.deepEqual(registry.configVersions(), {});
    assert.equal(registry.request('market-data').failShare, 0);
    assert.equal(scopes.restart('sentiment'), 1, 'a restart clears a wedged service');
    assert.equal(registry.list().length, 0);
    assert.equal(registry.request('sentiment').failShare, 0);
  });

  it('with runtime settings, a bad deploy is a recorded change of release.<service>; undoing the change cures it', () => {
    const settings = new RuntimeSettings();
    settings.set('release.sentiment', 'v1');
    const registry = new FaultRegistry(dir, undefined, settings);
    const fault = registry.inject(req({ kind: 'bad-deploy', service: 'sentiment' }));
    const change = settings.history().at(-1);
    assert.equal(change?.key, 'release.sentiment');
    assert.equal(change.before, 'v1');
    assert.match(settings.get('release.sentiment') ?? '', /^v2-broken-/);
    assert.equal(registry.request('sentiment').failShare, 1);
    settings.set('release.sentiment', change.before);
    assert.equal(registry.request('sentiment').failShare, 0, 'the service runs the previous release again');
    assert.equal(registry.get(fault.id), undefined, 'the fault ended with its release');
    assert.equal(settings.get('release.sentiment'), 'v1', 'its end does not touch a setting changed since');
  });

  it('a bad deploy that expires rolls its own release back', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const settings = new RuntimeSettings();
    const registry = new FaultRegistry(dir, undefined, settings);
    registry.inject(req({ kind: 'bad-deploy', service: 'sentiment', duration: 1_000 }));
    assert.notEqual(settings.get('release.sentiment'), undefined);
    mock.timers.tick(999);
    assert.notEqual(settings.get('release.sentiment'), undefined, 'not before its expiry');
    mock.timers.tick(1);
    assert.equal(settings.get('release.sentiment'), undefined);
    assert.equal(registry.request('sentiment').failShare, 0);
  });

  it("a memory leak really holds memory in its target's scope, bounded; a restart of the target gives it back", async () => {
    const scopes = new ProcessScopes();
    const registry = new FaultRegistry(dir, undefined, undefined, scopes);
    const before = process.memoryUsage.rss();
    const fault = registry.inject(req({ kind: 'memory-leak', intensity: 16_000_000, maxBytes: 40_000_000 }));
    for (let waited = 0; waited < 10_000 && registry.get(fault.id)?.heldBytes !== 40_000_000; waited += 200)
      await sleep(200);
    await sleep(1_100);
    assert.equal(registry.get(fault.id)?.heldBytes, 40_000_000, 'grows to its bound and no further');
    const leaking = process.memoryUsage.rss();
    assert.ok(leaking - before >= 36_000_000, `the process holds it: +${String(leaking - before)} bytes`);
    const held = (await scopes.memory())[fault.service] ?? 0;
    assert.ok(held >= 40_000_000, `the target's scope measures it in its thread: ${String(held)}`);
    assert.equal(scopes.restart(fault.service), 1);
    await sleep(500);
    assert.ok(leaking - process.memoryUsage.rss() >= 30_000_000, 'resident memory given back');
    assert.deepEqual(registry.list(), []);
    assert.deepEqual(await scopes.memory(), { [fault.service]: 0 }, 'the scope holds nothing after its restart');
  });

  it('disk filling writes a bounded file in DATA_DIR and deletes it when cleared', () => {
    mock.timers.enable({ apis: ['setInterval'] });
    const registry = new FaultRegistry(dir);
    const fault = registry.inject(req({ kind: 'disk-fill', intensity: 2_000_000, maxBytes: 5_000_000 }));
    const path = join(dir, 'faults', `${fault.id}.fill`);
    assert.equal(statSync(path).size, 2_000_000, 'the first second at once');
    mock.timers.tick(1_000);
    assert.equal(statSync(path).size, 4_000_000);
    mock.timers.tick(2_000);
    assert.equal(statSync(path).size, 5_000_000, 'grows to its bound and no further');
    registry.clear(fault.id);
    assert.equal(existsSync(path), false);
  });

  it('feed stall and consumer lag answer their fault points until a restart ends them', () => {
    const scopes = new ProcessScopes();
    const registry = new FaultRegistry(dir, undefined, undefined, scopes);
    registry.inject(req({ kind: 'feed-stall' }));
    registry.inject(req({ kind: 'consumer-lag', service: 'analytics', intensity: 100 }));
    assert.equal(registry.feedStalled(0), true, 'hangs the feed run that was going');
    assert.equal(registry.feedStalled(Date.now() + 1), false, 'a run started after the fault is not hung');
    assert.equal(registry.consumerDelayMs('analytics'), 100);
    assert.equal(registry.consumerDelayMs('market-data'), 0);
    assert.equal(scopes.restart('market-feed'), 0, 'the feed restarts through its own port: a new run');
    assert.equal(scopes.restart('analytics'), 1, "a restart of the consumer's service ends its slowness");
    assert.equal(registry.consumerDelayMs('analytics'), 0);
    assert.equal(registry.clearAll(), 1);
    assert.equal(registry.feedStalled(0), false);
  });

  it('ends a fault at its expiry and reports each change', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const events: string[] = [];
    const registry = new FaultRegistry(dir, (event, fault, why) => events.push(`${event} ${fault.kind} ${why}`));
    registry.inject(req({ kind: 'feed-stall', duration: '1s' }));
    mock.timers.tick(999);
    assert.equal(registry.feedStalled(0), true, 'not before its expiry');
    mock.timers.tick(1);
    assert.equal(registry.feedStalled(0), false);
    assert.deepEqual(events, ['injected feed-stall injected', 'cleared feed-stall expired']);
  });

  it('holds at most maxActive faults', () => {
    const registry = new FaultRegistry(dir);
    for (let i = 0; i < limits.maxActive; i += 1) registry.inject(req({ kind: 'latency', intensity: 1 }));
    assert.throws(() => registry.inject(req({ kind: 'latency' })), /at most/);
    assert.equal(registry.clearAll(), limits.maxActive);
  });

  it('parses durations and refuses what is out of bounds', () => {
    assert.equal(req({ kind: 'latency', duration: '2m' }).duration, 120_000);
    assert.equal(req({ kind: 'latency', duration: '1500ms' }).duration, 1500);
    for (const bad of [
      { kind: 'latency', duration: '16m' },
      { kind: 'latency', duration: '1h' },
      { kind: 'latency', intensity: 60_000 },
      { kind: 'error-rate', intensity: 2 },
      { kind: 'memory-leak', maxBytes: 10 * 1024 ** 3 },
      { kind: 'feed-stall', service: 'analytics' },
      { kind: 'reboot' },
      { kind: 'latency', extra: 1 },
    ])
      assert.equal(injectRequest.safeParse(bad).success, false, JSON.stringify(bad));
  });

  it('maps API paths to their service', () => {
    assert.equal(serviceOfApiPath('/quotes/AAPL'), 'market-data');
    assert.equal(serviceOfApiPath('/api/analytics/granger'), 'analytics');
    assert.equal(serviceOfApiPath('/faults'), undefined);
    assert.equal(serviceOfApiPath('/quotesx'), undefined);
  });
});
