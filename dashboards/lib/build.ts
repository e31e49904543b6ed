import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  BigValueGraphMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  ConstantVariableBuilder,
  DashboardBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  type Dashboard,
  type DashboardLink,
  type Panel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import {
  DataqueryBuilder as ElasticsearchQuery,
  LogsBuilder as ElasticsearchLogs,
} from '@grafana/grafana-foundation-sdk/elasticsearch';
import { PanelBuilder as LogsPanel } from '@grafana/grafana-foundation-sdk/logs';
import { DataqueryBuilder as PrometheusQuery } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { runbookSlug } from '../../platform/alerts/stages/enrich.ts';
import type { DashboardSpec, LogsPanelSpec, MetricPanelSpec } from './spec.ts';

const prometheus = { type: 'prometheus', uid: '${datasource}' };
const elasticsearch = { type: 'elasticsearch', uid: '${logs}' };
/** The Tempo datasource of the provisioning files: exemplars and trace links open there. */
export const TRACES_DATASOURCE_UID = 'tempo';

const link = (title: string, url: string): cog.Builder<DashboardLink> => ({
  build: () => ({
    title,
    url,
    type: DashboardLinkType.Link,
    icon: 'doc',
    tooltip: title,
    tags: [],
    asDropdown: false,
    targetBlank: true,
    includeVars: false,
    keepTime: false,
  }),
});

/** Grafana Explore on Tempo, searching the traces of the series' route (or service). */
function tracesUrl(): string {
  const query = '{ resource.service.name=~"${__field.labels.job}" && span.http.route="${__field.labels.route}" }';
  const left = { datasource: TRACES_DATASOURCE_UID, queries: [{ refId: 'A', queryType: 'traceql', query }] };
  return `/explore?left=${encodeURIComponent(JSON.stringify(left))}`;
}

const refIds = 'ABCDEFGHIJ';

function metricPanel(spec: MetricPanelSpec, id: number): cog.Builder<Panel> {
  const targets = spec.queries.map((q, i) => {
    const target = new PrometheusQuery()
      .expr(q.expr)
      .legendFormat(q.legend)
      .refId(refIds[i] ?? String(i))
      .datasource(prometheus);
    return spec.traces === true ? target.exemplar(true) : target;
  });
  const links = [
    ...(spec.runbook === undefined
      ? []
      : [link(`Runbook: ${spec.runbook}`, `\${public_url}/runbooks/${runbookSlug(spec.runbook)}.md`)]),
  ];
  const description =
    spec.populated === 'always' ? spec.description : `${spec.description} (Not always populated: ${spec.populated}.)`;
  const width = spec.width ?? 12;
  if (spec.kind === 'stat')
    return new StatPanel()
      .id(id)
      .title(spec.title)
      .description(description)
      .datasource(prometheus)
      .unit(spec.unit)
      .graphMode(BigValueGraphMode.Area)
      .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
      .targets(targets)
      .links(links)
      .gridPos({ x: 0, y: 0, w: width, h: 6 });
  const panel = new TimeseriesPanel()
    .id(id)
    .title(spec.title)
    .description(description)
    .datasource(prometheus)
    .unit(spec.unit)
    .targets(targets)
    .links(links)
    .legend(
      new VizLegendOptionsBuilder()
        .displayMode(LegendDisplayMode.List)
        .placement(LegendPlacement.Bottom)
        .showLegend(true)
        .calcs([]),
    )
    .gridPos({ x: 0, y: 0, w: width, h: 8 });
  return spec.traces === true ? panel.dataLinks([link('Traces of ${__field.labels.route}', tracesUrl())]) : panel;
}

// The SDK's LogsBuilder leaves `type: "unknown"`, which Grafana's schema rejects (found by dashboards.test.ts).
const logsAggregation = { build: () => ({ ...new ElasticsearchLogs().id('1').build(), type: 'logs' as const }) };

function logsPanel(spec: LogsPanelSpec, id: number): LogsPanel {
  return new LogsPanel()
    .id(id)
    .title(spec.title)
    .description(`${spec.description} Each line with a trace.id links to its trace (datasource data link).`)
    .datasource(elasticsearch)
    .withTarget(
      new ElasticsearchQuery()
        .refId('A')
        .datasource(elasticsearch)
        .query(spec.query)
        .timeField('@timestamp')
        .metrics([logsAggregation]),
    )
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .gridPos({ x: 0, y: 0, w: 24, h: 10 });
}

/**
 * Grafana dashboard JSON for a spec. The classic (v1) dashboard on purpose: it is what file provisioning and
 * POST /api/dashboards/db take, and what the schema copies describe; the SDK marks it deprecated for v2.
 */
// eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
export function buildDashboard(spec: DashboardSpec): Dashboard {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([...spec.tags, 'insitechart'])
    .editable()
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'))
    .withVariable(new DatasourceVariableBuilder('logs').label('Logs').type('elasticsearch'))
    .withVariable(
      new QueryVariableBuilder('environment')
        .label('Environment')
        .datasource(prometheus)
        .query('label_values(up, environment)')
        .refresh(VariableRefresh.OnDashboardLoad)
        .includeAll(true)
        .allValue('.*'),
    )
    .withVariable(
      new QueryVariableBuilder('service')
        .label('Service')
        .datasource(prometheus)
        .query('label_values(up{environment=~"$environment"}, job)')
        .refresh(VariableRefresh.OnDashboardLoad)
        .includeAll(true)
        .multi(true)
        .allValue('.*'),
    )
    .withVariable(
      new QueryVariableBuilder('instance')
        .label('Instance')
        .datasource(prometheus)
        .query('label_values(up{environment=~"$environment",job=~"$service"}, instance)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .includeAll(true)
        .multi(true)
        .allValue('.*'),
    )
    .withVariable(
      new ConstantVariableBuilder('public_url')
        .description('Where the platform serves runbooks (PUBLIC_URL); override it in provisioning')
        .value('http://localhost:8080'),
    );
  let id = 1;
  for (const row of spec.rows) {
    builder.withRow(new RowBuilder(row.title).id(id++));
    for (const panel of row.panels)
      builder.withPanel(panel.kind === 'logs' ? logsPanel(panel, id++) : metricPanel(panel, id++));
  }
  return builder.build();
}
