import { existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseSync } from 'node:sqlite';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Subscription } from '../backbone/bus.ts';
import type { Service, ServiceContext } from '../runtime/service.ts';
import { auditTo } from '../identity/audit.ts';
import { incidentRoutes } from './api/incident-routes.ts';
import { ingestRoutes } from './api/ingest-routes.ts';
import { oncallRoutes } from './api/oncall-routes.ts';
import { silenceRoutes } from './api/silence-routes.ts';
import { systemClock, type Clock } from './clock.ts';
import { loadAlertsConfig } from './config/load.ts';
import { withLinks } from './links.ts';
import { describeAlertRoutes } from './api/openapi.ts';
import { openApi } from '../http/openapi.ts';
import { alertsConfigSchema, type AlertsConfig, type AlertsConfigInput } from './config/schema.ts';
import { DetectionEpisodes } from './ingest/detection-episodes.ts';
import type { Alert } from './model.ts';
import { alertmanagerChannel } from './notify/alertmanager/alertmanager.ts';
import type { ChannelSet } from './notify/channel.ts';
import { emailChannel } from './notify/email/email.ts';
import { Outbox, type DeliveryRecord } from './notify/outbox.ts';
import { pagerdutyChannel } from './notify/pagerduty/pagerduty.ts';
import { pushChannel } from './notify/push/push.ts';
import { slackChannel } from './notify/slack/slack.ts';
import type { AddressPolicy } from '../net/address-policy.ts';
import { loadOutboundPolicy } from '../net/config.ts';
import { priceAlertData, pushSubscriptionData } from './price/personal-data.ts';
import { smsChannel } from './notify/sms/sms.ts';
import { webhookChannel } from './notify/webhook/webhook.ts';
import { loadOrCreateVapidKeys } from './notify/webpush/vapid.ts';
import { webpushChannel } from './notify/webpush/webpush.ts';
import { Directory } from './oncall/directory.ts';
import { Pipeline, type DigestItem } from './pipeline.ts';
import { ResolveTimeout } from './resolve-timeout.ts';
import { SqliteDigestBuffer } from './fatigue/digest.ts';
import { priceAlertRoutes } from './price/routes.ts';
import { PriceAlertLiveStream } from './price/live-stream.ts';
import { PriceAlertService } from './price/service.ts';
import { LiveUniverse } from '../market-data/live-universe.ts';
import { transaction } from '../storage/sqlite.ts';
import { openDatabase } from './store/db.ts';
import { IncidentStore } from './store/incidents.ts';
import { ServiceGraph } from './correlation/service-graph.ts';
import { pruneIncidents, retentionEveryMs, retentionOf } from './store/incident-retention.ts';
import { SilenceStore } from './store/silences.ts';
import { PushSubscriptionStore } from './store/push-subscriptions.ts';

export interface AlertsServiceOptions {
  /** The pipeline configuration; default: the file named by ALERTS_CONFIG, or record-only. */
  readonly config?: AlertsConfigInput;
  readonly clock?: Clock;
  /** Where runbooks/*.md live (default: the repository's runbooks/). */
  readonly runbookDir?: string;
  /** Where notification channels may connect; default: public addresses plus OUTBOUND_ALLOW_CIDRS. */
  readonly outbound?: AddressPolicy;
  /** Silences not yet expired the API lets exist (default MAX_LIVE_SILENCES). */
  readonly maxLiveSilences?: number;
  /** This instance's name among the alerts instances (default: host name and port). */
  readonly instance?: string;
}

const traceparent = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The alerts service: ingest, the pipeline, on-call, notification channels, price alerts and their API. */
export function alertsService(options: AlertsServiceOptions = {}): Service {
  const clock = options.clock ?? systemClock;
  const subscriptions: Subscription[] = [];
  let db: DatabaseSync | undefined;
  let outbox: Outbox | undefined;
  let pipeline: Pipeline | undefined;
  let prices: PriceAlertService | undefined;
  let retentionTimer: NodeJS.Timeout | undefined;
  let resolveTimeout: ResolveTimeout | undefined;
  const live = new PriceAlertLiveStream();
  const universe = new LiveUniverse();
  return {
    name: 'alerts',
    async start(ctx: ServiceContext) {
      // Links (runbooks, incidents, dashboards) on PUBLIC_URL or this process's own port: links.ts.
      const config: AlertsConfig = withLinks(
        options.config !== undefined
          ? alertsConfigSchema.parse(options.config)
          : loadAlertsConfig(ctx.config.alerts.configFile),
        process.env,
        ctx.config.port,
      );
      const dataDir = join(ctx.config.dataDir, 'alerts');
      db = openDatabase(dataDir);
      const database = db;
      const transact = <T>(work: () => T): T => transaction(database, work);
      const runbookDir = options.runbookDir ?? fileURLToPath(new URL('../../runbooks/', import.meta.url));
      const runbooks = new Set(
        (existsSync(runbookDir) ? readdirSync(runbookDir, { withFileTypes: true }) : [])
          .filter((f) => f.isFile() && f.name.endsWith('.md') && f.name !== 'README.md')
          .map((f) => f.name.slice(0, -3)),
      );

      const received = new Counter({
        name: 'insitechart_alerts_received_total',
        help: 'Alerts accepted, by ingest source',
        labelNames: ['source'],
        registers: [ctx.metrics],
      });
      const processed = new Counter({
        name: 'insitechart_alerts_processed_total',
        help: 'Alerts through the pipeline, by outcome',
        labelNames: ['outcome'],
        registers: [ctx.metrics],
      });
      new Gauge({
        name: 'insitechart_alert_incidents_open',
        help: 'Incidents not yet resolved',
        registers: [ctx.metrics],
        collect() {
          this.set(pipeline?.openIncidents ?? 0);
        },
      });
      const deliveries = new Counter({
        name: 'insitechart_alert_notifications_total',
        help: 'Notification delivery attempts, by channel and outcome',
        labelNames: ['channel', 'outcome'],
        registers: [ctx.metrics],
      });
      const latency = new Histogram({
        name: 'insitechart_alert_notify_latency_seconds',
        help: 'From accepting an alert to delivering the first notification that carries it',
        buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30, 60, 300],
        registers: [ctx.metrics],
      });

      const pushSubs = new PushSubscriptionStore(database);
      const vapid = loadOrCreateVapidKeys(dataDir);
      const outbound = options.outbound ?? loadOutboundPolicy();
      const channels: ChannelSet = {
        webhook: webhookChannel(outbound),
        slack: slackChannel(outbound),
        pagerduty: pagerdutyChannel(outbound),
        alertmanager: alertmanagerChannel(outbound, config.public_url),
        webpush: webpushChannel(
          outbound,
          vapid,
          config.channels.webpush.subject,
          config.channels.webpush.ttl_seconds,
          pushSubs,
        ),
        ...(config.channels.smtp !== undefined ? { email: emailChannel(outbound, config.channels.smtp) } : {}),
        ...(config.channels.sms !== undefined ? { sms: smsChannel(outbound, config.channels.sms) } : {}),
        ...(config.channels.push !== undefined ? { push: pushChannel(outbound, config.channels.push) } : {}),
      };
      outbox = new Outbox({
        db: database,
        channels,
        retry: {
          attempts: config.channels.retry.attempts,
          initialBackoffMs: config.channels.retry.initial_backoff,
          maxBackoffMs: config.channels.retry.max_backoff,
        },
        timeoutMs: config.channels.timeout,
        retention: {
          outboxMs: config.retention.outbox,
          deliveryLogMs: config.retention.delivery_log,
          deliveryLogRows: config.retention.delivery_log_rows,
        },
        onError: (error, context) => {
          ctx.logger.error({ err: error }, `outbox: ${context} failed; retrying`);
        },
        onOutcome: (record: DeliveryRecord, message) => {
          deliveries.inc({ channel: record.channel, outcome: record.outcome });
          if (record.outcome === 'delivered' && message.acceptedAt !== undefined)
            latency.observe((record.at - message.acceptedAt) / 1000);
          if (record.outcome === 'failed')
            ctx.logger.warn(
              { key: record.key, channel: record.channel, error: record.error },
              'notification could not be delivered',
            );
        },
      });
      const box = outbox;
      const store = new IncidentStore(database);
      const silences = new SilenceStore(database);
      const directory = new Directory(database, {
        users: config.users,
        schedules: config.schedules,
        policies: config.escalation_policies,
      });
      const serviceGraph = new ServiceGraph();
      pipeline = new Pipeline({
        config,
        serviceGraph,
        clock,
        directory,
        enqueue: (items) => {
          box.enqueue(items);
        },
        persist: store.persistence(),
        silences: () => silences.all(),
        runbooks,
        digest: new SqliteDigestBuffer<DigestItem>(database),
        transact,
        load: () => store.loadOpen(),
        onError: (error, context) => {
          ctx.logger.error({ err: error }, `alert pipeline: ${context} failed; state rebuilt from storage`);
        },
      });
      const pipe = pipeline;
      transact(() => {
        pipe.restore(store.loadOpen());
      });
      resolveTimeout = new ResolveTimeout({
        target: {
          firingAlerts: () => pipe.firingAlerts(),
          process: (alert) => {
            pipe.process(alert);
            processed.inc({ outcome: 'resolve-timeout' });
          },
        },
        clock,
        timeoutMs: ctx.config.alerts.resolveTimeoutMs,
        onError: (error) => {
          ctx.logger.error({ err: error }, 'alerts: resolving a timed-out alert failed; retried at the next check');
        },
      });
      resolveTimeout.start();
      box.start();
      const applyRetention = (): void => {
        try {
          pruneIncidents(database, retentionOf(config), Date.now());
        } catch (error) {
          ctx.logger.error({ err: error }, 'alerts: incident retention failed; retried at the next run');
        }
      };
      applyRetention();
      retentionTimer = setInterval(applyRetention, retentionEveryMs);
      retentionTimer.unref();
      const audit = auditTo(ctx.bus, 'alerts');
      const episodes = new DetectionEpisodes();

      subscriptions.push(
        await ctx.bus.subscribe({
          group: 'alerts-pipeline',
          topic: 'alerts.ops',
          handler: ({ envelope }) => {
            const d = envelope.data;
            const trace = traceparent.exec(envelope.traceparent ?? '')?.[1];
            const alert: Alert = {
              fingerprint: d.fingerprint,
              status: d.status,
              labels: d.labels,
              annotations: d.annotations,
              startsAt: Date.parse(d.startsAt),
              ...(d.endsAt !== undefined ? { endsAt: Date.parse(d.endsAt) } : {}),
              source: d.source,
              ...(d.generatorURL !== undefined ? { generatorURL: d.generatorURL } : {}),
              traceIds: trace === undefined ? [] : [trace],
            };
            // The pipeline runs its own transaction and rebuilds its memory if the write fails.
            const { outcome } = pipe.process(alert, Date.parse(envelope.time));
            processed.inc({ outcome });
          },
        }),
        // The service graph from traces (collectors/otlp): lost at a restart, rebuilt as calls go on.
        await ctx.bus.subscribe({
          group: 'alerts-service-graph',
          topic: 'traces.service-graph',
          handler: ({ envelope }) => {
            const at = Date.parse(envelope.time);
            for (const e of envelope.data.edges) serviceGraph.observe(e.caller, e.callee, e.calls, at);
            for (const e of envelope.data.errors ?? []) serviceGraph.errors.observe(e);
            for (const h of envelope.data.hosts ?? []) serviceGraph.hosts.learn(h.name, h.addresses);
          },
        }),
        await ctx.bus.subscribe({
          group: 'alerts-detections',
          topic: 'detections',
          handler: async ({ envelope }) => {
            for (const data of episodes.alertsOf(envelope.data))
              await ctx.bus.publish('alerts.ops', { key: data.fingerprint, data, source: 'alerts' });
            received.inc({ source: 'detections' });
          },
        }),
        await ctx.bus.subscribe({
          group: 'alerts-remediations',
          topic: 'remediations',
          from: 'latest',
          handler: ({ envelope }) => {
            const r = envelope.data;
            pipe.recordRemediation({
              action: r.action,
              target: r.target,
              status: r.status,
              reason: r.reason,
              at: Date.parse(envelope.time),
            });
          },
        }),
      );
      prices = new PriceAlertService({
        db: database,
        bus: ctx.bus,
        enqueue: (items) => {
          box.enqueue(items);
        },
        logger: ctx.logger,
        universe,
        live,
        instance:
          options.instance ??
          `${hostname()
            .replace(/[^\w.-]/g, '_')
            .slice(0, 80)}:${String(ctx.config.port)}`,
      });
      subscriptions.push(...(await prices.start()));

      ingestRoutes(ctx.api, ctx.bus, (source, n) => {
        received.inc({ source }, n);
      });
      incidentRoutes(ctx.api, {
        pipeline: pipe,
        store,
        outbox: box,
        audit,
        now: () => clock.now(),
        transact: (work) => pipe.atomically(work),
      });
      silenceRoutes(ctx.api, { silences, audit, now: () => clock.now(), maxLive: options.maxLiveSilences });
      oncallRoutes(ctx.api, { directory, audit, now: () => clock.now(), limits: config.limits });
      describeAlertRoutes(openApi);
      priceAlertRoutes(ctx.api, {
        prices,
        pushSubscriptions: pushSubs,
        vapidPublicKey: vapid.publicKey,
        audit,
        live,
        emailConfigured: config.channels.smtp !== undefined,
      });
      ctx.personalData?.register(priceAlertData(prices, database));
      ctx.personalData?.register(pushSubscriptionData(pushSubs));
      ctx.site.get('/runbooks/:slug.md', (req, res) => {
        const slug = req.params.slug;
        if (!runbooks.has(slug)) {
          res.status(404).json({ error: `no runbook ${slug}` });
          return;
        }
        res.type('text/markdown').sendFile(join(runbookDir, `${slug}.md`));
      });
    },
    async stop() {
      clearInterval(retentionTimer);
      resolveTimeout?.stop();
      live.close();
      await universe.close();
      for (const s of subscriptions.splice(0)) await s.close('drain');
      pipeline?.stop();
      await outbox?.stop();
      db?.close();
    },
  };
}
