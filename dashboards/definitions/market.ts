import { m, rate, type DashboardSpec } from '../lib/spec.ts';

export const market: DashboardSpec = {
  uid: 'insitechart-market',
  title: 'InsiteChart / Market data',
  description: 'Feeds, tick-to-client latency, WebSocket clients and what browsers report.',
  tags: ['market-data'],
  rows: [
    {
      title: 'Feeds',
      panels: [
        {
          kind: 'timeseries',
          title: 'Ticks per second',
          description: 'Ticks produced by each feed, and ticks accepted or dropped by the bar builder.',
          unit: 'short',
          queries: [
            { expr: `sum by (feed) (${rate('insitechart_feed_ticks_total')})`, legend: 'feed {{feed}}' },
            { expr: `sum by (outcome) (${rate('insitechart_bars_ticks_total')})`, legend: 'bars {{outcome}}' },
          ],
          populated: 'always',
        },
        {
          kind: 'timeseries',
          title: 'Feed staleness',
          description: 'Stale symbols per feed, and the stalest symbol age.',
          unit: 'short',
          queries: [
            { expr: `max by (feed) (${m('insitechart_feed_stale_symbols')})`, legend: 'stale {{feed}}' },
            {
              expr: `max by (feed) (${m('insitechart_feed_staleness_seconds')})`,
              legend: 'oldest tick age (s) {{feed}}',
            },
          ],
          populated: 'always',
          runbook: 'MarketFeedStale',
        },
        {
          kind: 'timeseries',
          title: 'Feed errors',
          description:
            'Feed errors and gaps per second, the breaker state (1 open), ticks refused for symbols beyond the bound.',
          unit: 'short',
          queries: [
            { expr: `sum by (feed) (${rate('insitechart_feed_errors_total')})`, legend: 'errors {{feed}}' },
            { expr: `sum by (feed) (${rate('insitechart_feed_gaps_total')})`, legend: 'gaps {{feed}}' },
            { expr: `max by (feed) (${m('insitechart_feed_breaker_state')})`, legend: 'breaker {{feed}}' },
            { expr: `sum(${rate('insitechart_market_ticks_refused_total')})`, legend: 'refused (unknown symbols)' },
          ],
          populated: 'always',
          runbook: 'MarketFeedStale',
        },
        {
          kind: 'timeseries',
          title: 'Feed publish latency',
          description: 'p99 time to publish a tick batch on the backbone.',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.99, sum by (feed, le) (${rate('insitechart_feed_publish_seconds_bucket')}))`,
              legend: 'p99 {{feed}}',
            },
          ],
          populated: 'always',
          traces: true,
        },
      ],
    },
    {
      title: 'WebSocket clients',
      panels: [
        {
          kind: 'timeseries',
          title: 'Tick-to-screen lag',
          description: 'p50 and p99 lag from tick to screen as browsers report it (real-user monitoring).',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.99, sum by (le) (${rate('insitechart_web_client_tick_lag_seconds_bucket')}))`,
              legend: 'p99',
            },
            {
              expr: `histogram_quantile(0.5, sum by (le) (${rate('insitechart_web_client_tick_lag_seconds_bucket')}))`,
              legend: 'p50',
            },
          ],
          populated: 'on-activity',
          runbook: 'WsDeliveryLatencyBudgetBurn',
        },
        {
          kind: 'timeseries',
          title: 'WebSocket sessions',
          description: 'Sessions by state, and slow clients (coalescing).',
          unit: 'short',
          queries: [
            { expr: `sum by (state) (${m('insitechart_ws_sessions')})`, legend: '{{state}}' },
            { expr: `sum(${m('insitechart_ws_slow_clients')})`, legend: 'slow' },
            { expr: `sum(${m('insitechart_ws_retained_sessions')})`, legend: 'retained for resume' },
          ],
          populated: 'always',
        },
        {
          kind: 'timeseries',
          title: 'WebSocket messages',
          description: 'Messages sent, updates coalesced for slow clients, hopeless clients closed (4008), resumes.',
          unit: 'short',
          queries: [
            { expr: `sum(${rate('insitechart_ws_messages_sent_total')})`, legend: 'sent' },
            { expr: `sum(${rate('insitechart_ws_coalesced_updates_total')})`, legend: 'coalesced' },
            { expr: `sum(${rate('insitechart_ws_hopeless_closed_total')})`, legend: 'closed 4008' },
            { expr: `sum(${rate('insitechart_ws_resumed_total')})`, legend: 'resumed' },
          ],
          populated: 'always',
        },
        {
          kind: 'timeseries',
          title: 'Browser problems',
          description: 'Problems browsers report (reconnects, errors) by kind.',
          unit: 'short',
          queries: [{ expr: `sum(${rate('insitechart_web_client_problems_total')})`, legend: 'problems' }],
          populated: 'on-activity',
        },
      ],
    },
  ],
};
