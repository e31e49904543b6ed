import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCache } from '../platform/testing/process.ts';
import { LearnedFamilies } from './service/learned-families.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

function train(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['detectors/train.ts', ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? '', ...compileCache() } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

test('npm run train -- precursor trains with a progress bar and saves a new version each time', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'train-'));
  try {
    const exported = join(dir, 'runs.jsonl');
    const first = await train(['precursor', '--runs', '24', '--epochs', '2', '--data-dir', dir, '--export', exported]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /epoch 2\/2 .*ETA/);
    const summary = JSON.parse(first.stdout.trim().split('\n').at(-1)!) as {
      version: number;
      metrics: Record<string, number>;
    };
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
  assert.match(unknown.stderr, /models: precursor, forecaster/);
});

test('npm run train -- forecaster trains a family forecaster from CSV files, which the detector service loads', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'train-forecaster-'));
  try {
    const csv = join(dir, 'csv', 'sub');
    await mkdir(csv, { recursive: true });
    for (const [i, phase] of [0, 1, 2].entries()) {
      const rows = Array.from(
        { length: 400 },
        (_, t) => `2024-01-01 00:${String(t).padStart(4, '0')},${String(100 + 10 * Math.sin(t / 8 + phase))}`,
      );
      await writeFile(join(csv, `s${String(i)}.csv`), `timestamp,value\n${rows.join('\n')}\n`);
    }
    const models = join(dir, 'data');
    const run = await train([
      'forecaster',
      '--family',
      'http_requests',
      '--data',
      join(dir, 'csv'),
      '--epochs',
      '2',
      '--data-dir',
      models,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /3 series, 1200 points/);
    assert.match(run.stderr, /epoch 2\/2 .*ETA/);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      model: string;
      version: number;
      samples: number;
    };
    assert.deepEqual([summary.model, summary.version], ['forecaster-http_requests', 1]);
    assert.ok(summary.samples > 1000);
    assert.deepEqual(await new LearnedFamilies().load(models), ['forecaster-http_requests']);

    await writeFile(join(dir, 'bad.csv'), 'timestamp,value\n2024-01-01 00:00,12\n2024-01-01 00:05,twelve\n');
    const bad = await train([
      'forecaster',
      '--family',
      'http_requests',
      '--data',
      join(dir, 'bad.csv'),
      '--data-dir',
      models,
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad\.csv:3: value is not a number/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
