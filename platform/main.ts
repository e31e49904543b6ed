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
    const [faults, feed, marketData, otlpReceiver, detectors, checks, alerts, analytics, sentiment, web] =
      await Promise.all([
        import('./faults/service.ts'),
        import('../collectors/market/feed-service.ts'),
        import('./market-data/service.ts'),
        import('../collectors/otlp/service.ts'),
        import('../detectors/service.ts'),
        import('../detectors/checks/service.ts'),
        import('./alerts/service.ts'),
        import('./analytics/service.ts'),
        import('./sentiment/service.ts'),
        import('./web/service.ts'),
      ]);
    const otlp = otlpReceiver.otlpReceiverService();
    // The web app goes last: its routes at the root must not shadow /v1/* (OTLP) or /runbooks/* (alerts).
    // The fault injector goes first: its request fault point must see /api requests before any service's routes.
    return [
      faults.faultService(),
      feed.marketFeedService(),
      marketData.marketDataService(),
      otlp,
      detectors.detectorService({ otlp }),
      checks.platformChecksService(),
      alerts.alertsService(),
      analytics.analyticsService(),
      sentiment.sentimentService(),
      web.webAppService(),
    ];
  },
});
