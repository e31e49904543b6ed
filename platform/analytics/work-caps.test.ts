/**
 * Per-request work caps and the compute worker, over loopback: Kendall on 20k points is refused up front, the largest
 * allowed computation runs off the event loop (/healthz keeps answering within 1 s), and overruns are stopped.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HttpError } from '../http/errors.ts';
import { seededRandom } from '../random/seeded.ts';
import type { RunningPlatform } from '../runtime/platform.ts';
import { apiFetch } from '../testing/api-client.ts';
import { startTestPlatform } from '../testing/platform.ts';
import { ComputeWorker } from './compute-pool.ts';
import { analyticsService } from './service.ts';
import { DEFAULT_MAX_WORK, fixtureWork } from './work-caps.ts';
import type { FixtureFile } from './fixture-file.ts';

function correlationFixture(n: number): FixtureFile {
  const random = seededRandom(7);
  const series = () => Array.from({ length: n }, () => random() - 0.5);
  return {
    fixture: 'correlation',
    inputs: { symbols: ['A', 'B'], log_returns: { A: series(), B: series() } },
    params: { kendall_variant: 'b', kendall_method: 'auto', alternatives: {}, missing: 'listwise' },
  };
}

/** Granger tests of one pair repeated `pairs` times: a small body whose work is set by the repetition. */
function grangerFixture(pairs: number): FixtureFile {
  const random = seededRandom(11);
  const series = () => Array.from({ length: 1_000 }, () => random() - 0.5);
  return {
    fixture: 'granger',
    inputs: { series: { A: series(), B: series() } },
    params: { maxlag: 20, addconst: true, pairs: Array.from({ length: pairs }, () => ({ cause: 'A', effect: 'B' })) },
  };
}

/** The granger fixture with the most pairs the default cap allows: the largest allowed computation of its kind. */
function largestAllowed(): FixtureFile {
  let pairs = 1;
  while (fixtureWork(grangerFixture(pairs + 1)) <= DEFAULT_MAX_WORK) pairs++;
  return grangerFixture(pairs);
}

describe('analytics work caps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analytics-caps-'));
  let platform: RunningPlatform;
  before(async () => {
    platform = await startTestPlatform(dir, [analyticsService()]);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const compute = (file: unknown) =>
    apiFetch(platform, '/api/analytics/compute', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(file),
    });

  it('refuses Kendall on 20,000 points with 422, naming the cap', async () => {
    const res = await compute(correlationFixture(20_000));
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { error: string }).error, /per-request cap/);
  });

  it('refuses GET requests whose sizes multiply past the cap (VAR order selection, causality graph)', async () => {
    const syms = Array.from({ length: 20 }, (_, i) => `S${String(i)}`).join(',');
    for (const path of [
      `/api/analytics/var?symbols=${syms}&maxlags=20&points=5000`,
      `/api/analytics/causality-graph?symbols=${syms}&maxlag=20&points=5000`,
    ]) {
      const res = await apiFetch(platform, path);
      assert.equal(res.status, 422, path);
    }
  });

  it('runs the largest allowed computation in the worker while /healthz answers within 1 s', async () => {
    const file = largestAllowed();
    assert.ok(fixtureWork(file) > 0.9 * DEFAULT_MAX_WORK);
    const over = grangerFixture((file.fixture === 'granger' ? file.params.pairs.length : 0) + 1);
    assert.equal((await compute(over)).status, 422, 'one pair more is over the cap');
    const state = { done: false };
    const running = compute(file).finally(() => {
      state.done = true;
    });
    const latencies: number[] = [];
    while (!state.done) {
      const t0 = performance.now();
      const res = await fetch(`${platform.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
      assert.equal(res.status, 200);
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await running;
    assert.equal(res.status, 200);
    const body = (await res.json()) as { outputs: { pairs: unknown[] } };
    assert.equal(body.outputs.pairs.length, file.fixture === 'granger' ? file.params.pairs.length : -1);
    assert.ok(latencies.length >= 3, `probed ${String(latencies.length)} times during the computation`);
    assert.ok(Math.max(...latencies) < 1_000, `slowest /healthz ${Math.max(...latencies).toFixed(0)} ms`);
  });
});

describe('compute worker', () => {
  it('stops a computation past its deadline with 503, then serves the next one on a fresh thread', async () => {
    const worker = new ComputeWorker({ deadlineMs: 100, maxQueued: 4 });
    try {
      await assert.rejects(worker.run('fixture', { file: correlationFixture(15_000) }), (e: unknown) => {
        return e instanceof HttpError && e.status === 503 && /deadline/.test(e.message);
      });
      const small = JSON.parse(await worker.run('fixture', { file: correlationFixture(50) })) as { pearson: unknown };
      assert.ok(small.pearson !== undefined);
    } finally {
      await worker.close();
    }
  });

  it('refuses work beyond its queue with 503, and input the numerics reject with 422', async () => {
    const worker = new ComputeWorker({ deadlineMs: 10_000, maxQueued: 1 });
    try {
      const first = worker.run('fixture', { file: correlationFixture(2_000) });
      const second = worker.run('fixture', { file: correlationFixture(50) });
      await assert.rejects(worker.run('fixture', { file: correlationFixture(50) }), (e: unknown) => {
        return e instanceof HttpError && e.status === 503;
      });
      await Promise.all([first, second]);
      await assert.rejects(
        worker.run('partial', { series: [new Float64Array(2), new Float64Array(2)] }),
        (e: unknown) => {
          return e instanceof HttpError && e.status === 422;
        },
      );
    } finally {
      await worker.close();
    }
  });
});
