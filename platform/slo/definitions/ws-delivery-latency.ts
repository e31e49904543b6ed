import type { SloDefinition } from '../model.ts';

const lag = 'insitechart_web_client_tick_lag_seconds';

export const wsDeliveryLatency: SloDefinition = {
  name: 'ws-delivery-latency',
  alertName: 'WsDeliveryLatencyBudgetBurn',
  title: 'WebSocket delivery latency',
  description: "99% of ticks reach the browser's screen within 1 s (as browsers report it).",
  service: 'market-data',
  objective: 0.99,
  sli: { kind: 'latency', histogram: lag, selector: '', thresholdSeconds: 1 },
  runbook: {
    impact: 'Live quotes and candles lag behind the market: users trade on stale prices.',
    diagnosis: [
      { what: 'Browser lag p99', expr: `histogram_quantile(0.99, sum by (le) (rate(${lag}_bucket[5m])))` },
      { what: 'Slow clients and hopeless closes', expr: 'sum(insitechart_ws_slow_clients)' },
      { what: 'Connected sessions', expr: 'sum(insitechart_ws_sessions)' },
    ],
    mitigation: [
      'Many slow clients at once: the server is saturated; scale market-data out behind the load balancer.',
      'Few slow clients: their own network; nothing to do on the platform.',
      'Feed publishing slow (market data dashboard, "Feed publish latency"): follow MarketFeedStale.',
    ],
    remediation: 'Clients hopelessly behind are closed with 4008 and resume from their last sequence number.',
    escalation: 'Page severity: platform on-call. Persisting after scale-out: the market-data owners.',
  },
};
