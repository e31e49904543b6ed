/** Embedded mode: every service in one process on the in-process backbone (or Kafka when configured). */
import { loadOtlpConfig } from '../collectors/otlp/config.ts';
import { loadRemediationConfig } from '../detectors/remediation/config.ts';
import { loadPolicies } from '../detectors/remediation/policy/load.ts';
import { loadAlertsConfig } from './alerts/config/load.ts';
import { loadOutboundPolicy } from './net/config.ts';
import { PlatformControls } from './runtime/controls.ts';
import { runMain } from './runtime/run-main.ts';
import { RuntimeSettings } from './runtime/runtime-settings.ts';

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
    () => {
      loadPolicies(loadRemediationConfig().policiesDir);
    },
  ],
  services: async () => {
    const [faults, feed, marketData, otlpReceiver, detectors, checks, alerts, analytics, portfolio, sentiment] =
      await Promise.all([
        import('./faults/service.ts'),
        import('../collectors/market/feed-service.ts'),
        import('./market-data/service.ts'),
        import('../collectors/otlp/service.ts'),
        import('../detectors/service.ts'),
        import('../detectors/checks/service.ts'),
        import('./alerts/service.ts'),
        import('./analytics/service.ts'),
        import('./portfolio/service.ts'),
        import('./sentiment/service.ts'),
      ]);
    const [remediation, web] = await Promise.all([
      import('../detectors/remediation/service.ts'),
      import('./web/service.ts'),
    ]);
    const otlp = otlpReceiver.otlpReceiverService();
    // The knobs services offer (feed, consumer pools, admission, runtime settings) for the remediation engine.
    const controls = new PlatformControls(new RuntimeSettings());
    // The web app goes last: its routes at the root must not shadow /v1/* (OTLP) or /runbooks/* (alerts).
    // The fault injector goes first: its request fault point must see /api requests before any service's routes.
    return [
      faults.faultService({ controls }),
      feed.marketFeedService({ controls }),
      marketData.marketDataService(),
      otlp,
      detectors.detectorService({ otlp }),
      checks.platformChecksService({ components: controls.components }),
      alerts.alertsService(),
      analytics.analyticsService({ controls }),
      portfolio.portfolioService(),
      sentiment.sentimentService(),
      remediation.remediationService({ controls }),
      web.webAppService(),
    ];
  },
});
