/**
 * The generated recording rule `slo:error_budget:exhaustion_seconds` and the ops view's `budgetExhaustion` give the
 * same figure on the same input: random budgets and long-window error ratios (some windows without data, some NaN,
 * burns of exactly 1, budgets of exactly 0) are fed to promtool as the records the rule reads, and to
 * `budgetExhaustion` as burn rates; burning and exhausted must agree to the millisecond, "not burning" and "no data"
 * must record nothing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { peerSkipReason } from '../testing/peers.ts';
import { slos } from './definitions/index.ts';
import { budgetExhaustion } from './exhaustion.ts';
import { DEFAULT_BURN_RULES, errorBudget, errorRatioRecord, promDuration } from './model.ts';
import { exhaustionRules } from './rules.ts';

const skip = peerSkipReason('/usr/bin/promtool', 'prometheus') ?? false;
const dir = mkdtempSync(join(tmpdir(), 'slo-exhaustion-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const longWindowsMs = [...new Set(DEFAULT_BURN_RULES.map((r) => r.longWindowMs))];

/** One SLO's input: the budget left and, per long window, a burn rate or nothing (no series). */
const scenario = fc.record({
  remaining: fc.oneof(fc.double({ min: -2, max: 1, noNaN: true }), fc.constantFrom(0, 1)),
  burns: fc.tuple(
    ...longWindowsMs.map(() =>
      fc.option(fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.constantFrom(1, Number.NaN)), {
        nil: undefined,
      }),
    ),
  ),
});

describe('time to budget exhaustion: the recording rule against the ops view', { skip }, () => {
  it('agree on random budgets and burns for every SLO', () => {
    const cases = fc.sample(fc.array(scenario, { minLength: slos.length, maxLength: slos.length }), {
      seed: 20261207,
      numRuns: 40,
    });
    const tally = { burning: 0, exhausted: 0, 'not-burning': 0, 'no-data': 0 };
    const tests = cases.map((inputs) => {
      const series: { series: string; values: string }[] = [];
      const checks: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[] = [];
      slos.forEach((slo, i) => {
        const { remaining, burns } = inputs[i] ?? { remaining: 1, burns: [] };
        const labels = `slo="${slo.name}",service="${slo.service}"`;
        const sample = (name: string, value: number) => {
          series.push({ series: `${name}{${labels}}`, values: `${String(value)} ${String(value)}` });
        };
        sample('slo:error_budget:remaining_ratio', remaining);
        const burnRates: Record<string, number> = {};
        longWindowsMs.forEach((ms, w) => {
          const burn = burns[w];
          if (burn === undefined) return;
          burnRates[String(ms)] = burn;
          sample(errorRatioRecord(promDuration(ms)), burn * errorBudget(slo));
        });
        const expected = budgetExhaustion(remaining, burnRates);
        tally[expected.state]++;
        const record = `slo:error_budget:exhaustion_seconds{slo="${slo.name}"}`;
        const seconds = expected.state === 'burning' ? expected.inMs / 1000 : expected.state === 'exhausted' ? 0 : -1;
        checks.push(
          seconds < 0
            ? { expr: record, eval_time: '1m', exp_samples: [] }
            : {
                // Within half a millisecond: the ops view rounds to whole milliseconds.
                expr: `abs(${record} - ${String(seconds)}) < bool 0.0005`,
                eval_time: '1m',
                exp_samples: [{ labels: `{${labels}}`, value: 1 }],
              },
        );
      });
      return { interval: '1m', input_series: series, promql_expr_test: checks };
    });
    const rules = join(dir, 'exhaustion.rules.yml');
    const groups = slos.map((slo) => ({ name: `exhaustion-${slo.name}`, rules: exhaustionRules(slo) }));
    writeFileSync(rules, stringify({ groups }, { lineWidth: 0 }));
    const file = join(dir, 'exhaustion.test.yml');
    writeFileSync(file, stringify({ rule_files: [rules], evaluation_interval: '1m', tests }, { lineWidth: 0 }));
    try {
      execFileSync('/usr/bin/promtool', ['test', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const out = error as { stdout?: string; stderr?: string };
      assert.fail(`promtool disagrees with budgetExhaustion:\n${out.stdout ?? ''}${out.stderr ?? ''}`);
    }
    // Every outcome was tried, several times.
    for (const [state, n] of Object.entries(tally)) assert.ok(n >= 5, `${state}: ${String(n)} cases`);
  });
});
