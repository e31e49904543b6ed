import type { PlatformAlert } from '../model.ts';
import { defineAlert } from './define.ts';

export const marketAlerts: readonly PlatformAlert[] = [
  defineAlert({
    name: 'MarketFeedStale',
    service: 'market-feed',
    severity: 'error',
    expr: 'max by (job, feed) (insitechart_feed_stale_symbols) > 0',
    for: '2m',
    summary: '{{ $value }} symbols have had no tick for too long',
    runbook: {
      whatFired: 'At least one symbol of a feed had no tick for longer than its staleness limit, for 2 minutes.',
      impact: "Those symbols' quotes and charts stop; price alerts on them stay silent.",
      diagnosis: [
        { what: 'Stale symbols per feed', expr: 'max by (feed) (insitechart_feed_stale_symbols)' },
        { what: 'Stalest symbols', expr: 'topk(10, insitechart_feed_staleness_seconds)' },
        { what: 'Breaker state (1 open, 0.5 half-open)', expr: 'max by (feed) (insitechart_feed_breaker_state)' },
      ],
      panels: [
        { dashboard: 'insitechart-market', panel: 'Feed staleness' },
        { dashboard: 'insitechart-market', panel: 'Feed errors' },
      ],
      mitigation: [
        "Breaker open: the upstream fails; check the vendor status and the feed's error logs.",
        'Market closed (exchange clock): staleness is expected; silence until the open.',
        'A few symbols only: delisted or renamed upstream; update MARKET_SYMBOLS.',
      ],
      remediation: 'The feed retries with jittered backoff; its circuit breaker half-opens on its own.',
      escalation: 'Page the platform on-call during market hours; the market-data vendor for an upstream outage.',
    },
  }),
];
