/**
 * The embedded SLO meter and the generated recording rules agree: the same registry, sampled every minute as a
 * Prometheus scrape would see it, is fed to the meter and, as promtool input series, to `slo.rules.yml`; the error
 * ratio each computes over 5 minutes must match for all six SLOs (and exclude the same off-selector series).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { slos } from '../../platform/slo/definitions/index.ts';
import { errorBudget } from '../../platform/slo/model.ts';
import { peerSkipReason } from '../../platform/testing/peers.ts';
import { SloMeter } from './slo-meter.ts';
import { sloTestMetrics } from './slo-test-metrics.ts';

const skip = peerSkipReason('/usr/bin/promtool', 'prometheus') ?? false;
const rules = fileURLToPath(new URL('../../platform/alerts/rules/slo.rules.yml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'slo-agreement-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** One minute of the platform's traffic: every SLO with bad events, and series outside the SLOs' selectors. */
function platformMetrics(registry: Registry): () => void {
  const { http, lag, notify, polls, stale, staleness } = sloTestMetrics(registry);
  const times = (n: number, f: () => void): void => {
    for (let i = 0; i < n; i++) f();
  };
  return () => {
    times(88, () => {
      http.observe({ method: 'GET', route: '/api/quotes', status_code: '200' }, 0.01);
    });
    times(8, () => {
      http.observe({ method: 'GET', route: '/api/quotes', status_code: '200' }, 0.6);
    });
    times(4, () => {
      http.observe({ method: 'POST', route: '/api/alerts', status_code: '503' }, 0.02);
    });
    // Not /api: counted by neither the rules nor the meter.
    times(50, () => {
      http.observe({ method: 'GET', route: '/healthz', status_code: '500' }, 2);
    });
    times(19, () => {
      lag.observe(0.1);
    });
    lag.observe(3);
    times(9, () => {
      notify.observe({ channel: 'webhook' }, 2);
    });
    notify.observe({ channel: 'email' }, 90);
    polls.inc({ source: 'in-process', outcome: 'ok' }, 47);
    polls.inc({ source: 'prometheus', outcome: 'error' }, 3);
    for (const [i, symbol] of ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'SPY'].entries()) staleness.set({ symbol }, i);
    stale.set({ feed: 'simulated' }, 1);
  };
}

/** Every series of the registry as Prometheus names it (`name{label="v",...}`), with its value now. */
async function scrape(registry: Registry): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const metric of await registry.getMetricsAsJSON())
    for (const v of metric.values as { value: number; labels: Record<string, unknown>; metricName?: string }[]) {
      const labels = Object.entries(v.labels)
        .map(([k, x]) => `${k}="${String(x)}"`)
        .join(',');
      out.set(`${v.metricName ?? metric.name}{${labels}}`, v.value);
    }
  return out;
}

describe('embedded SLO measurement against the generated recording rules', { skip }, () => {
  it('computes the same 5-minute error ratio as promtool evaluating slo.rules.yml, for every SLO', async () => {
    const registry = new Registry();
    const minute = platformMetrics(registry);
    const meter = new SloMeter(registry, slos);
    const t0 = Date.UTC(2026, 11, 7);
    const samples = new Map<string, number[]>();
    const minutes = 12;
    for (let m = 0; m <= minutes; m++) {
      if (m > 0) minute();
      for (const [series, value] of await scrape(registry)) {
        const values = samples.get(series) ?? Array<number>(m).fill(0);
        values.push(value);
        samples.set(series, values);
      }
      await meter.step(t0 + m * 60_000);
    }
    const expected = slos.map((slo) => {
      const status = meter.status(slo.name)?.status;
      assert.ok(status, `${slo.name} measured`);
      const ratio = (status.burnRates[String(5 * 60_000)] ?? Number.NaN) * errorBudget(slo);
      assert.ok(ratio > 0 && ratio < 1, `${slo.name}: a bad share to compare, got ${String(ratio)}`);
      return { slo, ratio };
    });
    const test = [
      `rule_files: [${JSON.stringify(rules)}]`,
      'evaluation_interval: 1m',
      'tests:',
      '  - interval: 1m',
      '    input_series:',
      ...[...samples].map(
        ([series, values]) => `      - series: ${JSON.stringify(series)}\n        values: '${values.join(' ')}'`,
      ),
      '    promql_expr_test:',
      // Equal up to floating-point rounding: 1 when the rules' ratio is within 1e-9 of the meter's.
      ...expected.map(
        ({ slo, ratio }) =>
          `      - expr: 'abs(slo:sli_error:ratio_rate5m{slo="${slo.name}"} - ${String(ratio)}) < bool 1e-9'\n` +
          `        eval_time: ${String(minutes)}m\n` +
          `        exp_samples:\n` +
          `          - labels: '{slo="${slo.name}",service="${slo.service}"}'\n` +
          `            value: 1`,
      ),
    ].join('\n');
    const file = join(dir, 'agreement.test.yml');
    writeFileSync(file, `${test}\n`);
    try {
      execFileSync('/usr/bin/promtool', ['test', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const out = error as { stdout?: string; stderr?: string };
      assert.fail(`promtool disagrees with the meter:\n${out.stdout ?? ''}${out.stderr ?? ''}`);
    }
    // The figures themselves: 4 of 100 API requests failed, 8 of 100 slow; 1 of 20 ticks late; 1 of 10 pages late;
    // 3 of 50 polls failed; 1 of 5 symbols stale.
    assert.deepEqual(
      expected.map(({ slo, ratio }) => [slo.name, Number(ratio.toFixed(6))]),
      [
        ['api-availability', 0.04],
        ['api-latency', 0.08],
        ['ws-delivery-latency', 0.05],
        ['feed-freshness', 0.2],
        ['alert-notification-latency', 0.1],
        ['detector-coverage', 0.06],
      ],
    );
  });
});
