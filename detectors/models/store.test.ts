import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModelStore } from './store.ts';

const model = (acc: number) => ({
  format: 'test/v1',
  trainingData: { runs: 10, source: 'simulated' },
  metrics: { accuracy: acc },
  files: { 'weights.json': `{"acc":${String(acc)}}` },
});

test('saves versions, reloads the newest, prunes old ones', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'models-'));
  try {
    const store = createModelStore(dir, { keep: 2 });
    assert.equal(await store.latest('precursor'), undefined);
    const first = await store.save('precursor', model(0.8));
    assert.equal(first.version, 1);
    await store.save('precursor', model(0.85));
    const third = await store.save('precursor', model(0.9));
    assert.equal(third.version, 3);
    assert.deepEqual(await store.versions('precursor'), [2, 3]);
    // A fresh store (a restart) finds the newest version and its files.
    const latest = await createModelStore(dir).latest('precursor');
    assert.equal(latest?.manifest.version, 3);
    assert.equal(latest.manifest.metrics.accuracy, 0.9);
    assert.equal(latest.manifest.trainingData.source, 'simulated');
    assert.ok(!Number.isNaN(Date.parse(latest.manifest.createdAt)));
    assert.equal((await latest.read('weights.json')).toString(), '{"acc":0.9}');
    await assert.rejects(latest.read('../../etc/passwd'));
    // No temporary folders are left behind.
    assert.deepEqual((await readdir(join(dir, 'models', 'precursor'))).sort(), ['000002', '000003']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a damaged newest version is skipped; bad names are refused; concurrent saves get distinct versions', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'models-'));
  try {
    const store = createModelStore(dir, { keep: 10 });
    await store.save('precursor', model(0.7));
    await mkdir(join(dir, 'models', 'precursor', '000002'));
    await writeFile(join(dir, 'models', 'precursor', '000002', 'manifest.json'), '{"truncated":');
    assert.equal((await store.latest('precursor'))?.manifest.version, 1);
    await assert.rejects(store.save('../evil', model(1)), /invalid model name/);
    await assert.rejects(store.save('ok', { ...model(1), files: { '../x': 'y' } }), /invalid model file name/);
    const saved = await Promise.all([
      store.save('race', model(1)),
      store.save('race', model(2)),
      store.save('race', model(3)),
    ]);
    assert.deepEqual(saved.map((m) => m.version).sort(), [1, 2, 3]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
