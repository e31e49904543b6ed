import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { servicePath } from '../../detectors/remediation/executors/pulumi/changes.ts';
import { parseStackConfig, serviceSettings, StackConfigError } from './config.ts';
import { everyProcess, platformServices, services } from './services.ts';
import { testConfig } from './testing/mocks.ts';
import { stackConfig, stackNames } from './testing/stacks.ts';

const root = join(import.meta.dirname, '..', '..');

function problems(fields: Readonly<Record<string, unknown>>): readonly string[] {
  try {
    testConfig(fields);
  } catch (error) {
    if (error instanceof StackConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('service catalog', () => {
  it('has one service per Dockerfile target, running the same entrypoint', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const targets = new Map(
      [...dockerfile.matchAll(/^FROM [a-z-]+ AS ([a-z-]+)\nCMD \["([^"]+)"\]/gm)].map((m) => [m[1], m[2]]),
    );
    targets.delete('all');
    assert.ok(targets.size >= 7, 'the Dockerfile lists the service targets');
    assert.deepEqual(new Map(platformServices.map((s) => [s.target, s.entrypoint])), targets);
  });

  it('lists exactly the consumer groups the services subscribe with (KEDA reads their lag)', () => {
    const files = globSync('{platform,collectors,detectors}/**/*.ts', { cwd: root }).filter(
      (f) => !f.endsWith('.test.ts'),
    );
    const inCode = files.flatMap((f) =>
      [...readFileSync(join(root, f), 'utf8').matchAll(/group: '([a-z-]+)',\s*topic: '([a-z.]+)'/g)].map(
        (m) => `${m[1]}@${m[2]}`,
      ),
    );
    assert.ok(inCode.length >= 10, inCode.join());
    const listed = [...services, { consumes: everyProcess }].flatMap((s) =>
      s.consumes.map((c) => `${c.group}@${c.topic}`),
    );
    assert.deepEqual(listed.sort(), inCode.sort());
  });

  it('says why each one-copy service cannot run more copies', () => {
    for (const s of services) assert.equal(s.instances === 'single', s.why !== undefined, s.name);
  });
});

describe('stack configuration', () => {
  it('validates every committed stack file', () => {
    for (const stack of stackNames) {
      const config = stackConfig(stack);
      assert.equal(config.environment, stack);
    }
  });

  it('keeps a commit sha as a string (1234e56 is not a number)', () => {
    const config = stackConfig('prod', { imageTag: '1234e56' });
    assert.equal(config.imageTag, '1234e56');
    assert.equal(serviceSettings(config, 'web').imageTag, '1234e56');
  });

  it('takes a canary weight set by the deploy workflow as text', () => {
    assert.equal(stackConfig('prod', { canaryWeight: '10' }).canaryWeight, 10);
  });

  it('names each bad key', () => {
    const found = problems({
      imageTag: 'bad tag',
      strategy: 'big-bang',
      canary: { weights: [50, 10] },
      services: { web: { replicaz: 2 } },
    });
    assert.ok(
      found.some((p) => p.startsWith('insitechart:imageTag: must be an image tag')),
      found.join('\n'),
    );
    assert.ok(found.some((p) => p.startsWith('insitechart:strategy:')));
    assert.ok(found.some((p) => p === 'insitechart:canary.weights: weights must increase'));
    assert.ok(found.some((p) => p === 'insitechart:services.web.replicaz: unknown key'));
  });

  it('refuses services it does not know and more than one copy of a one-copy service', () => {
    const found = problems({ services: { nope: {}, alerts: { replicas: 2 }, analytics: { strategy: 'canary' } } });
    assert.ok(
      found.some((p) => p.startsWith('insitechart:services.nope: unknown service')),
      found.join('\n'),
    );
    assert.ok(found.some((p) => p.startsWith('insitechart:services.alerts: runs one copy')));
    assert.ok(found.some((p) => p === 'insitechart:services.analytics.strategy: one copy: no canary'));
  });

  it('sizes data volumes only for persistent services, never above their maximum', () => {
    const found = problems({
      services: {
        web: { storageGi: 20 },
        alerts: { storageGi: 60, maxStorageGi: 40 },
        'market-data': { storageGi: 60 },
      },
    });
    assert.deepEqual([...found].sort(), [
      'insitechart:services.alerts.storageGi: above maxStorageGi',
      'insitechart:services.web: has no data volume',
    ]);
    const grown = serviceSettings(testConfig({ services: { 'market-data': { storageGi: 60 } } }), 'market-data');
    assert.deepEqual(
      [grown.storageGi, grown.maxStorageGi],
      [60, 60],
      'set above the default maximum: it is the maximum',
    );
  });

  it('rejects an unknown top-level key (a typo never passes silently)', () => {
    assert.deepEqual(problems({ replicaz: 3 }), ['insitechart:replicaz: unknown key']);
  });

  it('applies service overrides over the stack defaults', () => {
    const config = parseStackConfig({
      ...testConfig(),
      strategy: 'canary',
      services: { web: { imageTag: 'v2', replicas: 4, canaryWeight: 30 } },
    });
    const web = serviceSettings(config, 'web');
    assert.deepEqual([web.imageTag, web.replicas, web.maxReplicas, web.canaryWeight], ['v2', 4, 16, 30]);
    const alerts = serviceSettings(config, 'alerts');
    assert.deepEqual([alerts.imageTag, alerts.replicas, alerts.strategy], ['abc123', 1, 'rolling']);
  });
});

describe('the Pulumi executor and the program agree on the keys', () => {
  /** What `pulumi config set --path 'services["web"].replicas' 6` does to the stack's `services` object. */
  function setPath(services: Record<string, Record<string, string>>, path: string, value: string): void {
    const m = /^services\["([a-z-]+)"\]\.([A-Za-z]+)$/.exec(path);
    assert.ok(m?.[1] !== undefined && m[2] !== undefined, path);
    services[m[1]] = { ...services[m[1]], [m[2]]: value };
  }

  it('reads every value the executor writes, as the executor means it', () => {
    const services: Record<string, Record<string, string>> = {};
    setPath(services, servicePath('web', 'replicas'), '6');
    setPath(services, servicePath('web', 'canaryWeight'), '0');
    setPath(services, servicePath('web', 'imageTag'), 'v1');
    setPath(services, servicePath('web', 'restartedAt'), '2026-12-07T04:00:00.000Z');
    setPath(services, servicePath('sentiment', 'previousImageTag'), 'v0');
    setPath(services, servicePath('alerts', 'storageGi'), '15');
    const web = serviceSettings(testConfig({ services }), 'web');
    assert.deepEqual(
      [web.replicas, web.canaryWeight, web.imageTag, web.restartedAt],
      [6, 0, 'v1', '2026-12-07T04:00:00.000Z'],
    );
    assert.equal(serviceSettings(testConfig({ services }), 'alerts').storageGi, 15);
    assert.equal(serviceSettings(testConfig({ services }), 'sentiment').previousImageTag, 'v0');
    setPath(services, servicePath('web', 'maxReplicas'), '9');
    assert.equal(serviceSettings(testConfig({ services }), 'web').maxReplicas, 9);
  });

  it('bounds what a scale-out may raise an autoscaler to, and records no previous tag equal to the live one', () => {
    const web = (o: Record<string, unknown>, top: Record<string, unknown> = {}) =>
      serviceSettings(testConfig({ ...top, services: { web: o } }), 'web');
    assert.deepEqual([web({ maxReplicas: 12 }).maxReplicasLimit, web({ maxReplicas: 80 }).maxReplicasLimit], [24, 100]);
    assert.equal(web({ maxReplicas: 12, maxReplicasLimit: 16 }).maxReplicasLimit, 16);
    assert.equal(serviceSettings(testConfig({}), 'alerts').maxReplicasLimit, 1);
    assert.throws(
      () => testConfig({ services: { web: { maxReplicas: 12, maxReplicasLimit: 8 } } }),
      /below maxReplicas/,
    );
    assert.throws(() => testConfig({ services: { alerts: { maxReplicasLimit: 3 } } }), /runs one copy/);
    assert.equal(web({}, { imageTag: 'v2', previousImageTag: 'v1' }).previousImageTag, 'v1');
    assert.equal(web({}, { imageTag: 'v2', previousImageTag: 'v2' }).previousImageTag, undefined);
    assert.equal(web({ imageTag: 'v1' }, { imageTag: 'v2', previousImageTag: 'v1' }).previousImageTag, undefined);
  });
});

describe('the workflows and the stacks', () => {
  const workflows = ['deploy.yml', 'pulumi-preview.yml'].map((f) =>
    readFileSync(join(root, '.github', 'workflows', f), 'utf8'),
  );

  it('deploy and preview only stacks that exist', () => {
    const named = workflows.flatMap((w) => [...w.matchAll(/stack(?:-name)?: ([a-z]+)$/gm)].map((m) => m[1]));
    assert.ok(named.length >= 5, named.join());
    for (const stack of named) assert.ok((stackNames as readonly (string | undefined)[]).includes(stack), stack);
  });

  it('set only configuration the program validates: the image tag, the one before it, and their own keys', () => {
    // Each update's config-map is deploy-config.sh's: imageTag, previousImageTag (when one was live) and the extra.
    const calls = workflows.flatMap((w) => [...w.matchAll(/deploy-config\.sh ([a-z]+) "\$TAG" '(.+)'\)$/gm)]);
    assert.equal(calls.length, 4);
    for (const [, stack = '', extra = ''] of calls) {
      const map = JSON.parse(extra) as Record<string, { value: string }>;
      const overrides = Object.fromEntries(
        Object.entries(map).map(([k, v]) => [k.replace(/^insitechart:/, ''), v.value]),
      );
      const config = stackConfig(stack, { ...overrides, imageTag: '0123abc', previousImageTag: '0123abb' });
      assert.equal(config.imageTag, '0123abc');
      assert.equal(serviceSettings(config, 'web').previousImageTag, '0123abb');
    }
  });
});
