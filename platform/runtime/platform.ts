import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventBus } from '../backbone/bus.ts';
import { instrumentBus } from '../backbone/instrumented-bus.ts';
import type { Config } from '../config/config.ts';
import { createHttpApp } from '../http/app.ts';
import { shareLimits } from '../http/fair-share.ts';
import { protectServer } from '../http/server-limits.ts';
import { withActor } from '../identity/actor-bus.ts';
import type { Identity } from '../identity/identity.ts';
import { describeIdentityRoutes } from '../identity/openapi.ts';
import { platformIdentity } from '../identity/platform-identity.ts';
import { loadIdentitySettings, type IdentitySettings } from '../identity/settings.ts';
import { Health } from '../http/health.ts';
import { listRoutes, openApi } from '../http/openapi.ts';
import { WebSocketRoutes } from '../http/websocket-routes.ts';
import { IdentityMessageRate } from '../http/ws-identity-rate.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { LogSink } from '../telemetry/logs/log-sink.ts';
import { createMetrics, type PlatformMetrics } from '../telemetry/metrics.ts';
import { createBus } from './create-bus.ts';
import type { Service } from './service.ts';

/** Identities with a WebSocket open at once (the admission caps connections; this bounds the rate table too). */
const WS_MAX_IDENTITIES = 100_000;

export interface PlatformOptions {
  readonly config: Config;
  readonly services: readonly Service[];
  readonly logger: Logger;
  /** A ready bus (tests); otherwise one is made from the configuration. */
  readonly bus?: EventBus;
  readonly logSink?: LogSink;
  /** Identity settings (tests); otherwise read from the environment. */
  readonly identity?: IdentitySettings;
}

export interface RunningPlatform {
  readonly url: string;
  readonly server: Server;
  readonly bus: EventBus;
  readonly metrics: PlatformMetrics;
  readonly health: Health;
  /** Users, sessions and API tokens of this platform (DATA_DIR/identity.db). */
  readonly identity: Identity;
  /** Every HTTP route served (OpenAPI-style paths), for the access table's test. */
  routes(): { method: string; path: string }[];
  /** Drains: stops taking requests and events, lets in-flight work finish, commits, closes the bus. */
  stop(): Promise<void>;
}

export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const { config, logger } = options;
  const metrics = createMetrics(undefined, config.eventLoopWindowMs);
  const health = new Health();
  const rawBus = options.bus ?? (await createBus(config, logger));
  const bus = withActor(instrumentBus(rawBus, metrics.bus));
  metrics.watchLag(rawBus);
  if (options.logSink !== undefined) metrics.watchLogSink(options.logSink);
  health.add('backbone', () => rawBus.ready());
  const identitySettings = options.identity ?? loadIdentitySettings();
  const identity = platformIdentity(config.dataDir, identitySettings, metrics.registry, logger);
  const { app, api, site, security } = createHttpApp({ metrics, health, logger, access: identity.access });
  await identity.mount(api, bus);
  describeIdentityRoutes(openApi);
  const websockets = new WebSocketRoutes();

  const started: Service[] = [];
  try {
    for (const service of options.services) {
      await service.start({
        config,
        bus,
        logger: logger.child({ component: service.name }),
        api,
        site,
        metrics: metrics.registry,
        health,
        websockets,
        personalData: identity.personalData,
      });
      started.push(service);
    }
  } catch (error) {
    await stopAll(started, bus, logger);
    await identity.close();
    throw error;
  }

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, (error?: Error) => {
      if (error) reject(error);
      else resolve(s);
    });
  }).catch(async (error: unknown) => {
    await stopAll(started, bus, logger);
    await identity.close();
    throw error;
  });
  protectServer(server, {
    connections: shareLimits(
      identitySettings.maxConnections,
      identitySettings.connectionsPerAddress,
      identitySettings.prefixSharePercent,
    ),
    onConnectionOutcome: identity.connectionOutcome,
  });
  websockets.attach(server, {
    allowedHosts: security.allowedHosts,
    authorize: identity.authorizeUpgrade,
    messageRate: new IdentityMessageRate({
      perSecond: identitySettings.wsMessagesPerSecond,
      maxKeys: WS_MAX_IDENTITIES,
    }),
    onRefused: identity.wsRefused,
  });
  // Start-up is over: from here on users are served, and what the detector tier samples counts (readiness.ts).
  metrics.readiness.serving();
  const address = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${String(address.port)}`;
  logger.info(
    {
      services: started.map((s) => s.name),
      bus: rawBus.kind,
      urls: {
        app: `${url}/`,
        api: `${url}/api`,
        ws: `${url.replace('http', 'ws')}/ws`,
        healthz: `${url}/healthz`,
        readyz: `${url}/readyz`,
        metrics: `${url}/metrics`,
      },
    },
    `InsiteChart is up at ${url}/ (health ${url}/healthz, readiness ${url}/readyz, metrics ${url}/metrics)`,
  );
  await identity.announce(url);

  let stopping: Promise<void> | undefined;
  return {
    url,
    server,
    bus,
    metrics,
    health,
    identity: identity.identity,
    routes: () => listRoutes(app.router),
    stop: () => {
      stopping ??= (async () => {
        health.drain();
        metrics.readiness.draining();
        const closed = new Promise<void>((resolve) =>
          server.close(() => {
            resolve();
          }),
        );
        server.closeIdleConnections();
        websockets.close();
        await stopAll(started, bus, logger);
        server.closeAllConnections();
        await closed;
        await identity.close();
      })();
      return stopping;
    },
  };
}

async function stopAll(services: readonly Service[], bus: EventBus, logger: Logger): Promise<void> {
  for (const service of [...services].reverse()) {
    await service.stop().catch((error: unknown) => {
      logger.error({ err: error, component: service.name }, 'service did not stop cleanly');
    });
  }
  await bus.close();
}
