import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { allAlerts } from '../platform/alerts/rules/index.ts';
import { runbookSlug } from '../platform/alerts/stages/enrich.ts';
import { dashboards } from './definitions/index.ts';
import { renderDashboards } from './render.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const schemaDir = fileURLToPath(new URL('schemas/', import.meta.url));
const load = (name: string): object =>
  JSON.parse(readFileSync(`${schemaDir}${name}.jsonschema.json`, 'utf8')) as object;

const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
for (const name of ['timeseries', 'stat', 'logs', 'prometheus', 'elasticsearch', 'units'])
  ajv.addSchema(load(name), name);
const validateDashboard = ajv.compile(load('dashboard'));
const schema = (ref: string) => {
  const v = ajv.getSchema(ref);
  if (v === undefined) throw new Error(`no schema ${ref}`);
  return v;
};
const units = new Set(
  Object.values((load('units') as { definitions: Record<string, { const?: string }> }).definitions).map((d) => d.const),
);

interface Target {
  refId?: string;
  expr?: string;
  legendFormat?: string;
  datasource?: { type?: string };
}
interface Panel {
  type: string;
  title: string;
  options?: object;
  fieldConfig?: { defaults?: { unit?: string; custom?: object; links?: { url: string }[] } };
  targets?: Target[];
  links?: { url: string }[];
}
const generated = [...renderDashboards()].map(([path, json]) => ({
  path,
  json,
  dashboard: JSON.parse(json) as { uid: string; panels: Panel[] },
}));
const errors = (v: { errors?: unknown }): string => JSON.stringify(v.errors, null, 1);

describe('Grafana dashboards', () => {
  it('the committed JSON is what `npm run dashboards` generates, and nothing else is there', () => {
    for (const { path, json } of generated)
      assert.equal(readFileSync(`${root}${path}`, 'utf8'), json, `${path} is stale`);
    assert.deepEqual(
      readdirSync(`${root}dashboards/generated`).sort(),
      generated.map((g) => g.path.replace('dashboards/generated/', '')).sort(),
    );
    assert.equal(generated.length, 8);
  });

  it('every dashboard, panel and query validates against Grafana JSON schemas', () => {
    for (const { path, dashboard } of generated) {
      assert.ok(validateDashboard(dashboard), `${path}: ${errors(validateDashboard)}`);
      for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
        const where = `${path} "${panel.title}"`;
        const options = schema(`${panel.type}#/definitions/Options`);
        assert.ok(options(panel.options), `${where} options: ${errors(options)}`);
        const custom = panel.fieldConfig?.defaults?.custom;
        if (custom !== undefined && panel.type !== 'logs') {
          const field = schema(`${panel.type}#/definitions/FieldConfig`);
          assert.ok(field(custom), `${where} fieldConfig: ${errors(field)}`);
        }
        const unit = panel.fieldConfig?.defaults?.unit;
        if (unit !== undefined) assert.ok(units.has(unit), `${where}: unit ${unit} is not a Grafana unit`);
        assert.ok((panel.targets ?? []).length > 0, `${where} has no query`);
        for (const target of panel.targets ?? []) {
          const query = schema(target.datasource?.type === 'elasticsearch' ? 'elasticsearch' : 'prometheus');
          assert.ok(query(target), `${where} target: ${errors(query)}`);
          assert.match(target.refId ?? '', /^[A-Z]$/, `${where}: refId set`);
          if (target.expr !== undefined) assert.notEqual(target.legendFormat ?? '', '', `${where}: legend set`);
        }
      }
    }
  });

  it('the schema check catches a broken dashboard', () => {
    const broken = JSON.parse(generated[0]?.json ?? '{}') as { panels: { gridPos: unknown }[] };
    if (broken.panels[1] !== undefined) broken.panels[1].gridPos = { x: 'left' };
    assert.equal(validateDashboard(broken), false);
  });

  it('every panel an alert runbook names exists, and runbook links reach the runbooks', () => {
    const titles = new Map(generated.map((g) => [g.dashboard.uid, new Set(g.dashboard.panels.map((p) => p.title))]));
    for (const alert of allAlerts)
      for (const ref of alert.runbook.panels)
        assert.ok(titles.get(ref.dashboard)?.has(ref.panel), `${alert.name}: ${ref.dashboard} / ${ref.panel}`);
    const slugs = new Set(allAlerts.map((a) => runbookSlug(a.name)));
    let links = 0;
    for (const { dashboard } of generated)
      for (const panel of dashboard.panels)
        for (const l of panel.links ?? []) {
          const slug = /^\$\{public_url\}\/runbooks\/([\w-]+)\.md$/.exec(l.url)?.[1];
          assert.ok(slug !== undefined && slugs.has(slug), `${panel.title}: ${l.url}`);
          links++;
        }
    assert.ok(links >= 20, `${String(links)} runbook links`);
  });

  it('latency panels carry exemplars and a trace link; every dashboard has the four variables', () => {
    const latency = dashboards.flatMap((d) => d.rows.flatMap((r) => r.panels)).filter((p) => 'traces' in p);
    assert.ok(latency.length >= 4);
    for (const { dashboard } of generated) {
      const names = (dashboard as unknown as { templating: { list: { name: string }[] } }).templating.list.map(
        (v) => v.name,
      );
      for (const v of ['datasource', 'environment', 'service', 'instance']) assert.ok(names.includes(v), v);
      for (const panel of dashboard.panels.filter((p) => p.targets?.some((t) => t.expr?.includes('le)')) === true)) {
        const traced = panel.targets?.every((t) => (t as { exemplar?: boolean }).exemplar === true) === true;
        if (traced) assert.match(panel.fieldConfig?.defaults?.links?.[0]?.url ?? '', /^\/explore\?left=.*tempo/);
      }
    }
    const logs = generated.flatMap((g) => g.dashboard.panels).filter((p) => p.type === 'logs');
    assert.ok(logs.length >= 1);
  });
});
