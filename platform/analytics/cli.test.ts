/** The analytics CLI on files it has never seen: other symbols, other lags, known true structure; bad files. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../testing/process.ts';
import { simulateVar } from './synthetic.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'analytics-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(file: string): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['platform/analytics/cli.ts', file], { cwd: projectRoot, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

async function write(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function referenceKeys(name: string): Promise<string[]> {
  const text = await readFile(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8');
  return Object.keys((JSON.parse(text) as { outputs: object }).outputs)
    .filter((k) => k !== 'checks')
    .sort();
}

// A 3-variable VAR(2) where only QQQ drives ZZZ (with a lag of 2 among others): the truth is known.
const truth = [
  [
    [0.3, 0, 0],
    [0, 0.2, 0],
    [0.25, 0, 0.1],
  ],
  [
    [0, 0, 0],
    [0, 0, 0],
    [0.2, 0, 0],
  ],
];
const symbols = ['QQQ', 'RRR', 'ZZZ'];
const cols = simulateVar({ coefs: truth, intercept: [0.001, 0, -0.001], sigma: 0.01, n: 3000, seed: 7 });

describe('npm run analytics on unseen data', () => {
  it('fits a VAR of other symbols and recovers the true coefficients', async () => {
    const file = await write('var.json', {
      fixture: 'var',
      inputs: { symbols, data: Array.from({ length: 3000 }, (_, t) => cols.map((c) => c[t] ?? 0)) },
      params: {
        maxlags: 6,
        forecast_steps: 4,
        irf_periods: 3,
        causality: [
          { caused: 'ZZZ', causing: ['QQQ'] },
          { caused: 'QQQ', causing: ['RRR'] },
        ],
      },
    });
    const run = cli(file);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { outputs: Record<string, unknown> };
    assert.deepEqual(Object.keys(out.outputs).sort(), await referenceKeys('var'));
    const fit = out.outputs.fit as { lag_order: number; coefs: number[][][]; param_names: string[] };
    assert.equal(fit.lag_order, 2, 'AIC picks the true order');
    assert.ok(fit.param_names.includes('L2.ZZZ'));
    for (let l = 0; l < 2; l++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) {
          assert.ok(Math.abs((fit.coefs[l]?.[i]?.[j] ?? 0) - (truth[l]?.[i]?.[j] ?? 0)) < 0.06, `coef ${l} ${i} ${j}`);
        }
    const tests = out.outputs.test_causality as { caused: string; conclusion: string; pvalue: number }[];
    assert.equal(tests.length, 4);
    assert.equal(tests[0]?.conclusion, 'reject');
    assert.ok(tests[0].pvalue < 1e-20);
    assert.equal((out.outputs.forecast as { point: unknown[] }).point.length, 4);
    assert.equal((out.outputs.irf as { irfs: unknown[] }).irfs.length, 4);
  });

  it('runs Granger tests on other symbols at another maxlag', async () => {
    const series = Object.fromEntries(symbols.map((s, j) => [s, Array.from(cols[j] ?? [])]));
    const file = await write('granger.json', {
      fixture: 'granger',
      inputs: { series },
      params: {
        maxlag: 3,
        pairs: [
          { cause: 'QQQ', effect: 'ZZZ' },
          { cause: 'ZZZ', effect: 'QQQ' },
        ],
      },
    });
    const run = cli(file);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as {
      outputs: { pairs: { lags: { lag: number; ssr_ftest: { pvalue: number } }[] }[] };
    };
    assert.deepEqual(Object.keys(out.outputs).sort(), await referenceKeys('granger'));
    const [forward, backward] = out.outputs.pairs;
    assert.deepEqual(
      forward?.lags.map((l) => l.lag),
      [1, 2, 3],
    );
    assert.ok(forward.lags.every((l) => l.ssr_ftest.pvalue < 1e-10));
    assert.ok(backward?.lags.every((l) => l.ssr_ftest.pvalue > 1e-4));
  });

  it('computes correlation files from closes when no returns are given', async () => {
    const close = Object.fromEntries(
      symbols.map((s, j) => [s, Array.from(cols[j] ?? [], (r, t) => 100 * Math.exp(r + t * 1e-4))]),
    );
    const file = await write('corr.json', {
      fixture: 'correlation',
      inputs: { symbols, close },
      params: { kendall_pair: ['QQQ', 'ZZZ'] },
    });
    const run = cli(file);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { outputs: { n: number; pearson: { matrix: number[][] } } };
    assert.deepEqual(Object.keys(out.outputs).sort(), await referenceKeys('correlation'));
    assert.equal(out.outputs.n, 2999);
  });

  it('rejects bad files with a named error and exit code 2', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['notjson.json', '{ nope', /FixtureFileError: .*not valid JSON/],
      ['layout.json', { fixture: 'var', inputs: { symbols: ['A'] }, params: {} }, /FixtureFileError: .*inputs\.data/s],
      [
        'unknown.json',
        {
          fixture: 'granger',
          inputs: { series: { A: [1, 2, 3] } },
          params: { maxlag: 1, pairs: [{ cause: 'B', effect: 'A' }] },
        },
        /AnalyticsInputError: .*unknown symbol B/,
      ],
      [
        'short.json',
        {
          fixture: 'granger',
          inputs: { series: { A: [1, 2, 3], B: [3, 1, 2] } },
          params: { maxlag: 2, pairs: [{ cause: 'B', effect: 'A' }] },
        },
        /AnalyticsInputError: .*needs at least/,
      ],
      [
        'collinear.json',
        {
          fixture: 'partial_correlation',
          inputs: {
            symbols: ['A', 'B', 'C'],
            log_returns: { A: [1, 2, 3, 4, 5, 7], B: [2, 4, 6, 8, 10, 14], C: [1, 0, 1, 0, 1, 1] },
          },
        },
        /SingularMatrixError/,
      ],
    ];
    for (const [name, content, pattern] of cases) {
      const run = cli(await write(name, content));
      assert.equal(run.code, 2, `${name}: ${run.stderr}`);
      assert.match(run.stderr, pattern, name);
      assert.equal(run.stdout, '');
    }
    const missing = cli(join(dir, 'absent.json'));
    assert.equal(missing.code, 2);
  });
});
