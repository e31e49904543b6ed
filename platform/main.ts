/** Embedded mode: every service in one process on the in-process backbone (or Kafka when configured). */
import { loadAlertsConfig } from './alerts/config/load.ts';
import { runMain } from './runtime/run-main.ts';

await runMain({
  // Fast checks of every setting first: a mistake is reported in well under a second, not after the
  // services below have loaded TensorFlow.js and built the web client.
  checks: [
    (config) => {
      loadAlertsConfig(config.alerts.configFile);
    },
  ],
  services: async () => {
    const [feed, marketData, otlpReceiver, detectors, alerts, analytics, sentiment, web] = await Promise.all([
      import('../collectors/market/feed-service.ts'),
      import('./market-data/service.ts'),
      import('../collectors/otlp/service.ts'),
      import('../detectors/service.ts'),
      import('./alerts/service.ts'),
      import('./analytics/service.ts'),
      import('./sentiment/service.ts'),
      import('./web/service.ts'),
    ]);
    const otlp = otlpReceiver.otlpReceiverService();
    // The web app goes last: its routes at the root must not shadow /v1/* (OTLP) or /runbooks/* (alerts).
    return [
      feed.marketFeedService(),
      marketData.marketDataService(),
      otlp,
      detectors.detectorService({ otlp }),
      alerts.alertsService(),
      analytics.analyticsService(),
      sentiment.sentimentService(),
      web.webAppService(),
    ];
  },
});
