/** Embedded mode: every service in one process on the in-process backbone (or Kafka when configured). */
import { loadOtlpConfig } from '../collectors/otlp/config.ts';
import { loadAlertsConfig } from './alerts/config/load.ts';
import { loadOutboundPolicy } from './net/config.ts';
import { runMain } from './runtime/run-main.ts';

await runMain({
  // Fast checks first: a mistake is reported before the services below load TensorFlow.js and build the
  // web client. (The detector tier's settings are checked when it starts: its module loads TensorFlow.js.)
  checks: [
    (config) => {
      loadAlertsConfig(config.alerts.configFile);
    },
    () => {
      loadOutboundPolicy();
      loadOtlpConfig();
    },
  ],
  services: async () => {
    const [feed, marketData, otlpReceiver, detectors, alerts, analytics, portfolio, sentiment, web] = await Promise.all(
      [
        import('../collectors/market/feed-service.ts'),
        import('./market-data/service.ts'),
        import('../collectors/otlp/service.ts'),
        import('../detectors/service.ts'),
        import('./alerts/service.ts'),
        import('./analytics/service.ts'),
        import('./portfolio/service.ts'),
        import('./sentiment/service.ts'),
        import('./web/service.ts'),
      ],
    );
    const otlp = otlpReceiver.otlpReceiverService();
    // The web app goes last: its routes at the root must not shadow /v1/* (OTLP) or /runbooks/* (alerts).
    return [
      feed.marketFeedService(),
      marketData.marketDataService(),
      otlp,
      detectors.detectorService({ otlp }),
      alerts.alertsService(),
      analytics.analyticsService(),
      portfolio.portfolioService(),
      sentiment.sentimentService(),
      web.webAppService(),
    ];
  },
});
