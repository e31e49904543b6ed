import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { allAlerts, platformRuleGroups, securityRuleGroups, sloRuleGroupList } from '../platform/alerts/rules/index.ts';
import { isAlertingRule } from '../platform/alerts/rules/model.ts';
import { apiFetch } from '../platform/testing/api-client.ts';
import { freePort, peerSkipReason } from '../platform/testing/peers.ts';
import { projectRoot, startEntrypoint, waitForOutput, type Started } from '../platform/testing/process.ts';
import { dashboards } from './definitions/index.ts';
import { EXTERNAL_METRICS, PENDING_METRICS } from './lib/metrics.ts';
import { fillVariables, metricNames } from './lib/promql.ts';
import { metricPanels } from './lib/spec.ts';

/**
 * A real Prometheus (Debian's) scrapes a running embedded platform every second and evaluates the platform's
 * rule files; then every panel query, rule expression and runbook query is run against it.
 */
const binary = '/usr/bin/prometheus';
const skip = peerSkipReason(binary, 'prometheus') ?? false;
const ruleFiles = ['platform.rules.yml', 'security.rules.yml', 'slo.rules.yml'].map((f) =>
  join(projectRoot, 'platform/alerts/rules', f),
);
const panels = dashboards.flatMap((d) => metricPanels(d).map((p) => ({ dashboard: d.uid, ...p })));
const rules = [...platformRuleGroups, ...securityRuleGroups, ...sloRuleGroupList].flatMap((g) => g.rules);
const recorded = new Set(rules.flatMap((r) => (isAlertingRule(r) ? [] : [r.record])));

interface QueryAnswer {
  status: string;
  error?: string;
  data?: { result: { value: [number, string] }[] };
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Names in the platform's exposition: each family, and a histogram's _bucket, _sum and _count series. */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (name === undefined) continue;
    names.add(name);
    if (type === 'histogram' || type === 'summary') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
  }
  return names;
}

describe('dashboards and rules against a real Prometheus scraping the platform', { timeout: 150_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dashboards-prometheus-'));
  let platform: Started | undefined;
  let platformUrl = '';
  let prometheus: ChildProcess | undefined;
  let promUrl = '';
  let exposition = '';
  let traffic: NodeJS.Timeout | undefined;

  const query = async (expr: string): Promise<QueryAnswer> => {
    const res = await fetch(`${promUrl}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr }) });
    return (await res.json()) as QueryAnswer;
  };

  before(async () => {
    // Prometheus starts beside the platform (a port chosen up front): it scrapes from the platform's first second.
    const platformPort = await freePort();
    platformUrl = `http://127.0.0.1:${String(platformPort)}`;
    platform = startEntrypoint('platform/main.ts', {
      PORT: String(platformPort),
      HOST: '127.0.0.1',
      DATA_DIR: join(dir, 'platform'),
      DETECTOR_POLL_INTERVAL_MS: '1000',
      DETECTOR_SAMPLE_INTERVAL_MS: '1000',
    });
    if (skip === false) {
      const port = await freePort();
      promUrl = `http://127.0.0.1:${String(port)}`;
      const config = join(dir, 'prometheus.yml');
      writeFileSync(
        config,
        [
          'global: { scrape_interval: 1s, evaluation_interval: 1s }',
          `rule_files: [${ruleFiles.map((f) => JSON.stringify(f)).join(', ')}]`,
          'scrape_configs:',
          '  - job_name: insitechart',
          '    static_configs:',
          `      - targets: ['127.0.0.1:${String(platformPort)}']`,
          '        labels: { environment: test }',
          '',
        ].join('\n'),
      );
      const args = [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`];
      prometheus = spawn(binary, [...args, `--web.listen-address=127.0.0.1:${String(port)}`], { stdio: 'ignore' });
    }
    await waitForOutput(platform, /InsiteChart is up at/, 80_000);
    // Steady API traffic (a few requests a second), so request rates and the API SLOs have data.
    const paths = ['/api/quotes', '/api/symbols?q=A', '/api/market/feed', '/api/no-such-route'];
    let next = 0;
    traffic = setInterval(() => {
      const path = paths[next++ % paths.length] ?? '/api/quotes';
      apiFetch({ url: platformUrl }, path)
        .then((res) => res.arrayBuffer())
        .catch(() => undefined); // the platform stopping at the end of the test
    }, 100);
    if (skip !== false) return;
    // Enough scrapes for a 30 s rate, and the SLO rules evaluated over them.
    await until('6 scrapes, the SLO rules evaluated, API request rates and anomaly scores', 45_000, async () => {
      const scrapes = await query('count_over_time(up{job="insitechart"}[1m]) >= 6');
      const slo = await query('slo:error_budget:remaining_ratio{slo="detector-coverage"} >= -Inf');
      // The API traffic starts once the platform is up: wait until its request rate spans two scrapes.
      const requests = await query('sum(rate(insitechart_http_request_duration_seconds_count[30s])) > 0');
      // The detector tier scores only what was sampled after the platform was ready: wait for its first scores.
      const scores = await query('count(insitechart_detector_anomaly_score) > 0');
      return [scrapes, slo, requests, scores].every((answer) => (answer.data?.result.length ?? 0) > 0);
    });
  });

  after(async () => {
    clearInterval(traffic);
    for (const child of [prometheus, platform?.child]) {
      if (child === undefined || child.exitCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('every metric a panel, rule or runbook names is one the platform exports (or listed as pending or external)', async () => {
    exposition = await (await fetch(`${platformUrl}/metrics`)).text();
    const exported = exportedNames(exposition);
    assert.ok(exported.has('insitechart_http_request_duration_seconds_bucket'));
    const expressions = [
      ...panels.flatMap((p) =>
        p.queries.map((q) => ({ where: `${p.dashboard} "${p.title}"`, expr: q.expr, panel: p })),
      ),
      ...rules.map((r) => ({ where: isAlertingRule(r) ? r.alert : r.record, expr: r.expr, panel: undefined })),
      ...allAlerts.flatMap((a) =>
        a.runbook.diagnosis.map((d) => ({ where: `runbook ${a.name}`, expr: d.expr, panel: undefined })),
      ),
    ];
    const unknown: string[] = [];
    for (const { where, expr, panel } of expressions)
      for (const name of metricNames(expr)) {
        if (exported.has(name) || recorded.has(name) || name in EXTERNAL_METRICS) continue;
        if (name in PENDING_METRICS || name.replace(/_(bucket|sum|count)$/, '') in PENDING_METRICS) {
          if (panel !== undefined) assert.equal(panel.populated, 'pending-metric', `${where} names pending ${name}`);
          continue;
        }
        unknown.push(`${where}: ${name}`);
      }
    assert.deepEqual(unknown, []);
    // The pending list names only what is really missing.
    for (const name of Object.keys(PENDING_METRICS))
      assert.ok(!exported.has(name), `${name} is exported now: unlist it`);
  });

  it('Prometheus evaluates every rule without error', { skip }, async () => {
    const res = await fetch(`${promUrl}/api/v1/rules`);
    const body = (await res.json()) as {
      data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const evaluated = body.data.groups.flatMap((g) => g.rules);
    assert.equal(evaluated.length, rules.length);
    const bad = evaluated.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`);
    assert.deepEqual(bad, []);
  });

  it(
    'every panel query, rule expression and runbook query runs; always-populated panels have data',
    { skip },
    async () => {
      const failures: string[] = [];
      const empty: string[] = [];
      // Every query once, 8 in flight (Prometheus answers up to 20 at a time), answers kept in the order asked.
      const exprs = [
        ...panels.flatMap((p) => p.queries.map((q) => fillVariables(q.expr, '30s'))),
        ...rules.map((r) => r.expr),
        ...allAlerts.flatMap((a) => a.runbook.diagnosis.map((d) => d.expr)),
      ];
      const answers: QueryAnswer[] = [];
      let asked = 0;
      const worker = async (): Promise<void> => {
        for (let n = asked++; n < exprs.length; n = asked++) answers[n] = await query(exprs[n]!);
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      let next = 0;
      for (const panel of panels) {
        let values = 0;
        for (let q = 0; q < panel.queries.length; q++) {
          const answer = answers[next++]!;
          if (answer.status !== 'success') failures.push(`${panel.dashboard} "${panel.title}": ${answer.error ?? ''}`);
          values += answer.data?.result.filter((r) => !Number.isNaN(Number(r.value[1]))).length ?? 0;
        }
        if (panel.populated === 'always' && values === 0) empty.push(`${panel.dashboard} "${panel.title}"`);
      }
      for (; next < exprs.length; next++) {
        const answer = answers[next]!;
        if (answer.status !== 'success') failures.push(`${exprs[next]!}: ${answer.error ?? ''}`);
      }
      assert.deepEqual(failures, []);
      assert.deepEqual(empty, []);
      assert.ok(panels.filter((p) => p.populated === 'always').length >= 25);
    },
  );

  it('a query Prometheus rejects is reported (the check can fail)', { skip }, async () => {
    assert.equal((await query('sum(rate(up[30s])')).status, 'error');
  });
});
