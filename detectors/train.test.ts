import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

function train(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['detectors/train.ts', ...args], { cwd: root, env: { PATH: process.env.PATH ?? '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('npm run train -- precursor trains with a progress bar and saves a new version each time', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'train-'));
  try {
    const exported = join(dir, 'runs.jsonl');
    const first = await train(['precursor', '--runs', '24', '--epochs', '2', '--data-dir', dir, '--export', exported]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /epoch 2\/2 .*ETA/);
    const summary = JSON.parse(first.stdout.trim().split('\n').at(-1)!) as { version: number; metrics: Record<string, number> };
    assert.equal(summary.version, 1);
    assert.ok(Number.isFinite(summary.metrics.testEventRecall));
    // Retraining from the exported labelled runs reads them back through the validated format.
    const second = await train(['precursor', '--data', exported, '--epochs', '1', '--data-dir', dir]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal((JSON.parse(second.stdout.trim().split('\n').at(-1)!) as { version: number }).version, 2);
    assert.deepEqual((await readdir(join(dir, 'models', 'precursor'))).sort(), ['000001', '000002']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad arguments and unknown models fail with a message', async () => {
  const bad = await train(['precursor', '--epochs', 'many']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /epochs/);
  const unknown = await train(['nothing']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /models: precursor/);
});
