import type { SloDefinition } from '../model.ts';

export const feedFreshness: SloDefinition = {
  name: 'feed-freshness',
  alertName: 'FeedFreshnessBudgetBurn',
  title: 'Feed freshness',
  description: '99% of symbol-minutes have a recent tick (no symbol counted stale by its feed).',
  service: 'market-feed',
  objective: 0.99,
  sli: { kind: 'sampled', bad: 'insitechart_feed_stale_symbols', population: 'insitechart_feed_staleness_seconds' },
  runbook: {
    impact: 'Quotes and charts of the stale symbols stop moving; price alerts on them do not fire.',
    diagnosis: [
      { what: 'Stale symbols per feed', expr: 'sum by (feed) (insitechart_feed_stale_symbols)' },
      { what: 'Stalest symbols', expr: 'topk(10, insitechart_feed_staleness_seconds)' },
      { what: 'Feed errors and breaker', expr: 'sum by (feed) (rate(insitechart_feed_errors_total[5m]))' },
    ],
    mitigation: [
      'Breaker open (insitechart_feed_breaker_state > 0): the upstream is failing; check its status page.',
      'Only some symbols: the upstream delisted or renamed them; remove them from MARKET_SYMBOLS.',
      'All symbols, no errors: the exchange may be closed; check the session clock before acting.',
    ],
    remediation: 'The Yahoo feed retries with jittered backoff and its circuit breaker half-opens by itself.',
    escalation: 'Page severity: platform on-call. Upstream outage: the market-data vendor contact.',
  },
};
