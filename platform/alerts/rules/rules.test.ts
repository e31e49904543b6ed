import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { peerSkipReason } from '../../testing/peers.ts';
import { runbookSlug } from '../stages/enrich.ts';
import { allAlerts, platformRuleGroups, securityRuleGroups, sloRuleGroupList } from './index.ts';
import { isAlertingRule } from './model.ts';
import { prometheusRule } from './prometheus-rule.ts';
import { renderRuleArtifacts } from './render.ts';
import { runbookProblems } from './runbook.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));
const ruleFiles = ['platform.rules.yml', 'security.rules.yml', 'slo.rules.yml'].map((f) => `${here}${f}`);
const testFiles = [
  'tests/platform.test.yml',
  'tests/security.test.yml',
  'tests/slo.test.yml',
  'tests/slo-exhaustion.test.yml',
  'tests/kubernetes.test.yml',
].map((f) => `${here}${f}`);
const skip = peerSkipReason('/usr/bin/promtool', 'prometheus') ?? false;

describe("the platform's own alert rules", () => {
  it('the committed rule files and runbooks are what `npm run rules` generates', () => {
    for (const [path, content] of renderRuleArtifacts())
      assert.equal(readFileSync(`${root}${path}`, 'utf8'), content, `${path} is stale: run npm run rules`);
  });

  it('every alert has a runbook_url to its runbook, which follows the template', () => {
    assert.ok(allAlerts.length >= 15);
    for (const alert of allAlerts) {
      const file = `runbooks/${runbookSlug(alert.name)}.md`;
      for (const rule of alert.rules) assert.equal(rule.annotations.runbook_url, `/${file}`, alert.name);
      assert.deepEqual(runbookProblems(readFileSync(`${root}${file}`, 'utf8')), [], file);
    }
    const files = readdirSync(`${root}runbooks`).filter((f) => f.endsWith('.md') && f !== 'README.md');
    assert.deepEqual(files.sort(), allAlerts.map((a) => `${runbookSlug(a.name)}.md`).sort(), 'one runbook per alert');
  });

  it('the template check rejects a runbook missing a section or a numbered mitigation', () => {
    const good = readFileSync(`${root}runbooks/instance-down.md`, 'utf8');
    assert.match(runbookProblems(good.replace('## Escalation', '## Who to call')).join(), /sections/);
    assert.match(runbookProblems(good.replace(/^1\. /m, '- ')).join(), /numbered/);
    assert.match(runbookProblems(good.replaceAll('```promql', '```')).join(), /no query/);
  });

  it('every alerting rule is unit-tested firing by a promtool test file', () => {
    const tested = new Set<string>();
    for (const file of testFiles) {
      const doc = parse(readFileSync(file, 'utf8')) as {
        tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
      };
      for (const t of doc.tests)
        for (const a of t.alert_rule_test ?? []) if (a.exp_alerts.length > 0) tested.add(a.alertname);
    }
    for (const alert of allAlerts.filter((a) => a.rules.length > 0))
      assert.ok(tested.has(alert.name), `${alert.name} has no firing promtool test`);
  });

  it('exports every rule as one PrometheusRule with absolute runbook links', () => {
    const manifest = prometheusRule({ namespace: 'insitechart', publicUrl: 'https://insitechart.example/' });
    assert.equal(manifest.kind, 'PrometheusRule');
    const rules = manifest.spec.groups.flatMap((g) => g.rules);
    const count = [...platformRuleGroups, ...securityRuleGroups, ...sloRuleGroupList].reduce(
      (n, g) => n + g.rules.length,
      0,
    );
    assert.equal(rules.length, count);
    const alerting = rules.filter(isAlertingRule);
    assert.ok(alerting.length > 15);
    for (const r of alerting)
      assert.match(r.annotations.runbook_url, /^https:\/\/insitechart\.example\/runbooks\/[\w-]+\.md$/);
  });

  it('the rule files are valid for promtool', { skip }, () => {
    const out = execFileSync('/usr/bin/promtool', ['check', 'rules', ...ruleFiles], { encoding: 'utf8' });
    assert.equal(out.match(/SUCCESS/g)?.length, ruleFiles.length);
  });

  it('promtool test rules passes', { skip }, () => {
    const out = execFileSync('/usr/bin/promtool', ['test', 'rules', ...testFiles], { encoding: 'utf8', cwd: here });
    assert.equal(out.match(/SUCCESS/g)?.length, testFiles.length, out);
  });
});
